"""Clean: decoded documents -> articles (body without boilerplate, plus metadata)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict
from datetime import datetime
from difflib import SequenceMatcher
from functools import lru_cache

import pandas as pd

from newsetl.transforms import gazetteer
from newsetl.transforms.agencies import AGENCIES as AGENCIES_BY_CREDIT
from newsetl.transforms.dates import FoundDate, find_date
from newsetl.transforms.fields import KICKER_MAX_WORDS, ArticleFields
from newsetl.transforms.html_extract import extract_html
from newsetl.transforms.ingest import IngestLimits
from newsetl.transforms.isolation import rejected_frame, rejection
from newsetl.transforms.language import detect_language

ARTICLE_COLUMNS = [
    "doc_id", "kicker", "title", "teaser", "body", "published_at", "date_precision", "outlet", "agency",
    "authors", "dateline", "language", "word_count",
]

# Agencies match in their own spelling only: "AP" is an agency, "ap" is not.
AGENCIES = sorted(set(AGENCIES_BY_CREDIT.values()), key=len, reverse=True)
_AGENCY = "|".join(re.escape(a) for a in AGENCIES)
_AGENCY_RE = re.compile(rf"(?<![\w-])({_AGENCY})(?![\w-])")
_DATELINE_AGENCY = re.compile(rf"^([A-ZÄÖÜ][\w.\-]+(?: [A-ZÄÖÜ][\w.\-]+)?)\s*\(((?:{_AGENCY})(?:[/,][^)]*)?)\)\s*[-–—]\s")
_DATELINE_DOT = re.compile(r"^([A-ZÄÖÜ][a-zäöüß]+(?:[ -][A-ZÄÖÜ][a-zäöüß]+)?)\.\s+(?=[A-ZÄÖÜ])")
_TRAILING_CREDIT = re.compile(rf"\s+\(?((?:{_AGENCY})(?:/[\w-]+)*)\)?\s*$")
# An editor's initials closing the text: "... gegenüber dem Vorjahr. (amo)"
_TRAILING_INITIALS = re.compile(r"\s+\([a-z]{2,4}\)\s*$")
# A credit on a line of its own after the text: "(KNA, DR)", "DPA".
_CREDIT_LINE = re.compile(rf"^\(?((?:{_AGENCY}|{_AGENCY.upper()})(?:[/,]\s*[\w-]+)*)\)?$")
_SIGNATURE = re.compile(r"^([A-Z][\w.\-]*[A-Za-z.])\s*--\s*([A-Z]{2,})$")
_BYLINE = re.compile(r"^(?:Von:?|Ein Beitrag von|Autor(?:in)?:|Text:|Interview:)\s+(.+?)(?:\s+am)?$", re.I)
# Lines around a headline that are not it: credits, translator notes, counters, times.
_NOT_TITLE = re.compile(r"(©|^(übersetzt|foto|bild|quelle|video|audio)\b|/\s*[A-ZÄÖÜ][a-zäöü]+ [A-ZÄÖÜ]|"
                        r"\s\d{1,2}$|:$|\b\d{1,2}[:.]\d{2}\b)", re.I)
# A quote headline ('Leitl: "Wer ... wird"') ends like a sentence but is one line of display type.
_QUOTE_HEADLINE = re.compile(r"^[^.!?]{1,60}:\s*[\"„»«][^.!?]*[.!?]?[\"“»«]$")
# A kicker glued onto the headline: "Kicker : Title" (no space before a colon in print), "Corona-Pandemie - Title",
# a one-word topic "Klimaschutz: Bohren, bis es heiß wird" (zeit.de, autohaus.de, jaegermagazin.de, stol.it);
# not a speaker before a quote ('Barisic: "Dann hau' ich ..."').
_GLUED_KICKER = re.compile(r"^(.{1,60}?) : (?=\S)|^(\S+) [-–] (?=(?:\S+ ){2}\S)"
                           r"|^([A-ZÄÖÜ][\w-]+): (?=[^\"„“»«'‚](?:\S+ ){2}\S)")
_KICKER_SEPARATOR = re.compile(r"\S\s*[:/|]\s*$|\s[-–]\s*$")
_BREADCRUMB = re.compile(r"\s[»›>]\s")
_NAME_END = re.compile(r"(?:^|\s)([A-ZÄÖÜ][a-zäöüß]+ [A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?)$")
# A bio under a picture at the end: "Felix Stalder ist Professor für ..."
_NAME_BIO = re.compile(r"^[A-ZÄÖÜ][a-zäöüß]+(?: [A-ZÄÖÜ][\w-]+){1,2} (?:ist|war|leitet|arbeitet|lebt|schreibt|studierte)\b")
# "Nächste Vorstellungen: 20.10., 17 Uhr, ...": a label and dates or numbers, not a sentence.
_SERVICE_LINE = re.compile(r"^[A-ZÄÖÜ][\w ]{2,30}:\s")

# Boilerplate is classified by the kind of words a block uses, not by known sentences.
# Page furniture: dropped where it stands, the text goes on around it.
_FURNITURE = re.compile(
    r"(lesedauer|lesezeit|textgröße|schriftgröße|vorlesen|\bdrucken\b|\bteilen\b|\bmerken\b|"
    r"foto:|fotos:|bild:|bildquelle|©|\(c\) |copyright|/\s*foto\b|zur startseite|ausklappen|"
    r"min\.\s*$|artikel anhören|link kopieren|quelle:|^quelle$|^tags?:|^kategorien\b|"
    r"instagram|twitter|facebook|whatsapp|pinterest|a post shared by|\.(?:jpe?g|png|gif|webp)\b)", re.I)
# Site notices read like prose but are about the page, not the news.
_SITE_NOTICE = re.compile(r"(cookie|adblocker|werbeblocker|javascript|aktivierungslink|ihre registrierung|"
                          r"ihr(en)? browser|vielen dank für ihre|wir wünschen ihnen|benutzerkonto|"
                          r"unter der lizenz|creative commons|cc-by)", re.I)
# A photo credit marks a caption whatever its length.
_CREDIT = re.compile(rf"\b(Fotos?|Bild|Bildquelle|Bildrechte|Quelle)\s*:|©|\((?:Symbolbild|Symbolfoto|Archivbild)\)|"
                     rf"^(?:{_AGENCY}|picture alliance|imago|Getty Images)\s*/\s*[A-ZÄÖÜ][a-zäöü]+ [A-ZÄÖÜ]")
# Section furniture: it opens what follows the article (teasers, comments, appeals).
_SECTION_CUES = {
    "related": re.compile(r"(könnte sie (auch )?interessier|auch interessant|mehr zum thema|"
                          r"weitere artikel|lesen sie (auch|mehr)|empfohlen|meistgelesen|themen in diesem artikel|"
                          r"schlagw(ö|o)rte|weitere videos|"
                          r"meistkommentiert|meistgeklickt|top-?themen|ähnliche artikel|weiterlesen|"
                          r"weitere (meldungen|nachrichten|beiträge|informationen)|neueste beiträge|"
                          r"nächster beitrag|vorheriger beitrag|mehr lesen)", re.I),
    "comments": re.compile(r"(kommentar(e|en)?\b|kommentieren|leserbrief|diskussion geschlossen|"
                           r"netiquette|community-regeln)", re.I),
    "subscription": re.compile(r"(newsletter|probeabo|\babo\b|abonn|jetzt (testen|lesen|bestellen|"
                               r"sichern)|(gratis|kostenlos) testen|bestellen\b|registrieren|anmelden|login\b|paywall|"
                               r"bezahlschranke|"
                               r"zugang und lesen|digital-zugang)", re.I),
    # The bare word asks for money; compounds ("Spendenaktion") are news.
    "appeal": re.compile(r"(\bspenden?\b|unterstütze\b|unterstützen sie|unterstützung unserer|solidarische finanzierung|"
                         r"zukunftsfähig|(unser(en)?|diesen|unabhängigen) journalismus|helfen sie mit)", re.I),
    # Addressing the reader as "du" marks appeals, but interviews too: it never counts alone.
    "address": re.compile(r"(\bdein(e|er|em|en)?\b|\bdu\b|\bdich\b|\bdir\b)", re.I),
    # Page links name data protection; compounds like "datenschutzrechtlich" are prose.
    "ads": re.compile(r"(\banzeige\b|\bwerbung|sponsored|cookie|\bdatenschutz(erklärung|richtlinie\w*|hinweis\w*)?\b|impressum|"
                      r"alle rechte vorbehalten)", re.I),
}
_SENTENCE_END = re.compile(r"[.!?…\"“”»«')]$")
_INNER_SENTENCE_END = re.compile(r"[.!?] [A-ZÄÖÜ]")
_WORD = re.compile(r"\w+", re.U)
# A run of more than 8 white-space characters inside a line is layout, not text. Shortened to one
# space, it keeps the line patterns linear: one that starts with \s+ costs the square of a run.
_LONG_SPACE = re.compile(r"\s{9,}")

# Thresholds, in words unless named otherwise. A line is prose from PROSE_MIN_WORDS on (with a
# sentence end); headings, furniture and the lines of menus stay at SHORT_LINE_WORDS or below.
PROSE_MIN_WORDS = 12
SHORT_LINE_WORDS = 8
DATE_LINE_MAX_WORDS = 12  # a date line holds a date and at most a byline
TITLE_MAX_WORDS = 40
# Cue words decide a block only at this density, and only in blocks no longer than an appeal or a teaser.
CUE_DENSITY = 1 / 25
CUE_BLOCK_MAX_WORDS = 150
# A block of furniture opens with a short line, or one dense with cues.
BLOCK_OPENER_MAX_WORDS = 25
NOTICE_MAX_WORDS = 60  # site notices, bios: a few sentences at most
CAPTION_MAX_WORDS = 40
SAME_HEADLINE_SHARE = 0.6  # share of the shorter wording's words the longer one repeats
# The lead is pulled in across at most this many metadata lines; a lead has LEAD_MIN_WORDS at least.
HEADER_META_MAX_LINES = 20
LEAD_MIN_WORDS = 10
SHORT_RUN_LINES = 6  # a run of short lines this long ends the article: a menu or a teaser list
# A first stretch of prose shorter than MAIN_TEXT_MIN_WORDS gives way to one MAIN_TEXT_FACTOR times its size.
MAIN_TEXT_MIN_WORDS = 80
MAIN_TEXT_FACTOR = 3

# Cached: the line rules count the same lines again (each about three times), all within a document,
# so a few thousand lines suffice; a bound, since a line of scraped text can be a whole article.
@lru_cache(maxsize=4096)
def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _is_prose(line: str) -> bool:
    # Scraped text is often cut mid-sentence: several full sentences make prose too.
    if _QUOTE_HEADLINE.match(line):
        return False
    return _words(line) >= PROSE_MIN_WORDS and (
        bool(_SENTENCE_END.search(line)) or len(_INNER_SENTENCE_END.findall(line)) >= 2)


# Cached: the body search asks again about the same lines for every candidate start (the costliest
# rule in a worker's profile, benchmarks/stage_costs.py).
@lru_cache(maxsize=20_000)
def _section_cues(line: str) -> frozenset[str]:
    return frozenset(name for name, pattern in _SECTION_CUES.items() if pattern.search(line))


@lru_cache(maxsize=20_000)
def _cue_hits(line: str) -> int:
    return sum(len(p.findall(line)) for name, p in _SECTION_CUES.items() if name != "address")


def _is_heading(line: str) -> bool:
    # "Jetzt gratis testen!": a call to action is set as a heading.
    return _words(line) <= SHORT_LINE_WORDS and not _SENTENCE_END.search(line.rstrip(":!"))


def _is_section_break(line: str, next_line: str = "") -> bool:
    """A line that ends the article: a heading of section furniture (or one opening such a block), or a cue-dense block."""
    heading, words = _is_heading(line), _words(line)
    # Appeals and teasers are paragraphs, not pages: a very long block is the article itself (decided
    # before the cue search, which costs most on the longest lines).
    if not heading and words > CUE_BLOCK_MAX_WORDS:
        return False
    cues = _section_cues(line)
    if heading and (cues - {"address"} or (_opens_block(next_line) and _section_cues(next_line) - {"address"})):
        return True
    # In prose, a cue word or two is normal ("Unterstützung", "Kommentar"): it takes their density.
    if len(cues) < 2 or words > CUE_BLOCK_MAX_WORDS:
        return False
    return _cue_hits(line) / words >= CUE_DENSITY


def _opens_block(line: str) -> bool:
    """A line short or cue-dense enough to be the first item of a block of section furniture."""
    return _words(line) <= BLOCK_OPENER_MAX_WORDS or _cue_hits(line) >= 2


def _is_furniture(line: str) -> bool:
    if not re.search(r"[A-Za-zÄÖÜäöüß]{2}", line):
        return True
    words = _words(line)
    if words <= NOTICE_MAX_WORDS and _SITE_NOTICE.search(line):
        return True
    return ((words <= SHORT_LINE_WORDS and bool(_FURNITURE.search(line)))
            or (words <= CAPTION_MAX_WORDS and bool(_CREDIT.search(line))))


def _split_agency(credit: str) -> tuple[str | None, str | None]:
    """'dpa/nd' -> ('dpa', 'nd'); 'AFP' -> ('AFP', None)."""
    parts = [p.strip() for p in re.split(r"[/,]", credit) if p.strip()]
    agencies = [p for p in parts if _AGENCY_RE.fullmatch(p)]
    others = [p for p in parts if p not in agencies]
    return ("/".join(agencies) or None), (others[0] if others else None)


def _parse_byline(line: str) -> tuple[list[str], str | None, str | None]:
    """'Von Anna Muster und Max Mann, dpa' -> authors, agency, outlet."""
    m = _BYLINE.match(line.strip())
    if not m:
        return [], None, None
    rest = m.group(1)
    agency = None
    credit = re.search(rf"\s*(?:,|mit|/)\s*((?:{_AGENCY})(?:/\w+)?)\s*$", rest)
    if credit:
        agency = _split_agency(credit.group(1))[0]
        rest = rest[:credit.start()]
    names = [n.strip() for n in re.split(r",\s*|\s+und\s+|\s*&\s*", rest) if n.strip()]
    # Bylines set in capitals (VON MORITZ GATHMANN) are names all the same.
    names = [n.title() if n.isupper() else n for n in names]
    authors = [n for n in names if len(n.split()) >= 2 and all(w[:1].isupper() for w in n.split())]
    outlet = next((n for n in names if len(n.split()) == 1 and n[:1].isupper()), None)
    return authors, agency, outlet


def _same_headline(a: str, b: str) -> bool:
    """Two lines that print one headline: with and without a kicker, or in a shorter wording."""
    wa, wb = _WORD.findall(a.lower()), _WORD.findall(b.lower())
    short, long_ = sorted((wa, wb), key=len)
    if len(short) < 3 or len(long_) > 2 * len(short) + 2:
        return False
    return len(set(short) & set(long_)) >= SAME_HEADLINE_SHARE * len(set(short))


def _is_caption(lines: list[str], i: int) -> bool:
    """A short paragraph whose photo credit follows it (a dateline opens the report, never a caption)."""
    following = lines[i + 1] if i + 1 < len(lines) else ""
    return (_words(lines[i]) <= CAPTION_MAX_WORDS and _words(following) <= SHORT_LINE_WORDS
            and bool(_CREDIT.search(following)) and not _DATELINE_AGENCY.match(lines[i]))


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


def _is_date_line(line: str) -> bool:
    return _words(line) <= DATE_LINE_MAX_WORDS and not _is_prose(line) and find_date(line) is not None


def _is_header_meta(line: str) -> bool:
    """What stands between a lead and the text: byline, date, reading time, credits, tags, counters."""
    return _is_furniture(line) or _is_date_line(line) or (_words(line) <= SHORT_LINE_WORDS and not _is_prose(line))


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


def _header_date(line: str) -> FoundDate | None:
    """The date of a date line: what is left beside the date is a byline or nothing."""
    found = find_date(line) if _words(line) <= DATE_LINE_MAX_WORDS else None
    if not found:
        return None
    rest = (line[:found[2]] + line[found[3]:]).strip(" ,|-")
    return found if _words(rest) <= 4 or _BYLINE.match(rest) else None


def _read_header(header: list[str], fields: ArticleFields) -> None:
    """Title, date, byline and outlet from the lines before the body."""
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
    kicker = (kicker or "").strip(" :-–|/")
    fields.kicker = kicker if 0 < _words(kicker) <= KICKER_MAX_WORDS else None
    fields.title = title if _words(title) >= 2 else None


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
    for doc in documents[documents["status"] == "loaded"].itertuples():
        decoded = texts[doc.doc_id]
        try:
            fields = clean_article(decoded.text, decoded.content_type)
        except Exception as error:  # one poison document must not stop its batch
            rejected.append(rejection(doc.doc_id, "clean", error))
            continue
        if not fields["body"].strip():
            rejected.append({"doc_id": doc.doc_id, "stage": "clean", "reason": "no article text",
                             "detail": f"nothing left of {doc.source_path} after boilerplate removal"})
            continue
        if len(fields["body"]) > limits.max_body_chars:
            rejected.append({"doc_id": doc.doc_id, "stage": "clean", "reason": "body too long",
                             "detail": f"{len(fields['body'])} characters, limit {limits.max_body_chars}"})
            continue
        articles.append({"doc_id": doc.doc_id, **fields})
    return pd.DataFrame(articles, columns=ARTICLE_COLUMNS), rejected_frame(rejected)
