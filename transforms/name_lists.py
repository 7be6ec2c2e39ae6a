"""Known names (transforms/data/names_de.tsv): persons, places and organisations found in text by exact match.

The list is built by scripts/ner/name_lists.py from sources free to ship (the 20th Bundestag's
speakers; the names annotated in the CC BY 4.0 training corpora). Matching is by whole words,
longest name first, in one pass over the text's words.
"""
from __future__ import annotations

import re
from pathlib import Path

from newsetl.transforms.once import once

NAMES = Path(__file__).parent / "data" / "names_de.tsv"
_WORD = re.compile(r"\w+(?:[-'’.&]\w+)*|[^\w\s]")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


@once
def _index() -> tuple[dict[str, list[tuple[tuple[str, ...], str]]], int]:
    """First word -> [(words, label)], longest first; and the longest name's word count."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    longest = 1
    for line in NAMES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, name = line.split("\t")[:2]
        words = tuple(_words(name))
        index.setdefault(words[0], []).append((words, label))
        longest = max(longest, len(words))
    for entries in index.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return index, longest


def find_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of the known names in text, left to right, never overlapping."""
    index, _ = _index()
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    found = []
    i = 0
    while i < len(tokens):
        for words, label in index.get(tokens[i][2], ()):
            n = len(words)
            if tuple(t[2] for t in tokens[i:i + n]) == words:
                found.append((tokens[i][0], tokens[i + n - 1][1], label))
                i += n
                break
        else:
            i += 1
    return found
