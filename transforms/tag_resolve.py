"""Mentions of rules and model merged, and resolved within an article: one person, one label per name."""
from __future__ import annotations

import dataclasses
import re
from collections import Counter

from newsetl.transforms import gazetteer
from newsetl.transforms.codes import LOC, PER
from newsetl.transforms.tag_rules import (
    _NOT_NAME,
    Mention,
    _common_noun_at,
    _countable_noun,
    _name_repetitions,
    _occurrences,
    _Spans,
)

_LOCATIVE = re.compile(r"(?:\b(?:in|nach|aus|von|bei|über|um|nahe|vor)\s+)$", re.I)
MAJOR_CITY = 1_000_000
# Where a known name of the name lists ranks among the mentions it overlaps (see _priority): last, so
# they only fill gaps. Places only: on held-out GermEval they raise micro F1 0.6276 -> 0.6293, where
# organisations (0.6281) and persons (no change) did not help (scripts/ner/README.md).
LIST_PRIORITY = {LOC: 5}


def _priority(mention: Mention, text: str) -> int | None:
    """Order in which overlapping mentions win; None drops a mention nobody else vouches for."""
    if mention.source == "list":
        return LIST_PRIORITY.get(mention.label)
    if mention.source != "model":
        if mention.label == PER:
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
        if m.label == PER and " " in m.name and len(m.name.split()[-1]) >= 3:
            people.setdefault(m.name.split()[-1], m)
    resolved = []
    for m in mentions:
        if m.label == PER and " " not in m.name:
            full = people.get(m.name) or people.get(m.name.rstrip("s"))
            if full:
                m = Mention(m.start, m.end, PER, full.key, full.name, source=m.source)
        resolved.append(m)
    resolved += _name_repetitions(text, [m for m in resolved if m.label == PER and " " in m.name])
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
        words = m.name.split() if m.label == PER else []
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
            if m.label != label or (label == PER and " " not in m.name and m.key != model.key):
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
