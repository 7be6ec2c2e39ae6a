"""Per-document isolation: a document that makes a stage raise is rejected with the error, its batch goes on."""
from __future__ import annotations

from typing import Callable

import pandas as pd

REJECTED_COLUMNS = ["doc_id", "stage", "reason", "detail"]
# A message can hold a whole body (a regex error, a repr): the quarantine row keeps its start.
DETAIL_CHARS = 1000


def rejection(doc_id: str, stage: str, error: BaseException) -> dict:
    """A rejected row naming the stage and the error's type and message."""
    return {"doc_id": doc_id, "stage": stage, "reason": f"{stage} failed: {type(error).__name__}",
            "detail": f"{type(error).__name__}: {error}"[:DETAIL_CHARS]}


def rejected_frame(rows: list[dict]) -> pd.DataFrame:
    """Rejected rows (doc_id, stage, reason, detail) as a frame, also when there are none."""
    return pd.DataFrame(rows, columns=REJECTED_COLUMNS)


def isolated(stage: str, articles: pd.DataFrame,
             process: Callable[[pd.DataFrame], tuple[pd.DataFrame, ...]]) -> tuple[pd.DataFrame, ...]:
    """process(articles), and the rejected frame last; when the batch raises, each article is processed alone.

    The whole batch goes first, so a batch without a poison document costs nothing extra; after a
    failure only the documents that raise on their own are rejected, the others keep their rows.
    """
    try:
        return (*process(articles), rejected_frame([]))
    except Exception:  # any error of one document must not stop the run: find the document
        pass
    parts: list[tuple[pd.DataFrame, ...]] = []
    rejected = []
    for position in range(len(articles)):
        one = articles.iloc[[position]]
        try:
            parts.append(process(one))
        except Exception as error:
            rejected.append(rejection(one["doc_id"].iloc[0], stage, error))
    if not parts:
        parts.append(process(articles.iloc[[]]))  # the frames' columns, with no rows
    frames = tuple(pd.concat([p[i] for p in parts], ignore_index=True) for i in range(len(parts[0])))
    return (*frames, rejected_frame(rejected))
