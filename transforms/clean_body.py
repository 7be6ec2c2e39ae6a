"""Where the article text starts and ends among the lines of a scraped page."""
from __future__ import annotations

from collections import Counter

from newsetl.transforms.clean_lines import (
    _CREDIT_LINE,
    _NAME_BIO,
    _SENTENCE_END,
    _SERVICE_LINE,
    _SIGNATURE,
    MAIN_TEXT_FACTOR,
    MAIN_TEXT_MIN_WORDS,
    NOTICE_MAX_WORDS,
    SHORT_LINE_WORDS,
    SHORT_RUN_LINES,
    _is_caption,
    _is_date_line,
    _is_furniture,
    _is_prose,
    _is_section_break,
    _same_headline,
    _section_cues,
    _words,
)
from newsetl.transforms.dates import find_date
from newsetl.transforms.fields import ArticleFields


def _box_lines(lines: list[str]) -> set[int]:
    """Paragraphs printed before and after the text (info boxes): a repeated line enclosing prose printed only once.

    One pass with prefix counts, so a text repeating many lines stays linear.
    """
    counts = Counter(lines)
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for j, line in enumerate(lines):
        first.setdefault(line, j)
        last[line] = j
    once_prose = [0]  # once_prose[k]: prose lines printed only once among lines[:k]
    for line in lines:
        once_prose.append(once_prose[-1] + (counts[line] == 1 and _is_prose(line)))
    return {i for i, line in enumerate(lines)
            if counts[line] >= 2 and once_prose[last[line]] > once_prose[first[line] + 1]}


def _body_start(lines: list[str], boxed: set[int], after: int = -1) -> int | None:
    """The first prose line that opens a run of prose: a lone notice, caption, info box or headline is not the text."""
    first_candidate = None
    for i in range(after + 1, len(lines)):
        line = lines[i]
        if (not _is_prose(line) or _is_furniture(line) or _is_section_break(line) or i in boxed
                or any(_same_headline(line, lines[j]) for j in range(max(0, i - 3), i))):
            continue
        if first_candidate is None:
            first_candidate = i
        if _is_caption(lines, i):
            continue
        if sum(1 for ln in lines[i:i + 15] if _is_prose(ln)) >= 2:
            return i
    return first_candidate


def _text_goes_on(lines: list[str], k: int) -> bool:
    """Two paragraphs follow soon, before any section break: the short lines were a poll, a table or a gallery."""
    paragraphs = 0
    for m in range(k, min(k + 30, len(lines))):
        if _is_section_break(lines[m], lines[m + 1] if m + 1 < len(lines) else ""):
            return False
        paragraphs += _is_prose(lines[m]) and _words(lines[m]) >= 20 and not _is_furniture(lines[m])
        if paragraphs >= 2:
            return True
    return False


def _inline_box_end(lines: list[str], i: int) -> int | None:
    """A 'related' box inside the text: its heading, at most three short link lines, then the text goes on."""
    if "related" not in _section_cues(lines[i]):
        return None
    for k in range(i + 1, min(i + 5, len(lines))):
        if _is_prose(lines[k]):
            return k if _words(lines[k]) >= 30 and k > i + 1 else None
        if _words(lines[k]) > 15:
            return None
    return None


def _opens_teaser_list(lines: list[str], i: int) -> bool:
    """A date line followed by more date lines: a list of other articles, each with its date."""
    return _is_date_line(lines[i]) and _words(lines[i]) <= SHORT_LINE_WORDS and \
        any(_is_date_line(ln) for ln in lines[i + 1:i + 9])


def _is_author_bio(line: str, authors: list[str]) -> bool:
    """A few lines about the byline's author ("Anna Muster leitet das Ressort ...")."""
    return _words(line) <= NOTICE_MAX_WORDS and any(line.startswith(a + " ") for a in authors)


def _main_start(lines: list[str], boxed: set[int], start: int) -> int:
    """A short first stretch of prose (blurbs among the menus) gives way to a later one at least three times its size."""
    stretches, at = [], start
    while at is not None and len(stretches) < 10:
        body, end = _take_body(lines, at, at, ArticleFields())
        stretches.append((at, sum(_words(lines[j]) for j in body)))
        at = _body_start(lines, boxed, after=end)
    first = stretches[0][1]
    if first >= MAIN_TEXT_MIN_WORDS:
        return start
    return next((at for at, words in stretches[1:] if words >= max(MAIN_TEXT_MIN_WORDS, MAIN_TEXT_FACTOR * first)),
                start)


def _take_body(lines: list[str], lead: int, start: int, fields: ArticleFields) -> tuple[list[int], int]:
    """The body's line numbers from the lead on, and the line where the article ends."""
    before = set(lines[:lead])
    body: list[int] = [lead] if lead < start else []
    i, run = start, 0
    while i < len(lines):
        line, following = lines[i], (lines[i + 1] if i + 1 < len(lines) else "")
        signature = _SIGNATURE.match(line)
        if signature:
            fields.authors = [signature.group(1)]
            break
        if len(body) > 3 and _opens_teaser_list(lines, i):
            # Other articles' teasers, each with its date: drop the one begun above.
            heads = [n for n in range(max(0, len(body) - 3), len(body)) if not _SENTENCE_END.search(lines[body[n]])]
            if heads:
                del body[heads[0]:]
            break
        if len(body) <= 3 and _is_date_line(line):
            # A date line printed just after the lead ("19.10.2019, 23:38 Uhr") is metadata, not body.
            if fields.published_at is None:
                fields.published_at, fields.date_precision = find_date(line)[:2]
            i += 1
            continue
        if _is_furniture(line) or (_is_prose(line) and _is_caption(lines, i)) or _is_author_bio(line, fields.authors):
            i += 1
            continue
        if _is_section_break(line, following):
            resume = _inline_box_end(lines, i)
            if resume is None:
                break
            i = resume
            continue
        if _is_prose(line) and line in before:
            break  # an info box printed above the text too
        # Runs of short lines are menus and teaser lists: the text does not go on past one.
        run = 0 if _is_prose(line) else run + 1
        if run >= SHORT_RUN_LINES and not _text_goes_on(lines, i + 1):
            del body[-(run - 1):]
            break
        body.append(i)
        i += 1
    return body, i


def _is_closing(lines: list[str], j: int) -> bool:
    """A line that cannot end an article: no closing punctuation, a service line, or a bio under a picture."""
    line = lines[j]
    if (not _SENTENCE_END.search(line) and not _is_prose(line)) or _CREDIT_LINE.match(line):
        return True
    tokens = line.split()
    if _SERVICE_LINE.match(line) and sum(any(c.isdigit() for c in t) for t in tokens) * 3 >= len(tokens):
        return True
    return bool(_NAME_BIO.match(line)) and _words(line) <= NOTICE_MAX_WORDS and j > 0 and _is_furniture(lines[j - 1])
