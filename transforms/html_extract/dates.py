"""Publication day sources of an HTML page; newsetl.transforms.dates parses every date string.

extract_html votes over them in this order (ties go to the earlier source): a date the page
labels as published, JSON-LD datePublished, publication meta tags and microdata, trafilatura's
date, the date printed in a date element, a date near the headline, a date in the URL, other
metadata dates; with no source at all, any date in the text. When the page prints its declared
update day as its date, declared publication days against it do not vote.
"""
from __future__ import annotations

import datetime as dt
import re

from newsetl.transforms.dates import find_day
from newsetl.transforms.html_extract.page import COMMENT_ANCESTOR, norm

_DATE_XPATH = ('//body//time | //body//*[@itemprop="datePublished"] | //body//*[contains(@class, "date") '
               'or contains(@class, "datum") or contains(@class, "timestamp") '
               'or contains(@class, "posted") or contains(@class, "published") or contains(@class, "byline")]'
               '[not(self::meta)]')
_HIDDEN = 'ancestor-or-self::*[contains(translate(@style, " ", ""), "display:none")]'
_MICRODATA_PUBLISHED = '//body//*[@itemprop="datePublished"]/@*[name()="datetime" or name()="content"]'
_PUB_LABEL = re.compile(r"\b(?:erschienen|veröffentlicht|publiziert|erstellt)(?: am)?\s*:?\s*(?=\d)", re.I)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
_URL_DMY = re.compile(r"/(\d{1,2})-(\d{1,2})-((?:19|20)\d{2})(?:\.\w+)?/?$")
# A weekday and a day above the headline is the site's "today" line, the day the page was fetched, not
# the article's (stol.it, swim.de, guten-tach.de; above the headline of boxen1.com, n-land.de, volksblatt.at
# only when fetched on the day of publication).
_TODAY_LINE = re.compile(r"\b(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag),?\s+(?:den\s+)?"
                         r"\d{1,2}\.\s*(?:\d{1,2}\.\s*|[^\W\d]+\.?\s+)\d{4}\b")
_DATE_META = ("pubdate", "publishdate", "publish-date", "date", "dc.date.issued", "dc.date", "dcterms.date",
              "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published")


def parse_day(text: str | None) -> dt.date | None:
    """A calendar day from an ISO, German, slashed or spelled date (newsetl.transforms.dates, day precision only)."""
    return find_day(text)


def headline(tree) -> str:
    """The text of the page's first non-empty <h1>."""
    return norm(tree.xpath("string((//body//h1[normalize-space()])[1])"))


def visible_date(tree) -> dt.date | None:
    """The first date printed in a byline or date element of the page, as readers see it."""
    elements = tree.xpath(_DATE_XPATH)
    headline = tree.xpath("(//body//h1[normalize-space()])[1]")
    if headline and elements:
        # Dates printed after the headline first: a list of dates above it is a ticker or teasers.
        h1 = headline[0]
        wanted, before = {id(el) for el in elements}, set()
        for el in tree.iter():
            if el is h1:
                break
            if id(el) in wanted:
                before.add(id(el))
        elements.sort(key=lambda el: id(el) in before)
    # A date in one of several dated items of a list belongs to a list of events, threads or teasers.
    items = {id(el): next(iter(el.xpath("ancestor::li[1]")), None) for el in elements}
    dated_items: dict = {}
    for item in (i for i in items.values() if i is not None):
        dated_items.setdefault(item.getparent(), set()).add(item)
    for el in elements:
        item = items[id(el)]
        if item is not None and len(dated_items[item.getparent()]) > 1:
            continue
        # A hidden block (microdata kept for machines, display:none) is not what readers see.
        if el.get("itemprop") == "dateModified" or el.xpath(
                COMMENT_ANCESTOR + " | ancestor::aside | " + _HIDDEN):
            continue
        text = norm(" ".join(el.itertext()))
        day = parse_day(text) if len(text) < 200 else None
        if day is None and el.tag == "time":
            day = parse_day(el.get("datetime"))
        if day:
            return day
    return None


def date_near_headline(text: str, title: str | None) -> dt.date | None:
    """A date printed within a few lines after the headline (dateline rows without date markup)."""
    start = text.find(title) if title else -1
    return parse_day(text[start + len(title):start + len(title) + 400]) if start >= 0 else None


def labelled_date(text: str) -> dt.date | None:
    """A date the page itself calls the publication date ("Erschienen am: 01.11.2023")."""
    m = _PUB_LABEL.search(text)
    return parse_day(text[m.end():m.end() + 40]) if m else None


def url_date(url: str | None) -> dt.date | None:
    """A year/month/day path ("/2020/01/31/") or a day-month-year last segment ("/meldungen/29-10-2021").

    Right on globalvoices.org, wordpress.com blogs, dobszay.ch, happyface313.com.
    """
    m = _URL_DATE.search(url or "")
    if m:
        return parse_day("-".join(m.groups()))
    m = _URL_DMY.search(url or "")
    return parse_day(f"{m.group(3)}-{m.group(2)}-{m.group(1)}") if m else None


def first_day(*values) -> dt.date | None:
    """The day of the first value that parses."""
    return next((d for d in (parse_day(v) for v in values if isinstance(v, str)) if d), None)


def ld_published(article: dict) -> dt.date | None:
    """JSON-LD datePublished (dateCreated failing it) of the article object."""
    return first_day(article.get("datePublished"), article.get("dateCreated"))


def meta_published(meta: dict, tree) -> dt.date | None:
    """The declared publication stamp: article:published_time and its kin, microdata datePublished."""
    return first_day(meta.get("article:published_time"), meta.get("og:article:published_time"),
                     meta.get("datepublished"), *tree.xpath(_MICRODATA_PUBLISHED)[:1])


def modified_day(article: dict, meta: dict) -> dt.date | None:
    """The declared day of the last change: JSON-LD dateModified, article:modified_time, og:updated_time."""
    return first_day(article.get("dateModified"), meta.get("article:modified_time"), meta.get("og:updated_time"))


def meta_date(meta: dict) -> dt.date | None:
    """Other metadata dates (<meta name="date">, DC.date, ...): often the last change, so they vote last.

    Right on deutschlandfunk.de, focus.de, mdr.de, stern.de, vinosytapas.de; a later day on tagblatt.ch, zeit.de.
    """
    return first_day(*(meta.get(k) for k in _DATE_META))


def vote(days: list[dt.date | None]) -> dt.date | None:
    """The day most sources name; ties go to the earlier (more reliable) source."""
    # Each source may be wrong alone (a modified stamp, a teaser's date, a template's default): they vote.
    named = [d for d in days if d]
    return max(named, key=named.count) if named else None


def any_date(text: str, headline: str | None = None) -> dt.date | None:
    """With no source at all, the first date in the page's text, the site's "today" line left out.

    htmldate's extensive search costs seconds a page; this costs one scan.
    """
    cut = text.find(headline) if headline else -1
    if cut > 0:
        text = _TODAY_LINE.sub(" ", text[:cut]) + text[cut:]
    return parse_day(text)
