"""Quote: German article bodies + entity mentions -> quotations with their speakers.

Rule-based, no model: one pass of regular expressions per article, so the stage costs a small
fraction of tagging. What it finds (see docs/fields.md, "quotes"):

- direct: text in quotation marks („…“ »…« «…» ‚…‘ "…") that is no name, title or scare-quoted word
  (is_quotation). A quote interrupted by its frame („…“, sagte er, „…“) gives two rows, one speaker.
- indirect: a speech cue (sagte, erklärte, teilte mit, hieß es, ...) with its complement: a
  dass/ob clause, a clause in the subjunctive (er sei bereit) or a zu-infinitive, before or after
  the frame; and the markers laut, zufolge, nach Angaben, wie X mitteilte with the rest of their sentence.
- free_indirect: sentences in Konjunktiv I without a new cue (reported speech going on), and
  hearsay with "soll ... sein/haben".
- reported: a speech act without its content as a clause (X bezeichnete Y als Z, X forderte ...).

The speaker is the subject of the frame, resolved to the entity the article means by
transforms/speakers.py (names the tagger missed, appositions, roles, pronouns, sources).

Modules: quote_marks (text in marks, and whether it is a quotation), quote_grammar (cue words, markers,
subjunctive, sentences), quote_indirect (one sentence's indirect and reported speech), quote_find (the
steps of find_quotes), quote_article (the Quote and the article the rules read); this module runs
them over a batch.
"""
from __future__ import annotations

import pandas as pd

from newsetl.transforms.codes import QUOTE, QUOTE_KINDS
from newsetl.transforms.isolation import isolated
from newsetl.transforms.quote_article import Quote
from newsetl.transforms.quote_find import find_quotes
from newsetl.transforms.quote_grammar import is_subjunctive, sentences
from newsetl.transforms.quote_marks import quoted_spans
from newsetl.transforms.speakers import Mentioned

__all__ = ["KINDS", "QUOTE_COLUMNS", "Quote", "find_quotes", "is_subjunctive", "quote_id", "quoted_spans",
           "quotes_batch", "quotes_of", "sentences"]

QUOTE_COLUMNS = ["doc_id", "quote_id", "kind", "quote", "start_char", "end_char", "cue", "speaker",
                 "speaker_entity_id"]
KINDS = QUOTE_KINDS  # the quotes table's kinds, defined in transforms/codes.py


def quote_id(doc_id: str, start_char: int) -> str:
    """Stable id of a quotation: its document (first 16 hex digits) and its start offset in the body."""
    return f"{doc_id[:16]}-{start_char}"


def quotes_batch(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Quotations of the German articles of a batch, one row each (QUOTE_COLUMNS)."""
    by_doc: dict[str, list[Mentioned]] = {}
    if not mentions.empty:
        for doc_id, eid, label, surface, start, end in zip(
                mentions["doc_id"], mentions["entity_id"], mentions["label"], mentions["surface"],
                mentions["start_char"], mentions["end_char"]):
            by_doc.setdefault(doc_id, []).append(Mentioned(int(start), int(end), label, eid, surface))
    rows = []
    german = articles[articles["language"] == "de"]
    for doc_id, body in zip(german["doc_id"], german["body"]):
        if not isinstance(body, str) or not body:
            continue
        seen = set()
        for q in find_quotes(body, by_doc.get(doc_id, [])):
            if q.start in seen or q.end <= q.start:
                continue
            seen.add(q.start)
            rows.append({"doc_id": doc_id, "quote_id": quote_id(doc_id, q.start), "kind": q.kind,
                         "quote": body[q.start:q.end], "start_char": q.start, "end_char": q.end, "cue": q.cue,
                         "speaker": q.speaker, "speaker_entity_id": q.speaker_entity_id})
    frame = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    # One schema whatever the batch holds: text columns str (missing values NaN), offsets int64.
    return frame.astype({c: ("int64" if c in ("start_char", "end_char") else "str") for c in QUOTE_COLUMNS})


def quotes_of(articles: pd.DataFrame, mentions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """quotes_batch with per-document isolation: quotes rows, and rejected rows (doc_id, stage, reason, detail)."""
    return isolated(QUOTE, articles, lambda batch: (quotes_batch(batch, mentions[mentions["doc_id"].isin(
        batch["doc_id"])] if not mentions.empty else mentions),))
