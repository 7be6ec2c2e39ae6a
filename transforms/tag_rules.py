"""Entity mentions found by rules: a role before a name, the shipped name lists, known places; what is a common noun."""
from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

import simplemma

from newsetl.transforms import gazetteer, name_lists
from newsetl.transforms.codes import LOC, ORG, PER

# Roles that precede a person's name in German news; compounds (US-Außenminister) match too.
PERSON_CUES = [
    "Präsident", "Präsidentin", "Vizepräsident", "Ministerpräsident", "Ministerpräsidentin",
    "Premierminister", "Premier", "Regierungschef", "Regierungschefin", "Staatschef", "Kanzler",
    "Kanzlerin", "Bundeskanzler", "Bundeskanzlerin", "Minister", "Ministerin", "Außenminister",
    "Außenministerin", "Verteidigungsminister", "Verteidigungsministerin", "Innenminister",
    "Finanzminister", "Wirtschaftsminister", "Amtskollege", "Amtskollegin", "Kollege", "Kollegin",
    "Machthaber", "Diktator", "Generalstabschef", "General", "Admiral", "Oberbefehlshaber",
    "Botschafter", "Botschafterin", "Sprecher", "Sprecherin", "Vorsitzende", "Vorsitzender",
    "Fraktionsvorsitzende", "Parteichef", "Parteichefin", "Chef", "Chefin", "Generalsekretär",
    "Generalsekretärin", "Politiker", "Politikerin", "Abgeordnete", "Abgeordneter", "Senator",
    "Senatorin", "Gouverneur", "König", "Königin", "Papst", "Bürgermeister", "Bürgermeisterin",
    "Kandidat", "Kandidatin", "Kanzlerkandidat", "Oppositionsführer", "Anführer", "Führer",
]
_CUE = "|".join(sorted(PERSON_CUES, key=len, reverse=True))
_NAME_TOKEN = r"[A-ZÄÖÜ][a-zäöüßéèáàóòúùçñ'’]+(?:-[A-Za-zäöüß]+)?"
_PERSON = re.compile(
    rf"(?<![\wÄÖÜäöüß])(?:[\wÄÖÜäöüß]+-)?(?:{_CUE})(?:en|n|s)?\s+(?:[a-zäöü]+(?:e|en|er|es)\s+)?"
    rf"({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}})")
_TOKEN = re.compile(r"[A-Za-zÄÖÜäöüßéèáàóòúùçñ]+")
# Capitalised words that start sentences or clauses, never part of a name after a role.
_NOT_NAME = {"Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Am", "Im", "In", "Und", "Bei",
             "Mit", "Von", "Vor", "Nach", "Auf", "Für", "Es", "Er", "Sie", "Wir", "Dies", "Diese"}


@dataclass
class Mention:
    """One entity mention: span in the body, label and canonical identity."""

    start: int
    end: int
    label: str
    key: str
    name: str
    country_code: str | None = None
    source: str = "rule"
    derived: bool = False
    kind: str = ""  # country or city for gazetteer places
    population: int = 0


def entity_id(label: str, key: str) -> str:
    """Stable id of a canonical entity: the same label and key give the same id in every run."""
    return "E" + hashlib.sha1(f"{label}:{key}".encode()).hexdigest()[:16]


def person_key(surface: str) -> tuple[str, str]:
    """Canonical key and display name of a person: Kim Jong-un, Kim Jong-Un, Kim Jong Un are one."""
    tokens = [t for part in surface.split() for t in part.split("-")]
    name = " ".join(t[:1].upper() + t[1:] for t in tokens)
    return " ".join(t.lower() for t in tokens), name


def _place_mention(start: int, end: int, surface: str, source: str) -> Mention | None:
    found = gazetteer.lookup_place(surface)
    if not found:
        return None
    place, derived = found
    return Mention(start, end, LOC, place.key, place.name, place.country_code, source, derived,
                   place.kind, place.population)


def _rule_mentions(text: str) -> list[Mention]:
    mentions = []
    for m in _PERSON.finditer(text):
        tokens = m.group(1).split()
        while tokens and (tokens[-1] in _NOT_NAME or gazetteer.lookup_place(tokens[-1])):
            tokens.pop()
        if len(tokens) < 2 or tokens[0] in _NOT_NAME:
            continue
        surface = " ".join(tokens)
        start = m.start(1)
        key, name = person_key(surface)
        mentions.append(Mention(start, start + len(surface), PER, key, name))
    mentions += _name_repetitions(text, mentions)
    mentions += _known_names(text)
    for m in _TOKEN.finditer(text):
        mention = _place_mention(m.start(), m.end(), m.group(), "rule")
        if mention:
            # A country as the first part of a compound (US-Außenminister) is not a place mention of its own.
            mention.derived = mention.derived or text[m.end():m.end() + 1] == "-"
            mentions.append(mention)
    return mentions


def _known_names(text: str) -> list[Mention]:
    """Names of the shipped name lists (transforms/name_lists.py), with the identity the tag stage gives
    their label: a person's key, a known place, an organisation's wording."""
    mentions = []
    for start, end, label in name_lists.find_names(text):
        surface = text[start:end]
        if label == LOC and (place := _place_mention(start, end, surface, "list")):
            mentions.append(place)
            continue
        key, name = person_key(surface) if label == PER else (" ".join(surface.lower().split()), surface)
        mentions.append(Mention(start, end, label, key, name, source="list"))
    return mentions


def _name_repetitions(text: str, people: list[Mention]) -> list[Mention]:
    """Later mentions of a person found by role: the full name again, or the surname alone (Blinken, Blinkens)."""
    found: list[Mention] = []
    taken = _Spans((p.start, p.end) for p in people)
    forms: dict[str, Mention] = {}  # each wording searched once, however often its person is named
    for person in people:
        forms.setdefault(text[person.start:person.end], person)
        surname = person.name.split()[-1]
        if len(surname) >= 3:  # Kim Jong Un -> Un is too ambiguous
            forms.setdefault(surname, person)
    forms.pop("", None)  # a span trimmed to nothing names no one (and would be found everywhere)
    for form, person in forms.items():
        for start, end in _occurrences(text, form):
            if not taken.overlaps(start, end) and not (" " not in form and _common_noun_at(text, start, PER)):
                source = "rule" if " " in text[start:end] else "coref"
                found.append(Mention(start, end, PER, person.key, person.name, source=source))
                taken.add(start, end)
    return found


_NAME_CHAR = re.compile(r"[\w-]")


def _occurrences(text: str, form: str):
    """Spans of form as a whole word in text, a genitive s included (Blinken, Blinkens).

    Found with str.find, which is far faster than a regex scan per name over a long text.
    """
    at = text.find(form)
    while at != -1:
        end = at + len(form)
        if at == 0 or not _NAME_CHAR.match(text, at - 1):
            if text.startswith("s", end) and not _NAME_CHAR.match(text, end + 1):
                end += 1
            if not _NAME_CHAR.match(text, end):
                yield at, end
                at = text.find(form, end)
                continue
        at = text.find(form, at + 1)


class _Spans:
    """Non-overlapping character spans, asked in log time whether a new span overlaps one of them."""

    def __init__(self, spans=()):
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in spans:
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start)
        return any(self._starts[j] < end and start < self._ends[j] for j in (i - 1, i) if 0 <= j < len(self._starts))

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def _inflected_noun(text: str) -> bool:
    """True for an inflected common noun (Raketentechnologien, UN-Vertretern): never a name."""
    last = text.split("-")[-1]
    if not last.isalpha():
        return False
    lemma = simplemma.lemmatize(last, lang="de")
    return " " not in text and lemma != last and not last.endswith("s") and simplemma.is_known(lemma, lang="de")


_COMMON_DETERMINER = (r"(?:ein|eine|einen|einem|einer|eines|kein\w*|mein\w*|dein\w*|sein\w*|ihr\w*|unser\w*|"
                      r"euer\w*|eur\w*|dies\w*|jed\w*|jen\w*|welch\w*|solch\w*)")
_ARTICLE = rf"(?:der|die|das|den|dem|des|{_COMMON_DETERMINER})"
# A noun after an article and a lower-case adjective (die militärische Allianz, das westliche Bündnis),
# or after a determiner of the kind above, is a phrase, not a name.
_COMMON_BEFORE = re.compile(rf"(?<![\w-])(?:(?i:{_ARTICLE})(?:\s+[a-zäöüß]+(?:e|en|er|es|em))+|(?i:{_COMMON_DETERMINER}))\s+$")
_ARTICLE_BEFORE = re.compile(r"(?<![\w-])(?i:der|die|das|den|dem|des)\s+$")
# A possessor after the noun (die Allianz ihrer beiden Länder) marks a common noun too.
_COMMON_AFTER = re.compile(r"^\s+(?:meine[rs]|deine[rs]|seine[rs]|ihre[rs]|unsere[rs]|eure[rs])\b")


def _common_noun_at(text: str, start: int, label: str) -> bool:
    """True where the word at start follows a determiner or an adjective (ein Mann, die neue Allianz), or,
    for a person, an article (der Mann): a common noun there, whatever name it also is."""
    before = text[max(0, start - 60):start]
    return bool(_COMMON_BEFORE.search(before) or label == PER and _ARTICLE_BEFORE.search(before))


def _countable_noun(word: str) -> bool:
    """True for a common noun the German lexicon inflects in the plural (Allianz: Allianzen, Bündnis:
    Bündnisse); names it does not (Bundeswehr, NATO, Hamas) are never taken for one."""
    if not word.isalpha() or not word[:1].isupper():
        return False
    plurals = [word + ending for ending in ("e", "n", "en", "er", "se", "nen")]
    plurals += [word[:i] + umlaut + word[i + 1:] + ending for plain, umlaut in (("a", "ä"), ("o", "ö"), ("u", "ü"))
                if (i := word.rfind(plain)) > 0 for ending in ("e", "er")]
    return any(simplemma.is_known(p, lang="de") and simplemma.lemmatize(p, lang="de") == word for p in plurals)


def _drop_common_nouns(text: str, mentions: list[Mention]) -> list[Mention]:
    """The model's organisations less common nouns it took for names: a countable noun after a lower-case
    adjective or a determiner, or before a possessor, and its other mentions in the same text
    ("die militärische Allianz ihrer beiden Länder ... die Allianz mit den USA"; seeds 000 and 001).
    Names keep their article: die Bundeswehr, die NATO, die Vereinten Nationen, die Grünen."""
    common = {text[m.start:m.end] for m in mentions
              if m.source == "model" and m.label == ORG and _countable_noun(text[m.start:m.end])
              and (_COMMON_BEFORE.search(text[max(0, m.start - 60):m.start]) or _COMMON_AFTER.match(text[m.end:m.end + 12]))}
    return [m for m in mentions if not (m.source == "model" and m.label == ORG and text[m.start:m.end] in common)]
