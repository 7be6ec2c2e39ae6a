"""Speakers: who a quotation's frame names, resolved to the entity the article means.

The quote stage (transforms/quote.py) finds a frame and its cue; this module says who speaks there:

- a name of the frame that is its subject, not one attached to another noun (der Sprecher der FDP,
  gegenüber der ARD, (CDU)); a name the tagger missed is found by rule: two or more capitalised
  words that are no common nouns (sagte Todor Kolarow);
- else a pronoun or a noun phrase, with the organisation it names as its complement ("ein Sprecher des
  Auswärtigen Amts"). A pronoun (er, sie) resolves to the nearest person before; a role noun (die
  Ministerin) to the person that role introduced (Außenministerin Annalena Baerbock), else the nearest
  person; a description to the organisation it names, or to the entity of the same word elsewhere
  in the article (der Kreml ... Kreml).
- the source after laut / nach Angaben / before zufolge, as printed, with the entity it names.

The names themselves (mentions, names by rule, persons a role points back to) are in speaker_names,
the word lists and word tests in speaker_words.
"""
from __future__ import annotations

import re

from newsetl.transforms.codes import LOC, ORG, PER
from newsetl.transforms.speaker_names import Names
from newsetl.transforms.speaker_words import (
    ARTICLES,
    NOT_NAME_WORDS,
    PASSIVE,
    PREPOSITIONS,
    PRONOUNS,
    ROLES,
    SENTENCE_WORDS,
    WORD,
    Mentioned,
    descriptor,
    is_role,
    not_name,
    noun_phrase_end,
    rule_entity,
    speaks,
    strip_span,
)

__all__ = ["PRONOUNS", "ROLES", "Mentioned", "Speakers", "rule_entity"]

# A noun phrase with its article, up to two lower-case words, its noun, and a genitive or von complement
# (ein Sprecher des Auswärtigen Amts, die Sprecherin der Stiftung Warentest).
# Its lower-case words are adjectives, no preposition or article: "der nach dem Angriff" is a relative
# pronoun before a prepositional phrase.
_ADJECTIVE = r"(?:(?!(?:" + "|".join(sorted(PREPOSITIONS | ARTICLES)) + r")\s)[a-zäöü][\wäöüß-]*\s+)"
_ROLE_NP = re.compile(
    r"(?<![\w])(?:[Dd]er|[Dd]ie|[Dd]as|[Ee]in|[Ee]ine)\s+" + _ADJECTIVE + r"{0,2}"
    r"([A-ZÄÖÜ][\wäöüß-]+)"
    # its name right after it: die Zeitung The Guardian, die Tageszeitung „The Guardian“, Die New York Times
    r"((?:[ ]+[„»\"][^„“»«\"\n]{1,40}[“«\"]|(?:[ ]+[A-ZÄÖÜ][\wäöüß.-]*){1,3}(?![\wäöüß])))?"
    # up to two, each with its name in marks or für-complement (der Mitarbeiter der Video-Produktionsfirma „Shui
    # Jing Shi“, der Webseite des Preises der Stadt Kassel, Ein Sprecher der Bundesagentur für Arbeit)
    r"((?:\s+(?:des|der|eines|einer|von|vom)\s+(?:(?:der|des|dem|den)\s+)?(?:[a-zäöü][\wäöüß-]*\s+){0,2}"
    r"[„»\"]?[A-ZÄÖÜ][\wäöüß-]+(?:[ ]+[A-ZÄÖÜ][\wäöüß-]+){0,3}[“«\"]?"
    r"(?:[ ]+[„»\"][^„“»«\"\n]{1,40}[“«\"]|[ ]+für[ ]+[A-ZÄÖÜ][\wäöüß-]+)?){1,2})?")
_BARE_SUBJECT = re.compile(r"^\s*(?:[A-ZÄÖÜ][\wäöüß-]*\s+){0,2}([A-ZÄÖÜ][\wäöüß-]+)(?:\s*$|\s+(?=[a-zäöüß]))")
# An article with a name in marks: der „Oberste Rat zur Wiederherstellung der Demokratie“, Der „Chaos Computer Club“.
_QUOTED_NP = re.compile(r"(?<![\w])(?:[Dd]er|[Dd]ie|[Dd]as)\s+(?:[a-zäöü][\wäöüß-]*\s+){0,2}"
                        r"[„»\"]([A-ZÄÖÜ][\wäöüß-]*)[^„“»«\"\n]{0,60}[“«\"]")
# Nouns of what was said or written: their complement names the speaker (das Fazit von Sandra Boser).
_SPEECH_NOUNS = tuple(w.lower() for w in (
    "Fazit", "Aussage", "Erklärung", "Mitteilung", "Bericht", "Befunde", "Angaben", "Worte", "Ansicht", "Meinung",
    "Urteil", "Studie", "Ergebnis", "Stellungnahme", "Interview", "Artikel", "Meldung", "Brief", "Schreiben",
    "Information", "Informationen", "Einschätzung", "Auffassung", "Berechnungen", "Analyse"))
_DEFINITE = ("der", "die", "das")
# A cue that ends its clause: a participle or a verb before a comma or the sentence end.
_VERB_FINAL = re.compile(r"(?:ge[\wäöüß]+|[\wäöüß]+(?:t|en))\s*[,.:;]")
# What may stand before a subject's name in first place (Der frühere Präsident, Die Sprecherin der Partei), and
# between it and the verb in second place (an apposition or relative clause between commas, a party in brackets).
_OPENING = re.compile(r"(?:(?:[Dd]er|[Dd]ie|[Dd]as)\s+)?(?:[a-zäöüß]+(?:e|en|er)\s+){0,2}(?:[A-ZÄÖÜ][\wäöüß.-]*\s+){0,3}")
_TO_CUE = re.compile(r"\s*(?:\([^()]{1,30}\)\s*)?(?:,[^,.;:]{1,120},\s*)?")
# Characters a name found by rule counts as further from the cue than a name the tagger found.
RULE_NAME_PENALTY = 40

# The agent of a passive frame after its auxiliary (wurden von X als unrealistisch bezeichnet), or of a
# participle clause (wie von der Verteidigung ausgeführt).
_AGENT = re.compile(r"(?<![\w])(?:(?:wurde|wurden|wird|werden|worden)(?:\s+[a-zäöüß]+){0,3}|[Ww]ie)\s+vo[nm]\s+")
# Verbs whose von names what is spoken of, not who speaks, and a clause boundary.
_SPOKEN_OF = re.compile(r"\b(?:gesprochen|berichtet|erzählt|dass|und)\b")
_AUXILIARY_AFTER = re.compile(r"[\wäöüß]+\s+(?:werden|worden|wurde|wurden)\b")
# The preposition before the writing that "heißt es" quotes.
_SAID_IN = re.compile(r"(?<![\w])(?:[Ii]n|[Ii]m|[Aa]uf|[Bb]ei|[Aa]us)\s+")


def _start(name) -> int:
    """Where a tagger's mention or a name found by rule (start, end) starts."""
    return name.start if isinstance(name, Mentioned) else name[0]


class Speakers(Names):
    """One body with its mentions: the speaker of a frame, resolved to an entity where the article names one."""

    def speaker(self, start: int, end: int, cue_at: int, nearest: bool = False) -> tuple[str | None, str | None]:
        """Speaker (as written, entity id) in the frame body[start:end]: its subject, nearest to the cue; with
        nearest, the name nearest to the cue whatever it hangs on (die Befunde des Amts X, wonach ...)."""
        body = self.body
        said_in = self._said_in(start, end, cue_at) or self.passive_agent(start, end, cue_at)
        if said_in is not None:
            return said_in
        after = re.match(r"\w+\s+(er|sie)(?![\w])", body[cue_at:end])
        if after and after.group(1) == "sie" and self._first_place(start, cue_at) is not None:
            after = None  # Der Hauptgeschäftsführer des BPI nannte sie „fahrlässig“: sie is the object
        pronoun = re.search(r"(?<![\w])(er|sie|Er|Sie)\s+$", body[max(start, cue_at - 8):cue_at]) or after
        if pronoun:
            # "beschrieb er", "er sagte": the pronoun next to the cue is its subject, before any name further off.
            person = self.person_before(start, pronoun=pronoun.group(1))
            return pronoun.group(1), person.entity_id if person else None
        named = self._frame_names(start, end)
        subjects = named if nearest else [n for n in named if not self.attached(n[0], start, n[4])]
        if subjects:
            best = self._best_subject(subjects, start, cue_at, nearest)
            written = self._full_name(best[1], best[2]) if best[4] == PER and " " not in best[2] else best[2]
            return self._with_acronym(best[1], written), best[3]
        phrase = self._noun_phrase(start, end, cue_at, nearest)
        if phrase is not None and phrase[1] is None:
            # Eine der Oppositionsgruppen, die Koalition für Einheit (CUD), behauptete: the short form in
            # brackets names the subject.
            bracketed = [n for n in named if n[3] and body[n[0] - 1:n[0]] == "(" and n[0] < cue_at]
            if bracketed:
                return phrase[0], bracketed[-1][3]
        if phrase is not None:
            return phrase
        if named:
            best = min(named, key=lambda n: min(abs(n[0] - cue_at), abs(n[1] - cue_at)))
            return best[2], best[3]
        places = [m for m in self.mentions if start <= m.start and m.end <= end and m.label == LOC]
        if places:
            # Countries speak for their governments (China hat behauptet): a speaker without an entity id.
            best = min(places, key=lambda m: abs(m.start - cue_at))
            return best.surface, None
        return None, None

    def _first_place(self, start: int, cue_at: int) -> tuple[int, int] | None:
        """The span of the subject where the cue is the verb in second place of its sentence: a name or a noun
        phrase with its article opening the sentence, then at most an apposition between commas, then the cue
        (Der Hauptgeschäftsführer des BPI nannte; Bazoum Mohammed, Sprecher der CFDR, forderte)."""
        ends = list(re.finditer(r"[.!?:;][“”\"«»]?\s", self.body[start:cue_at]))
        clause_start = start + ends[-1].end() if ends else start
        clause_start += len(self.body[clause_start:cue_at]) - len(self.body[clause_start:cue_at].lstrip(" „»\"\n"))
        head = re.match(r"[^,]+", self.body[clause_start:cue_at])
        if head is None or not _TO_CUE.fullmatch(self.body[clause_start + head.end():cue_at]):
            return None
        span = (clause_start, clause_start + len(head.group().rstrip()))
        phrase = _ROLE_NP.fullmatch(self.body, *span)
        named = [m for m in self.speakers_in(*span) if m.label in (PER, ORG)] + self.names_by_rule(*span)
        return span if phrase is not None or named and _OPENING.fullmatch(self.body[span[0]:_start(named[-1])]) \
            else None

    def _best_subject(self, subjects: list[tuple], start: int, cue_at: int, nearest: bool) -> tuple:
        """The subject among a frame's names: a name of the cue's own clause (not one of "Wie CBS berichtet, gab
        X ..."), then the nearest to the cue, a name found by rule counted as if it stood further off than one
        the tagger found."""
        body = self.body
        best = min(subjects, key=lambda n: (self._other_clause(n[0], n[1], cue_at),
                                            min(abs(n[0] - cue_at), abs(n[1] - cue_at)) + RULE_NAME_PENALTY * n[5]))
        if nearest:
            return best
        first = self._first_place(start, cue_at)
        opening = [n for n in subjects if first is not None and first[0] <= n[0] and n[1] <= first[1]]
        if opening and best[0] >= cue_at:
            # Bazoum Mohammed, Sprecher der CFDR, forderte die Militärjunta auf: the name before the verb in
            # second place is its subject, the one after it its object.
            return opening[0]
        before = [n for n in subjects if n[1] <= cue_at and not self._other_clause(n[0], n[1], cue_at)]
        if len(before) > 1 and _VERB_FINAL.match(body[cue_at:cue_at + 40]) and not PASSIVE.search(body[start:cue_at]):
            # A participle at the clause's end (X hat Y darum gebeten): the first name is its subject; in
            # the passive (Y wurde von X gebeten) the agent stays.
            return min(before, key=lambda n: (n[5], n[0]))
        return best

    def _frame_names(self, start: int, end: int) -> list[tuple[int, int, str, str | None, str, bool]]:
        """The names of a frame as (start, end, written, entity id, label, found by rule): the tagger's persons and
        organisations and the names found by rule, less roles the tagger took for names."""
        body = self.body
        by_rule = self.names_by_rule(start, end)
        named = [(s, e, body[s:e], self.rule_entity(s, e), PER, True) for s, e in by_rule]
        named += self._bare_surnames(start, end, by_rule)
        rule_starts = {s for s, _ in by_rule}
        for m in self.speakers_in(start, end):
            if m.label == ORG and is_role(m.surface.split()[-1]):
                continue  # a role the tagger took for an organisation (Klub-Sekretär, FIFA-Chef)
            noun = re.match(r" ([A-ZÄÖÜ][\wäöüß-]+)", body[m.end:m.end + 40])
            if m.end + 1 in rule_starts or noun and m.end + len(noun.group()) + 1 in rule_starts:
                continue  # a role the tagger took for a name (der EU-Außenbeauftragte | Javier Solana)
            if noun and m.surface.endswith("s") and descriptor(noun.group(1)):
                if any(n.start == m.end + len(noun.group()) + 1 and n.label == PER for n in self.mentions):
                    continue  # Schalkes Trainer Felix Magath: the name after the role is the person
                # Demjanjuks Sohn, Papiers Stellvertreter: someone of the person's, not the person.
                named.append((m.start, m.end + len(noun.group()), m.surface + noun.group(), None, PER, False))
                continue
            named.append((m.start, m.end, m.surface, m.entity_id, m.label, False))
        return named

    def _bare_surnames(self, start: int, end: int, by_rule: list[tuple[int, int]]) -> list[tuple]:
        """Surnames alone in body[start:end] (Gall schreibt) of persons the article names in full elsewhere,
        where neither the tagger nor the name rule found a name, as _frame_names gives its names."""
        taken = [(m.start, m.end) for m in self.mentions if m.start < end and m.end > start] + by_rule
        bare = [(w.start(), w.end(), w.group()) for w in WORD.finditer(self.body, start, end) if w.group()[:1].isupper()
                and not any(a < w.end() and w.start() < b for a, b in taken)]
        return [(a, b, word, self.surname_entity(word), PER, True) for a, b, word in bare
                if self.surname_entity(word) is not None]

    def subject(self, start: int, end: int) -> tuple[str | None, str | None]:
        """The first name of the sentence body[start:end] that hangs on no other word (Die Haushaltspolitikerin
        von Bündnis 90/Die Grünen, Anja Hajduk, kritisierte ...), else its first name; before either, the agent
        of a passive (Von politischen Beobachtern wird dieser Schritt ... gewertet)."""
        stop = start + len(self.body[start:end].rstrip(" .!?\n"))
        agent = self.passive_agent(start, stop, stop)
        if agent is not None:
            return agent
        named = [(m.start, m.surface, m.entity_id) for m in self.speakers_in(start, end)]
        named += [(a, self.body[a:b], self.rule_entity(a, b))
                  for a, b in self.names_by_rule(start, end)]
        named.sort()
        subjects = [n for n in named if not self.attached(n[0], start, PER if n[2] else ORG)]
        best = (subjects or named or [None])[0]
        role = self._role_subject(start, end, best[0] if best else end)
        if role is not None:
            return role
        return (best[1], best[2]) if best else (None, None)

    def _role_subject(self, start: int, end: int, name_at: int) -> tuple[str, str | None] | None:
        """A role noun phrase opening the sentence before any name, resolved (Der Bürgermeister von New Orleans
        forderte ...)."""
        m = _ROLE_NP.match(self.body, start, end)
        if m is None or not is_role(m.group(1)) or name_at < m.end():
            return None
        apposition = self.apposition(m.end())
        if apposition is not None:
            return apposition  # Der ÖAMTC-Flugbetriebsleiter, Reinhard Kraxner, spekulierte
        written = self._with_acronym(m.end(), m.group())
        return written, self._resolve_description(m.start(), m.start() + len(written), m.group(1), written)

    def description_subject(self, start: int, end: int) -> tuple[str, str | None] | None:
        """A noun phrase with its article opening the sentence right before its verb, resolved where it can be
        (Die Kriminalpolizei bittet um Mithilfe; Die New Yorker Gesundheitsbehörden haben ... entdeckt)."""
        m = _ROLE_NP.match(self.body, start, end)
        if m is None or not re.match(r"[ ]+[a-zäöüß]", self.body[m.end():m.end() + 3]) \
                or m.group().split()[0].lower() not in _DEFINITE or not speaks(m.group(1)):
            return None
        written = self._with_acronym(m.end(), m.group())
        return written, self._resolve_description(m.start(), m.start() + len(written), m.group(1), written)

    def source(self, start: int, end: int) -> tuple[str | None, str | None]:
        """A source after laut / nach or before zufolge (einem Bericht des Innenministeriums, Angaben der
        Polizei): as printed, with the first name in it, or the name of a pronoun or role noun it holds."""
        start, end = strip_span(self.body, start, end)
        if end <= start:
            return None, None
        written = self.body[start:end]
        named = self.speakers_in(start, end)
        if named:
            return written, named[0].entity_id
        by_rule = self.names_by_rule(start, end)
        if by_rule:
            s, e = by_rule[0]
            return written, self.rule_entity(s, e)
        phrase = self._noun_phrase(start, end, start)
        return written, phrase[1] if phrase else None

    def _said_in(self, start: int, end: int, cue_at: int) -> tuple[str, str | None] | None:
        """The writing that says it for "heißt es" (heißt es in einer Erklärung des Betriebsrates, hieß es bei
        Russland Aktuell, In einer Erklärung der EU-Außenminister hatte es geheißen): the noun phrase after in,
        auf, bei or aus in the cue's clause, where it names someone (a name or an acronym)."""
        if not re.match(r"(?:heißt|hieß|geheißen)\b", self.body[cue_at:cue_at + 9]):
            return None
        clause_start = max(start, self.body.rfind(",", start, cue_at) + 1)
        comma = self.body.find(",", cue_at, end)
        clause_end = comma if comma != -1 else end
        for m in _SAID_IN.finditer(self.body, clause_start, clause_end):
            phrase_end = m.end() + len(self.body[m.end():m.end() + noun_phrase_end(
                self.body[m.end():clause_end])].rstrip("."))
            written, eid = self.source(m.end(), phrase_end)
            if written and (eid or re.search(r"\b[A-ZÄÖÜ]{2,}", written)):
                return written, eid
        return None

    def passive_agent(self, start: int, end: int, cue_at: int) -> tuple[str, str | None] | None:
        """The agent of a passive frame, who speaks there: "Die Forderungen wurden von Bundesverkehrsminister
        Manfred Stolpe als unrealistisch bezeichnet", "konnten nicht von den Einsatzkräften bestätigt werden":
        the noun phrase after von in the cue's clause, as printed, resolved."""
        clause_start = max(start, *(self.body.rfind(c, start, cue_at) + 1 for c in ",;:.!?"))
        clause = self.body[clause_start:cue_at]
        agent = _AGENT.search(clause)
        if agent is None and _AUXILIARY_AFTER.match(self.body, cue_at):
            agent = re.search(r"(?<![\w])vo[nm]\s+", clause)
        if agent is None and PASSIVE.search(clause) and not _SPOKEN_OF.search(self.body, clause_start, cue_at + 12):
            # Von den Behörden wird angenommen, dass ...; not what is spoken of (Von Desinformation wird gesprochen).
            agent = re.match(r"\s*Vo[nm]\s+", clause)
        if agent is None or self.body.startswith("zitiert", cue_at):
            return None  # X wird von der Netzeitung zitiert: X speaks, the paper quotes
        at = clause_start + agent.end()
        phrase_end = at + noun_phrase_end(self.body[at:cue_at])
        if not re.search(r"[A-ZÄÖÜ]", self.body[at:phrase_end]):
            return None
        written, eid = self.source(at, phrase_end)
        return (written, eid) if written else None

    def _other_clause(self, start: int, end: int, cue_at: int) -> bool:
        """Whether a subordinate clause with its own verb stands between a name and the cue (Wie der Sender CBS
        berichtet, gab ...); an apposition between commas (Werner Hoyer, Sprecher der FDP, sagte) does not."""
        between = self.body[end:cue_at] if end <= cue_at else self.body[cue_at:start]
        return bool(re.search(r"\b(?:[a-zäöüß]+t|[a-zäöüß]+te|[a-zäöüß]+ten|hat|ist|sind|war|wird)\s*,", between)) \
            or bool(re.match(r"\s*(?:[Ww]ie|[Aa]ls|[Dd]ass|[Oo]b|[Ww]eil|[Ww]enn|[Nn]achdem)\b",
                             self.body[max(0, start - 40):start].split(",")[-1]))


    def _noun_phrase(self, start: int, end: int, cue_at: int, nearest: bool = False) -> tuple[str, str | None] | None:
        """A pronoun or noun phrase of the frame (one before the cue is its subject), resolved."""
        frame = self.body[start:end]
        ends = list(re.finditer(r"[.!?:;][“”\"«»]?\s", self.body[start:max(start, cue_at)]))
        clause_start = start + ends[-1].end() if ends else start
        candidates = []
        for m in WORD.finditer(frame):
            if m.group() in PRONOUNS:
                after = start + m.start() > cue_at
                order = (start + m.start() < clause_start, start + m.start()) if not after else \
                    (False, abs(start + m.start() - cue_at))
                candidates.append(((False, after, *order), start + m.start(), start + m.end(), None))
        for m in _ROLE_NP.finditer(frame):
            # One attached to another word (mit der New York Times, der Sprecher der Partei) only where
            # nothing else is found.
            previous = frame[:m.start()].rstrip()[-1:]
            genitive = m.group().split()[0].lower() in ("der", "des") and (previous == ")" or re.search(
                r"(?<![.!?]\s)\b[A-ZÄÖÜ][\wäöüß-]+\s*$", frame[:m.start()]) is not None)
            # With nearest (X, wonach ...; ..., so X) the phrase next to the marker, whatever it hangs on.
            attached = not nearest and (genitive or self.attached(start + m.start(), start, PER))
            before = start + m.end(1) <= cue_at
            # Before the cue, the first phrase of the cue's own sentence is its subject (Die Universität hatte
            # die Aberkennung begründet); after it, the nearest.
            order = (start + m.start() < clause_start, start + m.start()) if before and not nearest else \
                (False, min(abs(start + m.start() - cue_at), abs(start + m.end() - cue_at)))
            candidates.append(((attached, not before, *order), start + m.start(), start + m.end(), m.group(1)))
        for m in _QUOTED_NP.finditer(frame):
            before = start + m.end() <= cue_at
            order = (start + m.start() < clause_start, start + m.start()) if before and not nearest else \
                (False, min(abs(start + m.start() - cue_at), abs(start + m.end() - cue_at)))
            candidates.append(((self.attached(start + m.start(), start, PER), not before, *order),
                               start + m.start(), start + m.end(), m.group(1)))
        bare = _BARE_SUBJECT.search(self.body[clause_start:max(clause_start, cue_at)])
        if bare and cue_at > clause_start and not any(
                w.lower() in PREPOSITIONS | NOT_NAME_WORDS | SENTENCE_WORDS for w in bare.group().split()) \
                and (descriptor(bare.group(1)) or not_name(bare.group(1))):
            # A subject without an article opening the cue's clause: Internationale Medien klagten, UN-Mitarbeiter
            # bestätigten, Konservative Politiker hatten kritisiert.
            first = re.match(r"\s*", bare.group()).end()
            candidates.append(((False, False, False, clause_start - 1), clause_start + bare.start() + first,
                               clause_start + bare.end(1), bare.group(1)))
        if not candidates:
            return None
        _, s, e, noun = min(candidates, key=lambda c: c[0])
        written = self._with_acronym(e, self.body[s:e])
        e = s + len(written)
        if noun is None:
            person = self.person_before(start, pronoun=written)
            return written, person.entity_id if person else None
        return written, self._resolve_description(s, e, noun, written)

    def _resolve_description(self, s: int, e: int, noun: str, written: str) -> str | None:
        """The entity a noun phrase means: the person its role introduced, the organisation it names as its
        complement, the entity of the same word elsewhere (der Kreml), else for a role the nearest person."""
        role = next((r for r in ROLES if noun.lower().endswith(r)), None)
        definite = written.split()[0].lower() in _DEFINITE
        apposition = self.apposition(e) if role else None
        if apposition is not None:
            return apposition[1]
        if role and definite:
            person = self.person_before(s, role, strict=True)
            if person:
                return person.entity_id
        inner = self.speakers_in(s, e)
        if noun.lower().endswith(_SPEECH_NOUNS) and (inner or self.names_by_rule(s, e)):
            # Die Kernaussage von Jerry Larson, ein Bericht der BBC: the words of whom the complement names.
            if inner:
                return inner[0].entity_id
            a, b = self.names_by_rule(s, e)[0]
            return self.rule_entity(a, b)
        # The organisation of the complement; a name right after its genitive article too, which the tagger may
        # call a person (ein Sprecher des Auswärtigen Amtes, eine Sprecherin des Ludwigshafener Konzerns).
        inner = [m for m in inner if m.label == ORG or self.attached(m.start, s, PER)]
        if inner:
            return inner[-1].entity_id
        same = self._by_surface.get(noun)
        if same is not None:
            return same.entity_id
        if role:
            person = self.person_before(s, role)
            return person.entity_id if person else None
        return None
