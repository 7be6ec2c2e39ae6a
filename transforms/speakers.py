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
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import simplemma
from newsetl.transforms import gazetteer
from newsetl.transforms.tag import PERSON_CUES, entity_id, person_key

PRONOUNS = {"er", "sie", "Er", "Sie"}
_WORD = re.compile(r"[\wÄÖÜäöüß]+(?:[-'’][\wÄÖÜäöüß]+)*")
# A noun phrase with its article, up to two lower-case words, its noun, and a genitive or von complement
# (ein Sprecher des Auswärtigen Amts, die Sprecherin der Stiftung Warentest).
_ROLE_NP = re.compile(
    r"(?<![\w])(?:[Dd]er|[Dd]ie|[Dd]as|[Ee]in|[Ee]ine)\s+(?:[a-zäöü][\wäöüß-]*\s+){0,2}"
    r"([A-ZÄÖÜ][\wäöüß-]+)"
    # its name right after it: die Zeitung The Guardian, die Tageszeitung „The Guardian“, Die New York Times
    r"((?:[ ]+[„»\"][^„“»«\"\n]{1,40}[“«\"]|(?:[ ]+[A-ZÄÖÜ][\wäöüß.-]*){1,3}(?![\wäöüß])))?"
    r"((?:\s+(?:des|der|eines|einer|von|vom)\s+(?:(?:der|des|dem|den)\s+)?(?:[a-zäöü][\wäöüß-]*\s+){0,2}"
    r"[„»\"]?[A-ZÄÖÜ][\wäöüß-]+(?:[ ]+[A-ZÄÖÜ][\wäöüß-]+){0,3}[“«\"]?))?")
_BARE_SUBJECT = re.compile(r"^\s*(?:[A-ZÄÖÜ][\wäöüß-]*\s+){0,2}([A-ZÄÖÜ][\wäöüß-]+)(?:\s*$|\s+(?=[a-zäöüß]))")
# An article with a name in marks: der „Oberste Rat zur Wiederherstellung der Demokratie“, Der „Chaos Computer Club“.
_QUOTED_NP = re.compile(r"(?<![\w])(?:[Dd]er|[Dd]ie|[Dd]as)\s+(?:[a-zäöü][\wäöüß-]*\s+){0,2}"
                        r"[„»\"]([A-ZÄÖÜ][\wäöüß-]*)[^„“»«\"\n]{0,60}[“«\"]")
# Nouns of what was said or written: their complement names the speaker (das Fazit von Sandra Boser).
_SPEECH_NOUNS = tuple(w.lower() for w in (
    "Fazit", "Aussage", "Erklärung", "Mitteilung", "Bericht", "Befunde", "Angaben", "Worte", "Ansicht", "Meinung",
    "Urteil", "Studie", "Ergebnis", "Stellungnahme", "Interview", "Artikel", "Meldung", "Brief", "Schreiben",
    "Information", "Informationen", "Einschätzung", "Auffassung", "Berechnungen", "Analyse"))
ROLES = tuple(sorted({r.lower() for r in PERSON_CUES}, key=len, reverse=True))
_DEFINITE = ("der", "die", "das")
# A cue that ends its clause: a participle or a verb before a comma or the sentence end.
_VERB_FINAL = re.compile(r"(?:ge[\wäöüß]+|[\wäöüß]+(?:t|en))\s*[,.:;]")
# Characters a name found by rule counts as further from the cue than a name the tagger found.
RULE_NAME_PENALTY = 40
# Words after which a name is attached to another noun or verb, not the frame's subject.
_PREPOSITIONS = {
    "von", "vom", "gegenüber", "mit", "bei", "beim", "in", "im", "an", "am", "für", "zu", "zur", "zum", "aus",
    "nach", "über", "vor", "gegen", "um", "unter", "auf", "durch", "neben", "hinter", "zwischen", "seit", "ohne",
    "trotz", "wegen", "als"}
_OBJECT_ARTICLES = {"des", "eines", "dem", "den", "einem", "einen"}
_GENITIVES = {"des", "eines"}
_PASSIVE = re.compile(r"\b(?:wurde|wurden|wird|werden|worden)\b")
_ARTICLES = {"der", "die", "das", "des", "dem", "den", "ein", "eine", "einer", "eines", "einem", "einen"}
_SENTENCE_WORDS = {"wie", "als", "nun", "dann", "so", "auch", "da", "doch", "zudem", "hier", "dort", "heute",
                   "gestern", "jetzt", "am", "im"}
# A capitalised word of a name run: a word, an initial (R.), a particle (von, de, van, al-) inside it.
_NAME_RUN = re.compile(
    r"(?<![\w-])[A-ZÄÖÜ][\wäöüßéèáàóòúùçñ'’-]+(?:\s+(?:[A-ZÄÖÜ]\.|von|van|de|der|den|da|di|del|al|bin|ibn|"
    r"le|la|[A-ZÄÖÜ][\wäöüßéèáàóòúùçñ'’-]+))+")
_NOT_NAME_WORDS = {"der", "die", "das", "den", "dem", "des", "ein", "eine", "er", "sie", "es", "wir", "ich",
                   "bei", "im", "am", "in", "auf", "mit", "nach", "von", "vom", "zu", "zum", "zur", "für", "aus",
                   "wie", "laut", "und", "auch", "dies", "diese", "dieser", "man", "nun", "doch", "sein", "seine",
                   "seiner", "seinen", "ihr", "ihre", "ihrer", "ihren", "unser", "unsere", "deren", "dessen", "so",
                   "uhr", "anfang", "ende", "mitte", "januar", "februar", "märz", "april", "mai", "juni", "juli",
                   "august", "september", "oktober", "november", "dezember", "montag", "dienstag", "mittwoch",
                   "donnerstag", "freitag", "samstag", "sonntag", "prof", "dr", "dipl", "ing", "mag", "sir", "dame"}


@dataclass
class Mentioned:
    """An entity mention of the tag stage, as the speaker rules read it."""

    start: int
    end: int
    label: str
    entity_id: str
    surface: str


def _strip_span(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start] in " ,;:\n":
        start += 1
    while end > start and body[end - 1] in " ,;:\n":
        end -= 1
    return start, end


_NOUN_ENDINGS = ("ung", "heit", "keit", "schaft", "tion", "tät", "ismus", "ische", "ischen", "ischer")
_ROLE_ENDINGS = ("sprecher", "sprecherin", "minister", "ministerin", "präsident", "präsidentin", "chef", "chefin",
                 "direktor", "direktorin", "leiter", "leiterin", "beauftragte", "beauftragter", "kommissar",
                 "kommissarin", "trainer", "trainerin", "manager", "managerin", "sekretär", "sekretärin")


@lru_cache(maxsize=65536)
def _descriptor(word: str) -> bool:
    """A word before a name that is no part of it: a role or common noun (Staatspräsident, Archäologin), a
    title (Prof., Dr.), a place or a function word."""
    from newsetl.transforms.tag import _countable_noun

    base = word.split("-")[-1].strip(".'’")
    return (not base or word.endswith(".") and len(word) > 2 or base.lower() in _NOT_NAME_WORDS
            or _countable_noun(base) or base.lower().endswith(_ROLE_ENDINGS) or _not_name(word))


def _countable(word: str) -> bool:
    from newsetl.transforms.tag import _countable_noun

    lemma = simplemma.lemmatize(word, lang="de")
    plural = lemma != word and word.endswith(("en", "ern", "n")) and lemma[:1].isupper()
    return plural or _countable_noun(word)


def _role(word: str) -> bool:
    base = word.split("-")[-1].lower()
    return base.endswith(_ROLE_ENDINGS) or base in ROLES


def _role_or_title(word: str) -> bool:
    base = word.split("-")[-1].strip("'’")
    return word.endswith(".") or base.lower() in _NOT_NAME_WORDS or base.lower().endswith(_ROLE_ENDINGS) \
        or base.lower() in ROLES


@lru_cache(maxsize=65536)
def _not_name(word: str) -> bool:
    """A word no name holds: a function word, a plural or inflected common noun (Gelbe Karten, Internationale
    Medien), an abstract noun (-ung, -heit), a country."""
    base = word.split("-")[-1].strip(".'’")
    if not base or base.lower() in _NOT_NAME_WORDS or base.endswith(_NOUN_ENDINGS):
        return True
    lemma = simplemma.lemmatize(base, lang="de")
    return (lemma != base and lemma[:1].isupper() and not base.endswith("s")) or word in gazetteer.country_forms()


def _adjective(word: str) -> bool:
    lemma = simplemma.lemmatize(word, lang="de")
    return lemma[:1].islower() and lemma != word.lower() and word.endswith(("e", "en", "er", "es", "em"))


def rule_entity(name: str) -> str:
    """The entity id of a name found by rule: an organisation where an adjective leads it (Deutsche
    Journalisten-Union, Erneuerbare Energie), else a person, keyed as the tag stage keys them."""
    if _adjective(name.split()[0]):
        return entity_id("ORG", " ".join(name.lower().split()))
    return entity_id("PER", person_key(name)[0])


class Speakers:
    """One body with its mentions: the speaker of a frame, resolved to an entity where the article names one."""

    def __init__(self, body: str, mentions: list[Mentioned]):
        self.body = body
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self._by_surface: dict[str, Mentioned] = {}
        for m in self.mentions:
            if m.label in ("PER", "ORG"):
                self._by_surface.setdefault(m.surface, m)

    def speakers_in(self, start: int, end: int) -> list[Mentioned]:
        """PER and ORG mentions inside body[start:end]."""
        i = bisect_right(self.starts, start - 1)
        found = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            m = self.mentions[i]
            if m.label in ("PER", "ORG") and m.end <= end:
                found.append(m)
            i += 1
        return found

    def person_before(self, pos: int, role: str | None = None, strict: bool = False,
                      pronoun: str | None = None) -> Mentioned | None:
        """The nearest person mentioned before pos; with a role, the nearest one the role introduced
        (Verteidigungsminister Boris Pistorius for der Minister), else (unless strict) the nearest person; with
        a pronoun, the nearest one whose role does not say otherwise (er: not Außenministerin X, sie: not
        Präsident X)."""
        i = bisect_right(self.starts, pos - 1) - 1
        fallback = None
        unwanted = {"er": "f", "sie": "m"}.get((pronoun or "").lower())
        while i >= 0:
            m = self.mentions[i]
            if m.label == "PER" and m.end <= pos:
                if role is None:
                    if unwanted and self._gender(m) == unwanted:
                        fallback = fallback or m
                        i -= 1
                        continue
                    return m
                fallback = fallback or m
                before = self.body[max(0, m.start - 40):m.start].lower().split()[-3:]
                if any(w.strip(",(").endswith(role) for w in before):
                    return m
            i -= 1
        return None if strict else fallback

    def _gender(self, m: Mentioned) -> str | None:
        """f or m where a role or title right before the person says so (Außenministerin, Frau; Präsident, Herr)."""
        for word in self.body[max(0, m.start - 40):m.start].lower().split()[-3:]:
            word = word.strip(",(")
            if word == "frau" or any(word.endswith(r) for r in ROLES if r.endswith("in")):
                return "f"
            if word == "herr" or any(word.endswith(r) for r in ROLES if not r.endswith("in")):
                return "m"
        return None

    def attached(self, pos: int, limit: int, label: str = "ORG") -> bool:
        """Whether the name at pos hangs on another word rather than being the frame's subject: a preposition
        (gegenüber der ARD, Stellvertreter von Timoschenko), an object article (sagte dem Spiegel), a bracket
        ((CDU)); for an organisation also a genitive (der Sprecher der FDP). A person after a genitive noun is
        its apposition (der Vorsitzende des Ausschusses Alain Lamassoure)."""
        before = self.body[max(limit, pos - 80):pos]
        if before.rstrip().endswith(("(", "/")):
            return True
        words = re.findall(r"[\wÄÖÜäöüß'’-]+|[^\w\s]", before)
        k = len(words) - 1
        while k >= 0 and (words[k][:1].isupper() and words[k].lower() not in _ARTICLES | _PREPOSITIONS
                          or words[k] in "„“\"»«"):
            k -= 1  # descriptor nouns and first names before the name (der Fernsehsender CBS)
        adjectives = k
        while k >= 0 and k > adjectives - 2 and re.fullmatch(r"[a-zäöüß]+(?:e|en|er|es|em)", words[k]) \
                and words[k] not in _PREPOSITIONS and words[k] not in _ARTICLES:
            k -= 1
        if k < 0:
            return False
        lower = words[k].lower()
        if k < adjectives and lower not in _ARTICLES and lower not in _PREPOSITIONS:
            return False  # the lower-case words were no adjectives of the name: a verb before it
        if lower in ("von", "vom") and _PASSIVE.search(self.body[limit:pos].split(",")[-1]):
            return False  # the agent of a passive: es wurde von Demjanjuks Sohn geäußert
        if lower in _PREPOSITIONS or lower in _OBJECT_ARTICLES - _GENITIVES:
            return True
        if lower in ("des", "eines"):
            return label != "PER"
        if lower in ("der", "einer"):
            previous = words[k - 1] if k > 0 else ""
            # Genitive after a noun (Sprecher der FDP); subject or dative after a verb (sagte der Minister).
            if previous.lower() in _PREPOSITIONS:
                return True
            return label != "PER" and previous[:1].isupper() and previous.lower() not in _SENTENCE_WORDS and k > 1
        if lower in ("die", "das", "ein", "eine"):
            return k > 0 and words[k - 1].lower() in _PREPOSITIONS
        return False

    def names_by_rule(self, start: int, end: int) -> list[tuple[int, int]]:
        """Names the tagger missed in body[start:end]: runs of two or more capitalised words that are no
        common nouns, places or roles, after any role noun before them (Staatspräsident Georgi Parwanow)."""
        found = []
        taken = self.speakers_in(start, end) + [m for m in self.mentions if start <= m.start < end]
        for m in _NAME_RUN.finditer(self.body, start, end):
            words = [(w.start(), w.end()) for w in re.finditer(r"\S+", m.group())]
            words = [(m.start() + a, m.start() + b) for a, b in words]
            if self.body[max(0, m.start() - 1):m.start()] in ("„", "»", '"', "“"):
                continue  # a name in marks is a title or a paper's name (die Zeitung „The Guardian“)
            # Roles, titles and function words go; a word only the lexicon knows as a noun (Matthias) goes
            # only while two words stay.
            role = False
            while words and any(t.start < words[0][1] and words[0][0] < t.end for t in taken):
                words.pop(0)  # a tagged name before it (Schalkes | Trainer Felix Magath)
            while words and _descriptor(self.body[words[0][0]:words[0][1]]) and (
                    len(words) > 2 or _role_or_title(self.body[words[0][0]:words[0][1]])):
                role = _role(self.body[words[0][0]:words[0][1]])
                words.pop(0)
            # A surname alone after a role (Bundesinnenminister Schily, BKA-Präsident Ziercke) is a name too.
            if len(words) < 2 - role or any(_not_name(self.body[a:b]) or len(words) == 1 and _descriptor(
                    self.body[a:b]) for a, b in words):
                continue
            if not self.body[words[-1][0]:words[-1][1]][:1].isupper():
                continue
            s, e = words[0][0], words[-1][1]
            if any(t.start < e and s < t.end for t in taken):
                continue
            found.append((s, e))
        return found

    def rule_entity(self, start: int, end: int) -> str:
        """The entity of a name found by rule; a surname alone is the person of that surname the article
        names in full, if any."""
        name = self.body[start:end]
        if " " not in name:
            for m in self.mentions:
                if m.label == "PER" and m.surface.split()[-1] in (name, name + "s") and " " in m.surface:
                    return m.entity_id
        return rule_entity(name)

    def speaker(self, start: int, end: int, cue_at: int, nearest: bool = False) -> tuple[str | None, str | None]:
        """Speaker (as written, entity id) in the frame body[start:end]: its subject, nearest to the cue; with
        nearest, the name nearest to the cue whatever it hangs on (die Befunde des Amts X, wonach ...)."""
        body = self.body
        pronoun = re.search(r"(?<![\w])(er|sie|Er|Sie)\s+$", body[max(start, cue_at - 8):cue_at]) \
            or re.match(r"\w+\s+(er|sie)(?![\w])", body[cue_at:end])
        if pronoun:
            # "beschrieb er", "er sagte": the pronoun next to the cue is its subject, before any name further off.
            person = self.person_before(start, pronoun=pronoun.group(1))
            return pronoun.group(1), person.entity_id if person else None
        # (start, end, written, entity id, label, found by rule)
        by_rule = self.names_by_rule(start, end)
        named = [(s, e, body[s:e], self.rule_entity(s, e), "PER", True) for s, e in by_rule]
        rule_starts = {s for s, _ in by_rule}
        for m in self.speakers_in(start, end):
            if m.label == "ORG" and _role(m.surface.split()[-1]):
                continue  # a role the tagger took for an organisation (Klub-Sekretär, FIFA-Chef)
            noun = re.match(r" ([A-ZÄÖÜ][\wäöüß-]+)", body[m.end:m.end + 40])
            if m.end + 1 in rule_starts or noun and m.end + len(noun.group()) + 1 in rule_starts:
                continue  # a role the tagger took for a name (der EU-Außenbeauftragte | Javier Solana)
            if noun and m.surface.endswith("s") and _descriptor(noun.group(1)):
                # Demjanjuks Sohn, Papiers Stellvertreter: someone of the person's, not the person.
                named.append((m.start, m.end + len(noun.group()), m.surface + noun.group(), None, "PER", False))
                continue
            named.append((m.start, m.end, m.surface, m.entity_id, m.label, False))
        subjects = named if nearest else [n for n in named if not self.attached(n[0], start, n[4])]
        if subjects:
            # A name of the cue's own clause (not one of "Wie CBS berichtet, gab X ..."), then the nearest to
            # the cue, a name found by rule counted as if it stood further off than one the tagger found.
            best = min(subjects, key=lambda n: (self._other_clause(n[0], n[1], cue_at),
                                                min(abs(n[0] - cue_at), abs(n[1] - cue_at)) + RULE_NAME_PENALTY * n[5]))
            before = [n for n in subjects if n[1] <= cue_at and not self._other_clause(n[0], n[1], cue_at)]
            if not nearest and len(before) > 1 and _VERB_FINAL.match(body[cue_at:cue_at + 40]) \
                    and not _PASSIVE.search(body[start:cue_at]):
                # A participle at the clause's end (X hat Y darum gebeten): the first name is its subject; in
                # the passive (Y wurde von X gebeten) the agent stays.
                best = min(before, key=lambda n: (n[5], n[0]))
            written = self._full_name(best[1], best[2]) if best[4] == "PER" and " " not in best[2] else best[2]
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
        places = [m for m in self.mentions if start <= m.start and m.end <= end and m.label == "LOC"]
        if places:
            # Countries speak for their governments (China hat behauptet): a speaker without an entity id.
            best = min(places, key=lambda m: abs(m.start - cue_at))
            return best.surface, None
        return None, None

    def subject(self, start: int, end: int) -> tuple[str | None, str | None]:
        """The first name of the sentence body[start:end] that hangs on no other word (Die Haushaltspolitikerin
        von Bündnis 90/Die Grünen, Anja Hajduk, kritisierte ...), else its first name."""
        named = [(m.start, m.surface, m.entity_id) for m in self.speakers_in(start, end)]
        named += [(a, self.body[a:b], self.rule_entity(a, b))
                  for a, b in self.names_by_rule(start, end)]
        named.sort()
        subjects = [n for n in named if not self.attached(n[0], start, "PER" if n[2] else "ORG")]
        best = (subjects or named or [None])[0]
        return (best[1], best[2]) if best else (None, None)

    def source(self, start: int, end: int) -> tuple[str | None, str | None]:
        """A source after laut / nach or before zufolge (einem Bericht des Innenministeriums, Angaben der
        Polizei): as printed, with the first name in it, or the name of a pronoun or role noun it holds."""
        start, end = _strip_span(self.body, start, end)
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

    def _other_clause(self, start: int, end: int, cue_at: int) -> bool:
        """Whether a subordinate clause with its own verb stands between a name and the cue (Wie der Sender CBS
        berichtet, gab ...); an apposition between commas (Werner Hoyer, Sprecher der FDP, sagte) does not."""
        between = self.body[end:cue_at] if end <= cue_at else self.body[cue_at:start]
        return bool(re.search(r"\b(?:[a-zäöüß]+t|[a-zäöüß]+te|[a-zäöüß]+ten|hat|ist|sind|war|wird)\s*,", between)) \
            or bool(re.match(r"\s*(?:[Ww]ie|[Aa]ls|[Dd]ass|[Oo]b|[Ww]eil|[Ww]enn|[Nn]achdem)\b",
                             self.body[max(0, start - 40):start].split(",")[-1]))

    def _full_name(self, end: int, written: str) -> str:
        """A first name the tagger cut from its surname (Reinhold | Gall schreibt), as printed in full."""
        surname = re.match(r"[ ]([A-ZÄÖÜ][\wäöüß'’-]+)", self.body[end:end + 40])
        if surname and surname.group(1).lower() not in _NOT_NAME_WORDS | _PREPOSITIONS \
                and not _role(surname.group(1)) and not _countable(surname.group(1)) \
                and not any(m.start == end + 1 for m in self.mentions):
            return written + surname.group()
        return written

    def _with_acronym(self, end: int, written: str) -> str:
        """The name as printed with the short form in brackets right after it (Bundeskriminalamt (BKA))."""
        short = re.match(r"\s*\([A-ZÄÖÜ][\w-]{1,9}\)", self.body[end:end + 14])
        return written + short.group() if short else written

    def _noun_phrase(self, start: int, end: int, cue_at: int, nearest: bool = False) -> tuple[str, str | None] | None:
        """A pronoun or noun phrase of the frame (one before the cue is its subject), resolved."""
        frame = self.body[start:end]
        ends = list(re.finditer(r"[.!?:;][“”\"«»]?\s", self.body[start:max(start, cue_at)]))
        clause_start = start + ends[-1].end() if ends else start
        candidates = []
        for m in _WORD.finditer(frame):
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
            attached = genitive or self.attached(start + m.start(), start, "PER")
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
            candidates.append(((self.attached(start + m.start(), start, "PER"), not before, *order),
                               start + m.start(), start + m.end(), m.group(1)))
        bare = _BARE_SUBJECT.search(self.body[clause_start:max(clause_start, cue_at)])
        if bare and cue_at > clause_start and not any(
                w.lower() in _PREPOSITIONS | _NOT_NAME_WORDS | _SENTENCE_WORDS for w in bare.group().split()) \
                and (_descriptor(bare.group(1)) or _not_name(bare.group(1))):
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
        inner = [m for m in inner if m.label == "ORG"]
        if inner:
            return inner[-1].entity_id
        same = self._by_surface.get(noun)
        if same is not None:
            return same.entity_id
        if role:
            person = self.person_before(s, role)
            return person.entity_id if person else None
        return None
