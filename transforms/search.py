"""Search terms: compound parts of German words, so full-text search finds 'Rakete' in 'Raketentests'."""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
import simplemma

from newsetl.transforms.isolation import isolated

SEARCH_COLUMNS = ["doc_id", "terms"]
MIN_PART = 4
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{9,}")


@lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """Known German words a compound splits into (Raketentests -> Raketen, tests); empty when none.

    DuckDB's German stemmer matches inflections but not compounds; simplemma's lexicon decides
    which splits are words, with the linking -s- (Sicherheitskonsultation) allowed.
    """
    parts = []
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:i], word[i:]
        if not simplemma.is_known(tail.capitalize(), lang="de"):
            continue
        for candidate in (head, head[:-1] if head.endswith("s") else ""):
            if len(candidate) >= MIN_PART and simplemma.is_known(candidate.capitalize(), lang="de"):
                parts += [candidate, tail]
                break
    return tuple(dict.fromkeys(parts))


def search_terms_batch(articles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per article (doc_id, terms: the compound parts of its title and body, space separated),
    and rejected rows (doc_id, stage, reason, detail): an article whose terms raise is rejected with
    stage 'search' and the error; the others get their row.
    """
    return isolated("search", articles, _search_rows)


def _search_rows(articles: pd.DataFrame) -> tuple[pd.DataFrame]:
    rows = []
    for doc_id, title, body in zip(articles["doc_id"], articles["title"], articles["body"]):
        words = _WORD.findall(f"{title or ''} {body}")
        rows.append({"doc_id": doc_id, "terms": " ".join(p for w in words for p in compound_parts(w))})
    return (pd.DataFrame(rows, columns=SEARCH_COLUMNS),)
