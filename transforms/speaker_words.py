"""The words of speaker phrases: the mention type the speaker rules read, word lists, and what a word is
(a role, a title, a common noun, no name), and the entity of a name found by rule."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import simplemma

from newsetl.transforms import gazetteer
from newsetl.transforms.codes import ORG, PER
from newsetl.transforms.tag_rules import PERSON_CUES, entity_id, person_key

PRONOUNS = {"er", "sie", "Er", "Sie"}
WORD = re.compile(r"[\wÄÖÜäöüß]+(?:[-'’][\wÄÖÜäöüß]+)*")
ROLES = tuple(sorted({r.lower() for r in PERSON_CUES}, key=len, reverse=True))
# Words after which a name is attached to another noun or verb, not the frame's subject.
PREPOSITIONS = {
    "von", "vom", "gegenüber", "mit", "bei", "beim", "in", "im", "an", "am", "für", "zu", "zur", "zum", "aus",
    "nach", "über", "vor", "gegen", "um", "unter", "auf", "durch", "neben", "hinter", "zwischen", "seit", "ohne",
    "trotz", "wegen", "als"}
OBJECT_ARTICLES = {"des", "eines", "dem", "den", "einem", "einen"}
GENITIVES = {"des", "eines"}
PASSIVE = re.compile(r"\b(?:wurde|wurden|wird|werden|worden)\b")
ARTICLES = {"der", "die", "das", "des", "dem", "den", "ein", "eine", "einer", "eines", "einem", "einen"}
SENTENCE_WORDS = {"wie", "als", "nun", "dann", "so", "auch", "da", "doch", "zudem", "hier", "dort", "heute",
                   "gestern", "jetzt", "am", "im"}
# A capitalised word of a name run: a word, an initial (R.), a particle (von, de, van, al-) inside it.
NAME_RUN = re.compile(
    r"(?<![\w-])[A-ZÄÖÜ][\wäöüßéèáàóòúùçñ'’-]+(?:\s+(?:[A-ZÄÖÜ]\.|von|van|de|der|den|da|di|del|al|bin|ibn|"
    r"le|la|[A-ZÄÖÜ][\wäöüßéèáàóòúùçñ'’-]+))+")
NOT_NAME_WORDS = {"der", "die", "das", "den", "dem", "des", "ein", "eine", "er", "sie", "es", "wir", "ich",
                   "bei", "im", "am", "in", "auf", "mit", "nach", "von", "vom", "zu", "zum", "zur", "für", "aus",
                   "wie", "als", "laut", "und", "auch", "dies", "diese", "dieser", "man", "nun", "doch", "sein", "seine",
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


def strip_span(body: str, start: int, end: int) -> tuple[int, int]:
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
def descriptor(word: str) -> bool:
    """A word before a name that is no part of it: a role or common noun (Staatspräsident, Archäologin), a
    title (Prof., Dr.), a place or a function word."""
    from newsetl.transforms.tag_rules import _countable_noun

    base = word.split("-")[-1].strip(".'’")
    return (not base or word.endswith(".") and len(word) > 2 or base.lower() in NOT_NAME_WORDS
            or _countable_noun(base) or base.lower().endswith(_ROLE_ENDINGS) or not_name(word))


def countable(word: str) -> bool:
    from newsetl.transforms.tag_rules import _countable_noun

    lemma = simplemma.lemmatize(word, lang="de")
    plural = lemma != word and word.endswith(("en", "ern", "n")) and lemma[:1].isupper()
    return plural or _countable_noun(word)


# Heads of noun phrases for bodies that speak for themselves (Die Kriminalpolizei, Das Robert-Koch-Institut, Die
# Armeeleitung, Die Staatsanwaltschaft, Die japanischen Behörden, Das staatliche Fernsehen).
_SPEAKING_BODIES = ("polizei", "institut", "leitung", "behörde", "behörden", "anwaltschaft", "gewerkschaft", "amt",
                    "ministerium", "regierung", "gericht", "kommission", "verband", "partei", "fernsehen", "sender",
                    "senat", "rat", "ausschuss", "agentur", "zeitung", "konzern", "verwaltung", "feuerwehr")


def speaks(noun: str) -> bool:
    """Whether a noun names someone who speaks: a role, or a body that speaks for itself."""
    return is_role(noun) or noun.split("-")[-1].lower().endswith(_SPEAKING_BODIES)


def is_role(word: str) -> bool:
    base = word.split("-")[-1].lower()
    return base.endswith(_ROLE_ENDINGS) or base in ROLES


def is_role_or_title(word: str) -> bool:
    base = word.split("-")[-1].strip("'’")
    return word.endswith(".") or base.lower() in NOT_NAME_WORDS or base.lower().endswith(_ROLE_ENDINGS) \
        or base.lower() in ROLES


@lru_cache(maxsize=65536)
def not_name(word: str) -> bool:
    """A word no name holds: a function word, a plural or inflected common noun (Gelbe Karten, Internationale
    Medien), an abstract noun (-ung, -heit), a country."""
    base = word.split("-")[-1].strip(".'’")
    if not base or base.lower() in NOT_NAME_WORDS or base.endswith(_NOUN_ENDINGS):
        return True
    lemma = simplemma.lemmatize(base, lang="de")
    return (lemma != base and lemma[:1].isupper() and not base.endswith("s")) or word in gazetteer.country_forms()


def _adjective(word: str) -> bool:
    lemma = simplemma.lemmatize(word, lang="de")
    return lemma[:1].islower() and lemma != word.lower() and word.endswith(("e", "en", "er", "es", "em"))


def person_name(name: str) -> bool:
    """Whether a name found by rule is a person's: no adjective leads it (not Deutsche Journalisten-Union)."""
    return not _adjective(name.split()[0])


def rule_entity(name: str) -> str:
    """The entity id of a name found by rule: an organisation where an adjective leads it (Deutsche
    Journalisten-Union, Erneuerbare Energie), else a person, keyed as the tag stage keys them."""
    if not person_name(name):
        return entity_id(ORG, " ".join(name.lower().split()))
    return entity_id(PER, person_key(name)[0])


def noun_phrase_end(text: str, after_noun: bool = False) -> int:
    """Where the source's noun phrase that opens text ends (" einem Sprecher des Unternehmens RWE würde ..."
    -> after RWE): articles, prepositions, adjectives after them, capitalised words and names in marks, each
    genitive or preposition hanging on the noun before (after_noun: on the marker's, nach Angaben | der
    Polizei); 0 when text opens with none."""
    end, expect = 0, "noun" if after_noun else "start"  # start: an article or noun may follow; noun: a genitive, preposition or und
    for m in re.finditer(r"[„»\"][^„“»«\"]{1,40}[“«\"]|[\wÄÖÜäöüß.'’-]+|\S", text):
        word = m.group()
        lower = word.lower()
        if word[:1] in "„»\"" and not _marked_name(word):
            break  # a quotation, or its opening mark alone: no part of the source
        if word[:1] in "„»\"" or word[:1].isupper() and lower not in ARTICLES:
            end, expect = m.end(), "noun"
        elif expect == "noun" and lower in ("der", "des", "eines", "einer", "und", "von", "vom", "im", "in", "aus",
                                            "zur", "zum", "bei", "beim", "für"):
            expect = "start"
        elif expect == "start" and (lower in ARTICLES or re.fullmatch(r"[a-zäöüß]+(?:e|en|er|es|em)", word)):
            continue
        else:
            break
    return end


def _marked_name(text: str) -> bool:
    """Text in marks that is a name (laut „tagesschau.de“, der „Chaos Computer Club“), not words quoted."""
    inner = text[1:-1]
    return len(text) > 2 and (inner[:1].isupper() or " " not in inner)
