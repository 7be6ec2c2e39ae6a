"""Themes: article bodies -> (theme, score) from a lemma-based taxonomy (data/themes.yaml)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import simplemma
import yaml

from transforms.isolation import isolated

TAXONOMY_PATH = Path(__file__).parent / "data" / "themes.yaml"
THEME_COLUMNS = ["doc_id", "theme", "score"]
MIN_MATCHES = 2
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, dict]:
    """Theme name -> {description, stems} as documented in themes.yaml."""
    return yaml.safe_load(TAXONOMY_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _stem_patterns() -> dict[str, re.Pattern]:
    # A stem matches a lemma's start or a compound part inside it (Raketen|abwehr, Angriffs|krieg).
    return {theme: re.compile(r"^(?:\w*?)(?:" + "|".join(map(re.escape, spec["stems"])) + r")")
            for theme, spec in taxonomy().items()}


@lru_cache(maxsize=200_000)
def _lemma(word: str) -> str:
    return simplemma.lemmatize(word, lang="de", greedy=True).lower()


def score_themes(body: str) -> dict[str, float]:
    """Themes of one body with their score: matching words per 100 words, capped at 1.0."""
    lemmas = [_lemma(w) for w in _WORD.findall(body)]
    if not lemmas:
        return {}
    result = {}
    for theme, pattern in _stem_patterns().items():
        matches = sum(1 for lemma in lemmas if pattern.match(lemma))
        if matches >= MIN_MATCHES:
            result[theme] = round(min(1.0, 100 * matches / len(lemmas) / 10), 4)
    return result


def themes_batch(articles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Themes rows (doc_id, theme, score) and rejected rows (doc_id, stage, reason, detail) for a batch of articles.

    An article whose scoring raises is rejected with stage 'themes' and the error; the others are scored.
    """
    return isolated("themes", articles, _theme_rows)


def _theme_rows(articles: pd.DataFrame) -> tuple[pd.DataFrame]:
    rows = [{"doc_id": doc_id, "theme": theme, "score": score}
            for doc_id, body in zip(articles["doc_id"], articles["body"])
            for theme, score in score_themes(body).items()]
    return (pd.DataFrame(rows, columns=THEME_COLUMNS),)
