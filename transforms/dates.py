"""One date parser for plain text and HTML: German, Austrian, Swiss and ISO date forms, in the manner of htmldate.

The patterns are tried in the order of DATE_PATTERNS (the most explicit first, as htmldate does);
a pattern's first match that is a real calendar date inside the plausibility window wins.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple
from zoneinfo import ZoneInfo

# Plausibility window: the web's German news archives start in the 1990s; a date beyond tomorrow
# (a time zone ahead) is an event, a deadline or a template's default, not a publication date.
EARLIEST = dt.date(1990, 1, 1)
LATEST_MARGIN = dt.timedelta(days=1)
# Stamps with a UTC offset become the German local day: a 23:30Z stamp is the next day in Berlin.
LOCAL_ZONE = ZoneInfo("Europe/Berlin")
# A two-digit year ("28.09.19") is read in this century.
CENTURY = 2000

MONTHS = {
    "januar": 1, "jänner": 1, "jaenner": 1, "jan": 1, "jän": 1,  # Jänner, Jän: Austrian and South Tyrolean
    "februar": 2, "feber": 2, "feb": 2, "febr": 2,  # Feber: Austrian
    "märz": 3, "maerz": 3, "mär": 3, "mrz": 3,
    "april": 4, "apr": 4,
    "mai": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_TIME = r"(?:,?\s*(?:um\s*)?(\d{1,2})[:.](\d{2})(?!\d))?"

# (name, pattern, group order, precision); y/m/d/H/M name the groups, "b" a month's name.
DATE_PATTERNS = [
    ("iso_stamp", re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2})?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})"),
     "ymdHMz", "day"),
    ("iso", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{2}):(\d{2}))?"), "ymdHM", "day"),
    ("german", re.compile(rf"\b(\d{{1,2}})\.\s?(\d{{1,2}})\.\s?(\d{{4}})\b{_TIME}"), "dmyHM", "day"),
    # Month first, as templates from English print it; "26/12/2019" is read day first (see _build).
    ("slashed", re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"), "mdy", "day"),
    # "7. Dezember 2022", "3. Jan. 2022", also "07 Dezember, 2022" as templates translated from English print it.
    ("spelled", re.compile(rf"\b(\d{{1,2}})(?:\.\s*|\s+)({_MONTH})\.?,?\s+(\d{{4}})\b(?:{_TIME}\s*Uhr)?", re.I),
     "dbyHM", "day"),
    # "28.09.19 12:44": a two-digit year with the time of day is a post's or an article's stamp
    # (mactechnews.de, mopo.de, watson.ch, gofeminin.de, tarnkappe.info); without a time it may be anything.
    ("short_year_time", re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{2})\b(?![.\d]),?\s*(?:um\s*)?(\d{1,2})[:.](\d{2})(?!\d)"),
     "dmyHM", "day"),
    ("short_year", re.compile(rf"\b(\d{{1,2}})\.(\d{{1,2}})\.(\d{{2}})\b(?![.\d]){_TIME}"), "dmyHM", "day"),
    ("year_month", re.compile(r"\bdate\s+(\d{4})-(\d{2})\b", re.I), "ym", "month"),
    ("month_year", re.compile(rf"\b({_MONTH})\.?\s+(\d{{4}})\b", re.I), "by", "month"),
]
DAY_PATTERNS = ("iso_stamp", "iso", "german", "slashed", "spelled", "short_year_time")


class FoundDate(NamedTuple):
    """A date found in a text: its value (naive, local time), 'day' or 'month', and its span in the text."""
    value: dt.datetime
    precision: str
    start: int
    end: int


def plausible(day: dt.date) -> bool:
    """Inside the window from EARLIEST to today plus LATEST_MARGIN."""
    return EARLIEST <= day <= dt.date.today() + LATEST_MARGIN


def find_date(text: str | None, patterns: tuple[str, ...] | None = None) -> FoundDate | None:
    """The first plausible date of the first pattern (in DATE_PATTERNS order, or only those named) that matches."""
    if not text:
        return None
    for name, pattern, order, precision in DATE_PATTERNS:
        if patterns is not None and name not in patterns:
            continue
        for m in pattern.finditer(text):
            value = _build(dict(zip(order, m.groups())))
            if value is not None and plausible(value.date()):
                return FoundDate(value, precision, m.start(), m.end())
    return None


def find_day(text: str | None, patterns: tuple[str, ...] = DAY_PATTERNS) -> dt.date | None:
    """The calendar day of find_date, day-precise patterns only (by default no two-digit year)."""
    found = find_date(text, patterns)
    return found.value.date() if found else None


def _build(g: dict[str, str | None]) -> dt.datetime | None:
    try:
        year = int(g["y"]) + (CENTURY if len(g["y"]) == 2 else 0)
        month = MONTHS[g["b"].lower()] if g.get("b") else int(g["m"])
        day = int(g.get("d") or 1)
        if g.get("y") and "d" in g and month > 12 >= day:
            month, day = day, month  # "26/12/2019": day first, as Europe writes it
        value = dt.datetime(year, month, day, int(g.get("H") or 0), int(g.get("M") or 0))
    except (ValueError, KeyError):
        return None
    if g.get("z"):
        offset = g["z"].replace("Z", "+00:00")
        value = dt.datetime.fromisoformat(f"{value.isoformat()}{offset}").astimezone(LOCAL_ZONE).replace(tzinfo=None)
    return value
