"""Tag: article bodies -> entity mentions with character offsets and stable canonical entity ids."""
from __future__ import annotations

import bisect
import dataclasses
import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import simplemma

from newsetl.transforms import gazetteer, name_lists
from newsetl.transforms.codes import ENTITY_LABELS
from newsetl.transforms.isolation import isolated
from newsetl.transforms.once import once

log = logging.getLogger(__name__)
MODEL_DIR = Path(__file__).parent / "models" / "ner_de"
MENTION_COLUMNS = ["doc_id", "entity_id", "label", "surface", "start_char", "end_char", "source", "is_derived"]
MENTION_KEY = ["doc_id", "start_char", "end_char", "entity_id"]  # the warehouse's key of mentions
ALIAS_COLUMNS = ["entity_id", "name", "label", "country_code", "alias"]
# spaCy refuses a text over nlp.max_length (1,000,000 characters), and the model's memory follows
# the characters it is given at once (measured: 100,000 characters in one call, about 300 MB over
# the loaded model; 20,000, about 35 MB). A longer text goes through the model in pieces of
# MODEL_CHUNK_CHARS, cut at paragraph, line, sentence or word ends, with the offsets shifted back;
# pieces go through in groups of at most MODEL_BATCH_CHARS. Speed does not depend on either size;
# tagging 500 real articles peaks 110 MB lower with groups of 20,000 characters than of 50,000.
MODEL_CHUNK_CHARS = 10_000
MODEL_BATCH_CHARS = 20_000

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


@once
def load_model():
    """The shipped spaCy NER model, loaded once per process; None where it is missing."""
    if not (MODEL_DIR / "meta.json").exists():
        log.warning("no NER model at %s: tagging with rules only", MODEL_DIR)
        return None
    import spacy

    return spacy.load(MODEL_DIR)


def _place_mention(start: int, end: int, surface: str, source: str) -> Mention | None:
    found = gazetteer.lookup_place(surface)
    if not found:
        return None
    place, derived = found
    return Mention(start, end, "LOC", place.key, place.name, place.country_code, source, derived,
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
        mentions.append(Mention(start, start + len(surface), "PER", key, name))
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
        if label == "LOC" and (place := _place_mention(start, end, surface, "list")):
            mentions.append(place)
            continue
        key, name = person_key(surface) if label == "PER" else (" ".join(surface.lower().split()), surface)
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
            if not taken.overlaps(start, end) and not (" " not in form and _common_noun_at(text, start, "PER")):
                source = "rule" if " " in text[start:end] else "coref"
                found.append(Mention(start, end, "PER", person.key, person.name, source=source))
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


def _model_mentions(docs) -> list[list[Mention]]:
    result = []
    for doc in docs:
        mentions = []
        for ent in doc.ents:
            if ent.label_ not in ENTITY_LABELS or _inflected_noun(ent.text):
                continue
            if ent.label_ == "LOC":
                place = _place_mention(ent.start_char, ent.end_char, ent.text, "model")
                if place:
                    mentions.append(place)
                    continue
            span = _trim_person(ent) if ent.label_ == "PER" else ent
            if ent.label_ == "PER":
                key, name = person_key(span.text)
            else:
                key, name = " ".join(span.text.lower().split()), " ".join(span.text.split())
            mentions.append(Mention(span.start_char, span.end_char, ent.label_, key, name, source="model"))
        result.append(mentions)
    return result


def _trim_person(ent):
    """Cut a person span before an inflected common noun the model ran into ("Dunfords Gesprächen")."""
    for i, token in enumerate(ent[1:], start=1):
        text = token.text
        lemma = simplemma.lemmatize(text, lang="de")
        genitive = text.endswith("s") and lemma == text[:-1]  # Merkels is still Merkel
        if text[:1].isupper() and lemma != text and not genitive and simplemma.is_known(lemma, lang="de"):
            return ent[:i]
    return ent


# Determiners that make the noun after them a common noun however it is capitalised: indefinite,
# possessive, demonstrative (eine Allianz, ihre Regierung, dieses Bündnis).
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
    return bool(_COMMON_BEFORE.search(before) or label == "PER" and _ARTICLE_BEFORE.search(before))


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
              if m.source == "model" and m.label == "ORG" and _countable_noun(text[m.start:m.end])
              and (_COMMON_BEFORE.search(text[max(0, m.start - 60):m.start]) or _COMMON_AFTER.match(text[m.end:m.end + 12]))}
    return [m for m in mentions if not (m.source == "model" and m.label == "ORG" and text[m.start:m.end] in common)]


_LOCATIVE = re.compile(r"(?:\b(?:in|nach|aus|von|bei|über|um|nahe|vor)\s+)$", re.I)
MAJOR_CITY = 1_000_000
# Where a known name of the name lists ranks among the mentions it overlaps (see _priority): last, so
# they only fill gaps. Places only: on held-out GermEval they raise micro F1 0.6276 -> 0.6293, where
# organisations (0.6281) and persons (no change) did not help (scripts/ner/README.md).
LIST_PRIORITY = {"LOC": 5}


def _priority(mention: Mention, text: str) -> int | None:
    """Order in which overlapping mentions win; None drops a mention nobody else vouches for."""
    if mention.source == "list":
        return LIST_PRIORITY.get(mention.label)
    if mention.source != "model":
        if mention.label == "PER":
            return 0  # a name after a role, or its repetition
        if mention.kind == "country" or mention.population >= MAJOR_CITY:
            return 2
        # A smaller city's name alone is often a word or a person (Essen, Victoria): it needs a preposition.
        if _LOCATIVE.search(text[max(0, mention.start - 8):mention.start]):
            return 4
        return None
    return 1 if " " in text[mention.start:mention.end].strip() else 3


def _merge(rules: list[Mention], model: list[Mention], text: str) -> list[Mention]:
    """Persons found by role first, then the model's multi-word names (Universität Kopenhagen, New York),
    then known countries, then the model's other names, then known cities."""
    ranked = [(p, m.start, m) for m in rules + model if (p := _priority(m, text)) is not None]
    chosen: list[Mention] = []
    taken = _Spans()
    for _, _, mention in sorted(ranked, key=lambda r: (r[0], r[1])):
        if not taken.overlaps(mention.start, mention.end):
            chosen.append(mention)
            taken.add(mention.start, mention.end)
    return sorted(chosen, key=lambda m: m.start)


def _resolve_people(text: str, mentions: list[Mention]) -> list[Mention]:
    """Within one article: a surname (Blinken, Blinkens) refers to the full name found elsewhere in it."""
    people = {}
    for m in mentions:
        # Surnames of two letters (Kim Jong Un -> Un) are too ambiguous to resolve.
        if m.label == "PER" and " " in m.name and len(m.name.split()[-1]) >= 3:
            people.setdefault(m.name.split()[-1], m)
    resolved = []
    for m in mentions:
        if m.label == "PER" and " " not in m.name:
            full = people.get(m.name) or people.get(m.name.rstrip("s"))
            if full:
                m = Mention(m.start, m.end, "PER", full.key, full.name, source=m.source)
        resolved.append(m)
    resolved += _name_repetitions(text, [m for m in resolved if m.label == "PER" and " " in m.name])
    return sorted(resolved, key=lambda m: m.start)


def _one_label_per_name(text: str, mentions: list[Mention]) -> list[Mention]:
    """One name, one label, per article: the mentions of one name agree on a label by vote, then the
    name is tagged at its other occurrences, in full and, for a person, in part (Kim Jong Un ... Kim)."""
    voted = _vote_labels(mentions)
    return sorted(voted + _other_occurrences(text, voted), key=lambda m: m.start)


def _name_parts(mentions: list[Mention]) -> dict[str, Mention]:
    """First and last word of each person's name of several words (Kim, Un is too short), where no
    other person of the article shares it (Karl Marx and Karl Lauterbach: Karl is nobody's)."""
    parts: dict[str, Mention] = {}
    shared: set[str] = set()
    for m in mentions:
        words = m.name.split() if m.label == "PER" else []
        for part in {words[0], words[-1]} if len(words) > 1 else ():
            if (len(part) < 3 or part in _NOT_NAME or not part[:1].isupper() or gazetteer.lookup_place(part)
                    or _countable_noun(part)):
                continue
            if parts.setdefault(part, m).key != m.key:
                shared.add(part)
    return {part: m for part, m in parts.items() if part not in shared}


def _vote_labels(mentions: list[Mention]) -> list[Mention]:
    """Mentions of one canonical entity (one wording, one key, or a part of one person's name) take the
    label most of them have, and the identity of its longest name; a tie changes nothing. Derived
    forms (deutsche) do not vote."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    parts = _name_parts(mentions)
    for m in mentions:
        if not m.derived:
            parent[root("name:" + m.name)] = root("key:" + m.key)
            person = parts.get(m.name) or parts.get(m.name.removesuffix("s"))
            if person is not None and " " not in m.name:
                parent[root("key:" + m.key)] = root("key:" + person.key)
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        if not m.derived:
            groups.setdefault(root("key:" + m.key), []).append(m)
    relabelled: dict[int, Mention] = {}
    for group in groups.values():
        ranked = Counter(m.label for m in group).most_common()
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            continue
        label = ranked[0][0]
        model = max((m for m in group if m.label == label), key=lambda m: (len(m.name), -m.start))
        for m in group:
            # A person's one word (Kim) also takes the full name's identity (Kim Jong Un).
            if m.label != label or (label == "PER" and " " not in m.name and m.key != model.key):
                relabelled[id(m)] = dataclasses.replace(
                    model, start=m.start, end=m.end, source=m.source, derived=False)
    return [relabelled.get(id(m), m) for m in mentions]


def _other_occurrences(text: str, mentions: list[Mention]) -> list[Mention]:
    """Untagged occurrences of the names tagged in text, longest names first; one word after a determiner
    or an adjective (ein Mann, die neue Allianz), or a person's one word after an article (der Mann), is
    a common noun, not the name."""
    forms: dict[str, Mention] = {}
    for m in mentions:
        surface = text[m.start:m.end]
        # A common noun the model took for a name once (der Mond, die Union) is not repeated everywhere.
        if not m.derived and len(surface) >= 2 and surface[:1].isupper() and not _countable_noun(surface):
            forms.setdefault(surface, m)
    for part, person in _name_parts(mentions).items():
        forms.setdefault(part, person)
    taken = _Spans((m.start, m.end) for m in mentions)
    found = []
    for form in sorted(forms, key=len, reverse=True):
        m = forms[form]
        for start, end in _occurrences(text, form):
            if taken.overlaps(start, end):
                continue
            if " " not in form and _common_noun_at(text, start, m.label):
                continue
            found.append(dataclasses.replace(m, start=start, end=end, source="coref", derived=False))
            taken.add(start, end)
    return found


def model_pieces(text: str, size: int = MODEL_CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) covering text in order, each piece at most size characters.

    A piece ends after the last paragraph break in its second half, else the last line break,
    sentence end or space there; a text without any is cut at size.
    """
    pieces, start = [], 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = size
        for separator in ("\n\n", "\n", ". ", " "):
            at = window.rfind(separator, size // 2)
            if at != -1:
                cut = at + len(separator)
                break
        pieces.append((start, window[:cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


def _pipe(model, pieces: list[str]):
    """The model's docs of the pieces, in order, run in groups of at most MODEL_BATCH_CHARS characters."""
    group: list[str] = []
    size = 0
    for piece in pieces:
        if group and size + len(piece) > MODEL_BATCH_CHARS:
            yield from model.pipe(group, batch_size=len(group))
            group, size = [], 0
        group.append(piece)
        size += len(piece)
    if group:
        yield from model.pipe(group, batch_size=len(group))


def tag_texts(texts: list[str], use_model: bool = True, use_rules: bool = True) -> list[list[Mention]]:
    """Mentions of each text: model and rules merged, persons resolved within the text."""
    model = load_model() if use_model else None
    model_mentions: list[list[Mention]] = [[] for _ in texts]
    if model is not None:
        pieces = [(n, offset, piece) for n, text in enumerate(texts) for offset, piece in model_pieces(text)]
        found = _model_mentions(_pipe(model, [piece for _, _, piece in pieces]))
        for (n, offset, _), mentions in zip(pieces, found):
            model_mentions[n] += [dataclasses.replace(m, start=m.start + offset, end=m.end + offset) for m in mentions]
    result = []
    for text, from_model in zip(texts, model_mentions):
        from_rules = _rule_mentions(text) if use_rules else []
        mentions = _merge(from_rules, _drop_common_nouns(text, from_model) if use_rules else from_model, text)
        result.append(_one_label_per_name(text, _resolve_people(text, mentions)) if use_rules else mentions)
    return result


def find_mentions(texts: list[str], use_model: bool = True, use_rules: bool = True) -> list[list[tuple[int, int, str]]]:
    """(start, end, label) of the named mentions in each text; derived adjectives are left out."""
    return [[(m.start, m.end, m.label) for m in mentions if not m.derived]
            for mentions in tag_texts(texts, use_model, use_rules)]


def tag_batch(articles: pd.DataFrame, known_entity_ids: frozenset[str] = frozenset()
              ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Mentions rows, entity alias rows and rejected rows (doc_id, stage, reason, detail) for a batch of articles.

    known_entity_ids (of the warehouse) let a genitive name (Donald Trumps) join the person
    (Donald Trump) seen in an earlier run. An article whose tagging raises is rejected with
    stage 'tag' and the error; the others are tagged.
    """
    mentions, aliases, rejected = isolated("tag", articles, lambda batch: _tag_rows(batch, known_entity_ids))
    return mentions, aliases.drop_duplicates(["entity_id", "alias"], ignore_index=True), rejected


def _tag_rows(articles: pd.DataFrame, known_entity_ids: frozenset[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    bodies = articles["body"].tolist()
    tagged = tag_texts(bodies)
    person_ids = known_entity_ids | {entity_id("PER", m.key) for ms in tagged for m in ms if m.label == "PER"}
    mention_rows, alias_rows = [], {}
    for doc_id, body, mentions in zip(articles["doc_id"], bodies, tagged):
        for m in mentions:
            if m.label == "PER" and m.key.endswith("s") and entity_id("PER", m.key[:-1]) in person_ids:
                m.key, m.name = m.key[:-1], m.name[:-1]
            eid = entity_id(m.label, m.key)
            surface = body[m.start:m.end]
            mention_rows.append({"doc_id": doc_id, "entity_id": eid, "label": m.label, "surface": surface,
                                 "start_char": m.start, "end_char": m.end, "source": m.source,
                                 "is_derived": m.derived})
            alias_rows.setdefault((eid, surface), {"entity_id": eid, "name": m.name, "label": m.label,
                                                   "country_code": m.country_code, "alias": surface})
    mentions = pd.DataFrame(mention_rows, columns=MENTION_COLUMNS)
    # A name the model found and resolution found again (Zschäpes as the model's and as Zschäpe's genitive)
    # is one mention: the warehouse keys mentions by doc_id, span and entity. The model's or a rule's stays.
    by_source = mentions.assign(resolved=mentions["source"].eq("coref")).sort_values("resolved", kind="stable")
    mentions = mentions.loc[sorted(by_source.drop_duplicates(MENTION_KEY).index)].reset_index(drop=True)
    return mentions, pd.DataFrame(list(alias_rows.values()), columns=ALIAS_COLUMNS)
