"""Title, kicker, date, byline, outlet and dateline from the lines around the article text."""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from newsetl.transforms import gazetteer
from newsetl.transforms.clean_lines import (
    _BREADCRUMB,
    _BYLINE,
    _DATELINE_AGENCY,
    _DATELINE_DOT,
    _GLUED_KICKER,
    _KICKER_SEPARATOR,
    _NAME_END,
    _NOT_TITLE,
    _WORD,
    DATE_LINE_MAX_WORDS,
    HEADER_META_MAX_LINES,
    LEAD_MIN_WORDS,
    PROSE_MIN_WORDS,
    TITLE_MAX_WORDS,
    _is_caption,
    _is_date_line,
    _is_furniture,
    _is_header_meta,
    _is_prose,
    _is_section_break,
    _parse_byline,
    _same_headline,
    _split_agency,
    _words,
)
from newsetl.transforms.dates import FoundDate, find_date
from newsetl.transforms.fields import KICKER_MAX_WORDS, ArticleFields


def _lead_start(lines: list[str], start: int) -> int:
    """Pull the start back to the lead under the headline when only byline, date and picture lines separate them."""
    j = start - 1
    while j >= 0 and start - j <= HEADER_META_MAX_LINES and _is_header_meta(lines[j]):
        j -= 1
    if j < 1 or start - j > HEADER_META_MAX_LINES:
        return start
    lead = lines[j]
    if _words(lead) < LEAD_MIN_WORDS or _is_section_break(lead) or _BYLINE.match(lead):
        return start
    if _words(lead) < PROSE_MIN_WORDS and not re.search(r"[.!?]", lead):
        return start  # a headline, not a lead
    k = j - 1
    while k > 0 and (_is_furniture(lines[k]) or _is_caption(lines, k)):
        k -= 1
    title = lines[k]
    if _is_prose(title) or not 3 <= _words(title) < _words(lead) or _NOT_TITLE.search(title):
        return start
    return start if _same_headline(lead, title) else j


def _read_meta_lines(meta: list[str], fields: ArticleFields) -> None:
    """Dates and bylines between the lead and the text."""
    for line in meta:
        found = find_date(line) if _is_date_line(line) else None
        if found and fields.published_at is None:
            fields.published_at, fields.date_precision = found[:2]
        authors, agency, _ = _parse_byline(line)
        fields.authors = fields.authors or authors
        fields.agency = fields.agency or agency


def _header_date(line: str) -> FoundDate | None:
    """The date of a date line: what is left beside the date is a byline or nothing."""
    found = find_date(line) if _words(line) <= DATE_LINE_MAX_WORDS else None
    if not found:
        return None
    rest = (line[:found[2]] + line[found[3]:]).strip(" ,|-")
    return found if _words(rest) <= 4 or _BYLINE.match(rest) else None


def _read_header(header: list[str], fields: ArticleFields) -> None:
    """Title, date, byline and outlet from the lines before the body."""
    headings = _header_headings(header, fields)
    if not headings:
        return
    # Navigation repeats short items; a headline is printed twice in a row, or stands last before the text.
    candidates = [h for h in headings if 3 <= _words(h) <= TITLE_MAX_WORDS and not _NOT_TITLE.search(h)]
    if not candidates:
        return
    recent = headings[-8:]  # the headline stands near the text; doubled menu items stand further up
    doubled = [a for a, b in zip(recent, recent[1:]) if a == b and a in candidates]
    title = doubled[0] if doubled else candidates[-1]
    for heading in headings:
        # "Site Name - Title": the site name is the outlet, the rest the title.
        if heading != title and heading.endswith(title) and len(heading) > len(title):
            prefix = heading[: -len(title)].rstrip(" -–|:")
            if prefix and _words(prefix) <= 5:
                fields.outlet = fields.outlet or prefix
    kicker, title = _kicker_and_title(headings, title)
    fields.kicker = kicker if 0 < _words(kicker) <= KICKER_MAX_WORDS else None
    fields.title = title if _words(title) >= 2 else None


def _header_headings(header: list[str], fields: ArticleFields) -> list[str]:
    """The header's headings; its date, byline and outlet lines go into fields."""
    headings = []
    dates = [_header_date(line) for line in header]
    for n, (line, found) in enumerate(zip(header, dates)):
        if found:
            # The date nearest the text is the article's; one further up is the page's "today".
            fields.published_at, fields.date_precision = found[:2]
            rest = (line[:found[2]] + line[found[3]:]).strip(" ,|-")
            # What is left of a date line is a byline or nothing: never the title.
            authors, agency, outlet = _parse_byline(rest)
            fields.authors = fields.authors or authors
            fields.agency = fields.agency or agency
            fields.outlet = fields.outlet or outlet
            continue
        if not line or _is_furniture(line) or _is_section_break(line):
            continue
        authors, agency, outlet = _parse_byline(line)
        name = _NAME_END.search(line)
        next_dated = n + 1 < len(dates) and dates[n + 1] is not None
        if not authors and name and _words(line) <= 5 and len(header) - n <= 8 and next_dated:
            authors = [name.group(1)]  # "FOCUS-Online-Experte Robin Tschöpe" over the date, near the text: a byline
        if authors or agency or outlet:
            fields.authors = fields.authors or authors
            fields.agency = fields.agency or agency
            fields.outlet = fields.outlet or outlet
            continue
        headings.append(_BREADCRUMB.split(line)[-1].strip())
    return headings


def _kicker_and_title(headings: list[str], title: str) -> tuple[str, str]:
    """The kicker over or glued onto the chosen title, and the title without it."""
    at = len(headings) - 1 - headings[::-1].index(title)
    variant = next((h for h in reversed(headings[:at])
                    if _words(h) <= TITLE_MAX_WORDS and _same_headline(h, title)), None)
    kicker = None
    if variant:
        title = _headline_of(variant, title)
        # The wording printed with the kicker, less the headline, when a separator sets it off: glued on
        # without one ("Home News Waldwege ...", "Lokales Lübeck So lief ...") it is a breadcrumb.
        prefix = max(variant, headings[at], key=len).removesuffix(title)
        if prefix != title and _KICKER_SEPARATOR.search(prefix):
            kicker = prefix
    elif at > 0 and headings[at - 1].endswith(":") and _words(headings[at - 1]) >= 4:
        if _words(headings[at - 1]) <= KICKER_MAX_WORDS:
            kicker = headings[at - 1]  # "Tanz in der St. Galler Lokremise:" over the headline
        else:
            title = f"{headings[at - 1]} {title}"  # a headline set on two lines
    glued = _GLUED_KICKER.match(title)
    if glued:
        kicker, title = kicker or next(g for g in glued.groups() if g), title[glued.end():]
    return (kicker or "").strip(" :-–|/"), title


def _headline_of(earlier: str, later: str) -> str:
    """Of one headline printed twice, the wording without a kicker: the shared part, or the one opening with it."""
    a, b = earlier.split(), later.split()
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    shared = " ".join(a[m.a:m.a + m.size])
    if shared in (earlier, later) or set(_WORD.findall(earlier)) == set(_WORD.findall(later)):
        return shared
    return earlier if m.a == 0 and m.b != 0 else later


def _read_dateline(body_lines: list[str], fields: ArticleFields) -> None:
    """Dateline and agency from the opening 'Tokio (dpa) - ...' or 'Tokio. ...'; the lead before it is the teaser."""
    for i, line in enumerate(body_lines[:3]):
        m = _DATELINE_AGENCY.match(line)
        if m:
            fields.dateline = m.group(1)
            agency, _ = _split_agency(m.group(2))
            fields.agency = fields.agency or agency
        else:
            m = _DATELINE_DOT.match(line)
            if not (m and gazetteer.is_place(m.group(1))):
                continue
            fields.dateline = m.group(1)
        if i > 0:
            fields.teaser = body_lines[0]
        return
