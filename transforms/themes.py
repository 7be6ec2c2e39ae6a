"""Themes: article bodies -> (theme, score) from a lemma-based taxonomy (data/themes.yaml)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import simplemma
import yaml

from newsetl.transforms.codes import THEMES
from newsetl.transforms.isolation import isolated

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
def _word_themes(word: str) -> tuple[str, ...]:
    """Themes whose stems a word's lemma matches: each distinct word is matched once per process,
    not once per theme and occurrence."""
    lemma = simplemma.lemmatize(word, lang="de", greedy=True).lower()
    return tuple(theme for theme, pattern in _stem_patterns().items() if pattern.match(lemma))


def score_themes(body: str) -> dict[str, float]:
    """Themes of one body with their score: matching words per 100 words, capped at 1.0."""
    words = _WORD.findall(body)
    if not words:
        return {}
    matches: dict[str, int] = {}
    for word in words:
        for theme in _word_themes(word):
            matches[theme] = matches.get(theme, 0) + 1
    return {theme: round(min(1.0, 100 * matches[theme] / len(words) / 10), 4)
            for theme in _stem_patterns() if matches.get(theme, 0) >= MIN_MATCHES}


def themes_batch(articles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Themes rows (doc_id, theme, score) and rejected rows (doc_id, stage, reason, detail) for a batch of articles.

    An article whose scoring raises is rejected with stage 'themes' and the error; the others are scored.
    """
    return isolated(THEMES, articles, _theme_rows)


def _theme_rows(articles: pd.DataFrame) -> tuple[pd.DataFrame]:
    rows = [{"doc_id": doc_id, "theme": theme, "score": score}
            for doc_id, body in zip(articles["doc_id"], articles["body"])
            for theme, score in score_themes(body).items()]
    return (pd.DataFrame(rows, columns=THEME_COLUMNS),)
