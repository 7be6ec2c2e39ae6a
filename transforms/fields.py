"""ArticleFields: what both extractors (plain text in newsetl.transforms.clean, HTML in newsetl.transforms.html_extract) return.

docs/fields.md says what each field means, where it comes from and when it is empty.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# A kicker (Dachzeile) is a topic, a place or a phrase over the headline: longer lines are headlines or teasers.
KICKER_MAX_WORDS = 6


@dataclass
class ArticleFields:
    """One article's extracted fields, before language and word count are added."""
    title: str | None = None  # the headline alone, without kicker and site name
    kicker: str | None = None  # the Dachzeile over the headline; the outlet prints "kicker: title"
    teaser: str | None = None
    body: str = ""
    published_at: dt.date | dt.datetime | None = None  # a date (HTML) or a datetime with its time (plain text)
    date_precision: str | None = None  # "day" or "month"; None without a date
    outlet: str | None = None
    agency: str | None = None
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None
    url: str | None = None  # HTML only: the canonical URL of the page
