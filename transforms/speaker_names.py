"""Names in an article body: the mentions of the tag stage, names the tagger missed (found by rule), the
persons a role or pronoun points back to, and whether a name hangs on another word."""
from __future__ import annotations

import re
from bisect import bisect_right

from newsetl.transforms.codes import ORG, PER
from newsetl.transforms.speaker_words import (
    ARTICLES,
    GENITIVES,
    NAME_RUN,
    NOT_NAME_WORDS,
    OBJECT_ARTICLES,
    PASSIVE,
    PREPOSITIONS,
    ROLES,
    SENTENCE_WORDS,
    Mentioned,
    countable,
    descriptor,
    is_role,
    is_role_or_title,
    not_name,
    person_name,
    rule_entity,
)

# A sentence opening with "Für" and a person: that person's view follows (Für Bildungssenator Willi Lemke ist ...).
_FOR_WHOM = re.compile(r"(?:^|[.!?:“”\"»«]\s*|\n\s*)Für\s+(?:(?:den|die|der)\s+)?(?:[a-zäöüß]+(?:e|en|er)\s+){0,2}"
                       r"(?:[A-ZÄÖÜ][\wäöüß.-]*\s+){0,2}$")


class Names:
    """One body with its mentions, and the names in it."""

    def __init__(self, body: str, mentions: list[Mentioned]):
        self.body = body
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self._by_surface: dict[str, Mentioned] = {}
        for m in self.mentions:
            if m.label in (PER, ORG):
                self._by_surface.setdefault(m.surface, m)
        self._surname_ids: dict[str, str | None] | None = None

    def speakers_in(self, start: int, end: int) -> list[Mentioned]:
        """PER and ORG mentions inside body[start:end]."""
        i = bisect_right(self.starts, start - 1)
        found = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            m = self.mentions[i]
            if m.label in (PER, ORG) and m.end <= end:
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
            if m.label == PER and m.end <= pos:
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

    def attached(self, pos: int, limit: int, label: str = ORG) -> bool:
        """Whether the name at pos hangs on another word rather than being the frame's subject: a preposition
        (gegenüber der ARD, Stellvertreter von Timoschenko), an object article (sagte dem Spiegel), a bracket
        ((CDU)); for an organisation also a genitive (der Sprecher der FDP). A person after a genitive noun is
        its apposition (der Vorsitzende des Ausschusses Alain Lamassoure)."""
        before = self.body[max(limit, pos - 80):pos]
        if label == PER and _FOR_WHOM.search(self.body, max(0, pos - 100), pos):
            return False  # Für den Theologen Hans Küng sei der Rücktritt „verständlich“: his view
        if before.rstrip().endswith(("(", "/")):
            return True
        words = re.findall(r"[\wÄÖÜäöüß'’-]+|[^\w\s]", before)
        k = len(words) - 1
        while k >= 0 and (words[k][:1].isupper() and words[k].lower() not in ARTICLES | PREPOSITIONS
                          or words[k] in "„“\"»«"):
            k -= 1  # descriptor nouns and first names before the name (der Fernsehsender CBS)
        adjectives = k
        while k >= 0 and k > adjectives - 2 and re.fullmatch(r"[a-zäöüß]+(?:e|en|er|es|em)", words[k]) \
                and words[k] not in PREPOSITIONS and words[k] not in ARTICLES:
            k -= 1
        if k < 0:
            return False
        lower = words[k].lower()
        if k < adjectives and lower not in ARTICLES and lower not in PREPOSITIONS:
            return False  # the lower-case words were no adjectives of the name: a verb before it
        if lower in ("von", "vom") and PASSIVE.search(self.body[limit:pos].split(",")[-1]):
            return False  # the agent of a passive: es wurde von Demjanjuks Sohn geäußert
        if lower in PREPOSITIONS or lower in OBJECT_ARTICLES - GENITIVES:
            return True
        if lower in ("des", "eines"):
            # A person right after the article is the genitive itself (der Bruder des Papstes, Georg Ratzinger).
            return label != PER or adjectives == len(words) - 1
        if lower in ("der", "einer"):
            previous = words[k - 1] if k > 0 else ""
            # Genitive after a noun (Sprecher der FDP); subject or dative after a verb (sagte der Minister).
            if previous.lower() in PREPOSITIONS:
                return True
            genitive = previous[:1].isupper() and previous.lower() not in SENTENCE_WORDS and k > 1
            # A person right after the article is the genitive too (Vorsitzender der Deutschen Journalisten-Union).
            return genitive and (label != PER or adjectives == len(words) - 1)
        if lower in ("die", "das", "ein", "eine"):
            return k > 0 and words[k - 1].lower() in PREPOSITIONS
        return False

    def surname_entity(self, word: str) -> str | None:
        """The entity of the person whose full name in the article ends with word (Reinhold Gall for Gall): a
        tagged person, one whose surname the tagger cut off, or a name found by rule: the person a bare
        surname (Gall schreibt) means."""
        if self._surname_ids is None:
            self._surname_ids = {}
            for m in self.mentions:
                full = "" if m.label != PER else m.surface if " " in m.surface else self._full_name(m.end, m.surface)
                if " " in full:  # Reinhold Gall, or Reinhold | Gall where the tagger cut the surname off
                    self._surname_ids.setdefault(full.split()[-1], m.entity_id)
        if word not in self._surname_ids:
            self._surname_ids[word] = self._rule_name_ending(word)
        return self._surname_ids[word]

    def _rule_name_ending(self, word: str) -> str | None:
        """The entity of a person's name found by rule that ends with word, wherever the article gives it."""
        body = self.body
        at = body.find(" " + word)
        while at != -1:
            stop = at + 1 + len(word)
            # The names by rule of the sentence around it, as the whole body would give them.
            period = body.rfind(". ", 0, at)
            start = max(period + 2 if period != -1 else 0, body.rfind("\n", 0, at) + 1)
            end = min([i for i in (body.find(". ", stop), body.find("\n", stop)) if i != -1] or [len(body)])
            for a, b in self.names_by_rule(start, end):
                if b == stop and " " in body[a:b] and person_name(body[a:b]):
                    return self.rule_entity(a, b)
            at = body.find(" " + word, stop)
        return None

    def for_whom(self, start: int, end: int) -> tuple[str, str | None] | None:
        """The person whose view a sentence opening with "Für" gives (Für den Theologen Hans Küng sei der
        Rücktritt verständlich): as written, entity id."""
        if not re.match(r"\s*Für\s", self.body[start:end]):
            return None
        persons = [(m.start, m.surface, m.entity_id) for m in self.speakers_in(start, min(end, start + 100))
                   if m.label == PER]
        persons += [(a, self.body[a:b], self.rule_entity(a, b)) for a, b in self.names_by_rule(start, min(end, start + 100))]
        for at, written, eid in sorted(persons):
            if _FOR_WHOM.search(self.body, max(0, at - 100), at):
                return written, eid
        return None

    def apposition(self, end: int) -> tuple[str, str] | None:
        """The person named between commas right after a noun phrase ending at end (Der Sprecher der FDP,
        Werner Hoyer, ...; die Fraktionschefin der Grünen, Renate Künast, ...): as written, entity id."""
        comma = re.match(r"\s*,\s*", self.body[end:end + 4])
        if comma is None:
            return None
        at = end + comma.end()
        stop = min(len(self.body), at + 60)
        for m in self.speakers_in(at, stop):
            if m.start == at and m.label == PER:
                return m.surface, m.entity_id
        for a, b in self.names_by_rule(at, stop):
            if a == at:
                return self.body[a:b], self.rule_entity(a, b)
        return None

    def names_by_rule(self, start: int, end: int) -> list[tuple[int, int]]:
        """Names the tagger missed in body[start:end]: runs of two or more capitalised words that are no
        common nouns, places or roles, after any role noun before them (Staatspräsident Georgi Parwanow)."""
        found = []
        taken = self.speakers_in(start, end) + [m for m in self.mentions if start <= m.start < end]
        for m in NAME_RUN.finditer(self.body, start, end):
            words = [(w.start(), w.end()) for w in re.finditer(r"\S+", m.group())]
            words = [(m.start() + a, m.start() + b) for a, b in words]
            if self.body[max(0, m.start() - 1):m.start()] in ("„", "»", '"', "“"):
                continue  # a name in marks is a title or a paper's name (die Zeitung „The Guardian“)
            # Roles, titles and function words go; a word only the lexicon knows as a noun (Matthias) goes
            # only while two words stay.
            role = False
            while words and any(t.start < words[0][1] and words[0][0] < t.end for t in taken):
                words.pop(0)  # a tagged name before it (Schalkes | Trainer Felix Magath)
            while words and descriptor(self.body[words[0][0]:words[0][1]]) and (
                    len(words) > 2 or is_role_or_title(self.body[words[0][0]:words[0][1]])):
                role = is_role(self.body[words[0][0]:words[0][1]])
                words.pop(0)
            # A surname alone after a role (Bundesinnenminister Schily, BKA-Präsident Ziercke) is a name too.
            if len(words) < 2 - role or any(not_name(self.body[a:b]) or len(words) == 1 and descriptor(
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
                if m.label == PER and m.surface.split()[-1] in (name, name + "s") and " " in m.surface:
                    return m.entity_id
        return rule_entity(name)

    def _full_name(self, end: int, written: str) -> str:
        """A first name the tagger cut from its surname (Reinhold | Gall schreibt), as printed in full."""
        surname = re.match(r"[ ]([A-ZÄÖÜ][\wäöüß'’-]+)", self.body[end:end + 40])
        if surname and surname.group(1).lower() not in NOT_NAME_WORDS | PREPOSITIONS \
                and not is_role(surname.group(1)) and not countable(surname.group(1)) \
                and not any(m.start == end + 1 for m in self.mentions):
            return written + surname.group()
        return written

    def _with_acronym(self, end: int, written: str) -> str:
        """The name as printed with the short form in brackets right after it (Bundeskriminalamt (BKA))."""
        short = re.match(r"\s*\([A-ZÄÖÜ][\w-]{1,9}\)", self.body[end:end + 14])
        return written + short.group() if short else written
