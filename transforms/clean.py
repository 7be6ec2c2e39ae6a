"""Clean: decoded documents -> articles (body without boilerplate, plus metadata)."""
from __future__ import annotations

import re
from dataclasses import asdict
from datetime import datetime

import pandas as pd

from newsetl.transforms.agencies import AGENCIES as AGENCIES_BY_CREDIT
from newsetl.transforms.clean_body import _body_start, _box_lines, _is_closing, _main_start, _take_body
from newsetl.transforms.clean_header import _lead_start, _read_dateline, _read_header, _read_meta_lines
from newsetl.transforms.clean_lines import (
    _CREDIT_LINE,
    _LONG_SPACE,
    _TRAILING_CREDIT,
    _TRAILING_INITIALS,
    _split_agency,
    _words,
)
from newsetl.transforms.codes import CLEAN, LOADED
from newsetl.transforms.fields import ArticleFields
from newsetl.transforms.html_extract import extract_html
from newsetl.transforms.ingest import IngestLimits
from newsetl.transforms.isolation import rejected_frame, rejection
from newsetl.transforms.language import detect_language

ARTICLE_COLUMNS = [
    "doc_id", "kicker", "title", "teaser", "body", "published_at", "date_precision", "outlet", "agency",
    "authors", "dateline", "language", "word_count",
]


def clean_text(text: str) -> ArticleFields:
    """Scraped article text -> body without boilerplate and the metadata its lines give."""
    lines = [_LONG_SPACE.sub(" ", ln.strip()) for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    fields = ArticleFields()

    boxed = _box_lines(lines)
    start = _body_start(lines, boxed)
    if start is None:
        return fields
    start = _main_start(lines, boxed, start)
    lead = _lead_start(lines, start)
    _read_header(lines[:lead], fields)
    _read_meta_lines(lines[lead + 1:start], fields)
    body, _ = _take_body(lines, lead, start, fields)

    # Headings, links, service lines and bios after the last paragraph close the page, not the article.
    while body and _is_closing(lines, body[-1]):
        credit = _CREDIT_LINE.match(lines[body.pop()])
        if credit and not fields.agency:
            # A credit on a line of its own after the text names the agency: "(KNA, DR)", "DPA".
            fields.agency = AGENCIES_BY_CREDIT.get(re.split(r"[/,]", credit.group(1))[0].strip().lower())
    body_lines = [lines[j] for j in body]
    if body_lines:
        credit = _TRAILING_CREDIT.search(body_lines[-1])
        if credit and _words(body_lines[-1]) > 3:
            agency, outlet = _split_agency(credit.group(1))
            fields.agency = fields.agency or agency
            fields.outlet = fields.outlet or outlet
            body_lines[-1] = body_lines[-1][:credit.start()].rstrip()
        body_lines[-1] = _TRAILING_INITIALS.sub("", body_lines[-1])
    _read_dateline(body_lines, fields)
    fields.body = "\n\n".join(body_lines)
    return fields


def clean_article(text: str, content_type: str) -> dict:
    """One decoded document -> article fields; HTML goes through the HTML extractor first."""
    # A lone surrogate (a str from a broken decoder) cannot be encoded, and the NLP libraries raise on
    # it: it becomes "?", one character for one, so offsets are unchanged.
    text = text.encode("utf-8", "replace").decode("utf-8")
    fields = extract_html(text) if content_type == "html" else clean_text(text)
    row = asdict(fields)
    published = fields.published_at
    if published is not None and not isinstance(published, datetime):
        row["published_at"] = datetime(published.year, published.month, published.day)
    row["language"] = detect_language(fields.body) if fields.body else None
    row["word_count"] = _words(fields.body)
    return {key: row[key] for key in ARTICLE_COLUMNS if key != "doc_id"}


def clean_batch(documents: pd.DataFrame, texts: dict,
                limits: IngestLimits = IngestLimits()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clean every loaded document of a batch: articles rows, and rejected rows (doc_id, stage, reason, detail).

    A document is rejected (stage 'clean') when nothing is left of it after boilerplate removal,
    when its body is longer than limits.max_body_chars, or when cleaning it raises (the error's
    type and message are the detail); the rest of the batch goes on.
    """
    articles, rejected = [], []
    for doc in documents[documents["status"] == LOADED].itertuples():
        decoded = texts[doc.doc_id]
        try:
            fields = clean_article(decoded.text, decoded.content_type)
        except Exception as error:  # one poison document must not stop its batch
            rejected.append(rejection(doc.doc_id, "clean", error))
            continue
        if not fields["body"].strip():
            rejected.append({"doc_id": doc.doc_id, "stage": CLEAN, "reason": "no article text",
                             "detail": f"nothing left of {doc.source_path} after boilerplate removal"})
            continue
        if len(fields["body"]) > limits.max_body_chars:
            rejected.append({"doc_id": doc.doc_id, "stage": CLEAN, "reason": "body too long",
                             "detail": f"{len(fields['body'])} characters, limit {limits.max_body_chars}"})
            continue
        articles.append({"doc_id": doc.doc_id, **fields})
    return pd.DataFrame(articles, columns=ARTICLE_COLUMNS), rejected_frame(rejected)
