"""What one line of scraped text is: prose, heading, furniture, caption, byline, date line; the patterns and thresholds that decide."""
from __future__ import annotations

import re
from functools import lru_cache

from newsetl.transforms.agencies import AGENCIES as AGENCIES_BY_CREDIT
from newsetl.transforms.dates import find_date

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


def _is_date_line(line: str) -> bool:
    return _words(line) <= DATE_LINE_MAX_WORDS and not _is_prose(line) and find_date(line) is not None


def _is_header_meta(line: str) -> bool:
    """What stands between a lead and the text: byline, date, reading time, credits, tags, counters."""
    return _is_furniture(line) or _is_date_line(line) or (_words(line) <= SHORT_LINE_WORDS and not _is_prose(line))
