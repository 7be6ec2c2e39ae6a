"""HTML article extraction: trafilatura for the body, page metadata and German bylines for the rest."""

from __future__ import annotations

import datetime as dt
import json
import re
from difflib import SequenceMatcher
from functools import lru_cache
from urllib.parse import urlsplit

from trafilatura import bare_extraction
from trafilatura.utils import load_html
from lxml import etree

from transforms.agencies import AGENCIES
from transforms.dates import find_day

_AGENCY_ALT = "|".join(sorted((re.escape(a) for a in AGENCIES), key=len, reverse=True))
# "(dpa)", "(dpa/lno)", "(AFP/dpa)" directly after a place name at the start of the body.
_DATELINE = re.compile(
    rf"^\s*([A-ZÄÖÜ][\w.\-'/ ]{{0,40}}?)\s*\(((?:{_AGENCY_ALT})(?:\s*/\s*\w+)*)\)\s*[-–—:.]?\s*", re.I)
_CREDIT = re.compile(rf"(?:^|[\s(\[/,;:|©])({_AGENCY_ALT})(?=$|[\s)\]/,;.|])", re.I)
_AGENCY_PAREN = re.compile(rf"\((?:{_AGENCY_ALT})\b[^)]*\)", re.I)
_CREDIT_LINE = re.compile(rf"^[\s(\[]*(?:(?:Quelle|Mit Material von|Text)\s*:?\s*)?"
                          rf"((?:{_AGENCY_ALT})(?:\s*[/,]\s*(?:\w+|{_AGENCY_ALT}))*)[\s)\].]*$", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:;|,|&|\bund\b|\band\b|/|\bim Gespräch mit\b)\s*")
_PERSON = re.compile(r"^(?:(?:Dr|Prof|Dipl)\.[\w.\-]*\s+)*[A-ZÄÖÜ][\w'\-]*\.?"
                     r"(?:\s+(?:(?:von|van|de|der|zu|di|da|le)\s+)*[A-ZÄÖÜ][\w'\-]*\.?){1,3}$")
_FIRST_NAME = re.compile(r"^[A-ZÄÖÜ][a-zäöüß\-]{2,}$")
# "Redaktion" is a role only as a label ("Redaktion: Anna Muster"); "Redaktion Polizeiticker" names the desk.
_ROLE_PREFIX = re.compile(r"^(?:(?:von|by|text|autor(?:in)?|redaktion(?=\s*(?::|$))|interview|zum profil von|"
                          r"alles von|(?:ein |alle )?(?:bericht|kommentar|artikel|beiträge|beitrag)(?: von)?|"
                          r"(?:verfasst|geschrieben|veröffentlicht|erstellt|posted|written) (?:von|by)|"
                          r"gastautor(?:in)?|[\w\-]*experte|[\w\-]*expertin|rechtsanwalt|rechtsanwältin|"
                          r"redakteur(?:in)?|reporter(?:in)?)\b\s*:?\s*)+", re.I)
# The first name may be an initial ("Von R. R. am ...").
_LABELLED = re.compile(r"^[^\w(]*(?:(?:Ein|Eine)\s+(?:Artikel|Beitrag|Bericht|Kommentar|Gastbeitrag|Reportage|"
                       r"Analyse)\s+von|[Vv]on|VON|Autor(?:in)?:|Autoren:?|Redaktion:|Text:|"
                       r"(?:Verfasst|Geschrieben|Veröffentlicht|Erstellt) von|Posted by|Written by)\s+"
                       r"((?:(?:Dr|Prof)\.\s+)*[A-ZÄÖÜ](?:[\w'\-]+|\.)(?:\s+[A-ZÄÖÜ][\w'\-.]+){1,3}"
                       r"(?:\s*(?:,|und|&)\s*[A-ZÄÖÜ][\w'\-]+(?:\s+[A-ZÄÖÜ][\w'\-.]+){1,3})*)")
_LABEL_XPATH = ('//body//text()[contains(., "von ") or contains(., "Von ") or contains(., "VON ") '
                'or contains(., "Autor") or contains(., "Redaktion:") or contains(., "Text:") '
                'or contains(., " by ")]')
# A text node that is only a byline label ("von", "Autor:", "Verfasst von:"): the name is the next text.
_LABEL_ONLY = re.compile(r"^[^\w(]*(?:von|by|autor(?:in|en)?|verfasst von|geschrieben von|posted by|written by)\s*:?$",
                         re.I)
# A meta row "04.02.2022 | 13:10 Uhr | Uta Helkenberg" or "06.11.2023 13:30 von Olga": the name after the
# date and time; after "von" a first name alone is a byline too.
_DATED_NAME = re.compile(r"^\d{1,2}\.\s?\d{1,2}\.\s?\d{4}(?:\s*[|,]?\s*\d{1,2}:\d{2}(?:\s*Uhr)?)?"
                         r"\s*(?:[|–—-]|(von))\s*([A-ZÄÖÜ][^|–—\d]{3,45})$")
_HANDLE = re.compile(r"^[^\W\d_][\w.\-]{2,29}$")
_NOT_HANDLE = {"der", "die", "das", "den", "dem", "des", "uns", "mir", "dir", "ihm", "ihr", "ihnen", "einem",
               "einer", "redaktion", "admin", "administrator", "unbekannt", "gast", "anonym"}
_AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "twitter:creator")
# "node__author", "post-meta__author": a BEM element named author, as Drupal and many themes write it.
_BYLINE_XPATH = ('//body//*[@rel="author" or @itemprop="author" or contains(@class, "byline") '
                 'or contains(@class, "author-name") or contains(@class, "authorname") '
                 'or contains(concat(@class, " "), "__author ") '
                 'or contains(@href, "/autor/") or contains(@href, "/author/") or contains(@href, "/autoren/")]')
_COMMENT_ANCESTOR = ('ancestor-or-self::*[contains(@class, "comment") or contains(@id, "comment") '
                     'or self::footer or self::nav]')
# Bylines may sit in an article's own footer ("Posted by ... at 18:52"), not in the page's footer.
_BYLINE_SKIP = ('ancestor-or-self::*[contains(@class, "comment") or contains(@id, "comment") or self::nav '
                'or self::footer[not(ancestor::article) and not(contains(@class, "post") or contains(@class, "entry"))]]')
_LABEL_SKIP = (_BYLINE_SKIP + ' | ancestor-or-self::*[position() <= 2][contains(@class, "button") or contains(@class, "menu") '
               'or self::button or self::form or self::select or self::label]')
# Forums (phpBB, XenForo) print posters' names with a "username" class: the first one is the thread starter.
_USERNAME_XPATH = '//body//*[contains(concat(" ", normalize-space(@class), " "), " username ")]'
# CMSs (Drupal) mark the authors of other articles' teasers alike.
_USERNAME_SKIP = _BYLINE_SKIP + ' | ancestor::aside | ancestor::*[contains(@class, "teaser")]'
# WordPress marks the post author's own comments "bypostauthor" and puts the author's login in the class.
_POST_AUTHOR_XPATH = '(//body//*[contains(concat(" ", normalize-space(@class), " "), " bypostauthor ")])[1]/@class'
_POST_AUTHOR_LOGIN = re.compile(r"\bcomment-author-([\w.\-]+)")
_USER = "user"  # a source's kind for user names: kept as printed, neither split nor held to a person's shape
# A speech's title names its speaker, the text's author ("Rede von Bundespräsident Johannes Rau beim ...").
_SPEECH_TITLE = re.compile(r"^(?:Rede|Festrede|Ansprache|[\w-]*ansprache|Grußwort|Predigt|Laudatio)\s+(?:von|des|der)\s+"
                           r"([A-ZÄÖÜ][\w.\-]*(?:\s+[A-ZÄÖÜ][\w.\-]*){0,4})"
                           r"(?=\s+(?:beim|bei|zum|zur|zu|auf|an|am|im|in|vor|anlässlich)\s|\s*[:,–—-]|$)")
# Offices before a speaker's name ("Bundespräsident", "Ministerpräsidentin", "Landesbischof").
_OFFICE = re.compile(r"^\w*(?:präsident|kanzler|minister|sekretär|meister|bischof|senator|direktor|vorsitzende|"
                     r"beauftragte|botschafter|kardinal|papst)(?:in|en|n|s)?$", re.I)
_NOT_A_NAME = re.compile(r"https?:|www\.|@|#|\d{3}|\b(?:gmbh|ag|e\.v|verlag|admin|wordpressadmin|name|publisher|"
                         r"author|autor|datum|https?|germany|deutschland|posts?)\b", re.I)
_STRONG_SEP = re.compile(r"\s+(?:[|»›•⋆│/]|::|:)\s+")
_TITLE_SEP = re.compile(r"\s+(?:[|\-–—·•»›⋆│~]|::)\s+")
_KICKER_CLASS = re.compile(r"kicker|dachzeile|overline|topline|roofline|eyebrow|pretitle|supertitle|spitzmarke", re.I)
_LEAD_XPATH = ('//body//*[contains(@class, "lead") or contains(@class, "intro") or contains(@class, "excerpt") '
               'or contains(@class, "abstract") or contains(@class, "standfirst") or contains(@class, "vorspann")]')
_LEAD_CLASS = re.compile(r"(?:^|[\s_-])(?:lead|intro|excerpt|abstract|standfirst|vorspann)(?:$|[\s_-])", re.I)
# "timedata": TYPO3's news extension ("news-single-timedata"), common on German sites.
_DATE_XPATH = ('//body//time | //body//*[@itemprop="datePublished"] | //body//*[contains(@class, "date") '
               'or contains(@class, "datum") or contains(@class, "timedata") or contains(@class, "timestamp") '
               'or contains(@class, "posted") or contains(@class, "published") or contains(@class, "byline")]'
               '[not(self::meta)]')
_HIDDEN = 'ancestor-or-self::*[contains(translate(@style, " ", ""), "display:none")]'
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none")
_MICRODATA_PUBLISHED = '//body//*[@itemprop="datePublished"]/@*[name()="datetime" or name()="content"]'
_PUB_LABEL = re.compile(r"\b(?:erschienen|veröffentlicht|publiziert|erstellt)(?: am)?\s*:?\s*(?=\d)", re.I)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
_URL_DMY = re.compile(r"/(\d{1,2})-(\d{1,2})-((?:19|20)\d{2})(?:\.\w+)?/?$")
_DATE_META = ("pubdate", "publishdate", "publish-date", "date", "dc.date.issued", "dc.date", "dcterms.date",
              "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published")
_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle", "report",
                  "analysisnewsarticle", "opinionnewsarticle", "webpage", "scholarlyarticle",
                  "techarticle", "liveblogposting", "posting", "socialmediaposting"}
# Short lines that open a block of links to other articles, contacts or sources: cut them and what follows.
_RELATED_HEAD = re.compile(
    r"^(?:auch interessant|das könnte (?:sie|dich) auch interessieren|lesen sie (?:auch|mehr|hier)|"
    r"mehr (?:zum thema|dazu|aus)|weitere (?:informationen|infos|artikel|beiträge|links|nachrichten|themen|news)|"
    r"weiterführende|zum weiterlesen|schon gelesen|verwandte (?:artikel|themen)|ähnliche (?:artikel|beiträge)|"
    r"meist[- ]?(?:gelesen|diskutiert|kommentiert)|beiträge aus dem forum|vorschau auf den nächsten|"
    r"kontakt\b|ansprechpartner(?:in)?\b|quellen(?:angaben)?\b|zusatzinformationen|über diese reihe|top[- ]themen|"
    r"auch (?:auf|bei) |auch lesen)(?:[^.!?]|\.\w){0,60}[?:!]?$", re.I)
_BOILER_LINE = re.compile(
    r"^(?:(?:foto|fotos|bild|bilder|titelbild|quelle|grafik|video|symbolbild)\s*:|©|\(c\)|copyright\b|"
    r"(?:anzeige|werbung)\b|teilen\b.{0,30}$|sie sind (?:aktuell )?nicht eingeloggt|"
    r"(?:gefällt|unterstütze|jetzt)\b.{0,60}(?:abonnieren|unterstützen|newsletter|magazin|\w+mag)\b.{0,20}$)"
    r"|^.{0,120}\bnewsletter\b.{0,120}$", re.I)


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def _meta(tree) -> dict[str, str]:
    """First content of each <meta name|property|itemprop>, keys lower-cased."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = _norm(el.get("content"))
        if key and value and key not in found:
            found[key] = value
    return found


def _json_ld(tree) -> list[dict]:
    """All JSON-LD objects of the page, @graph members flattened."""
    objects: list[dict] = []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            objects.append(node)
            walk(node.get("@graph"))

    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            walk(json.loads(script.text or "", strict=False))
        except ValueError:
            continue
    return objects


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type") or []
    return {str(k).lower() for k in (kind if isinstance(kind, list) else [kind])}


def _ld_article(objects: list[dict]) -> dict:
    """The JSON-LD object describing the article, article types before plain web pages."""
    ranked = [o for o in objects if _types(o) & _ARTICLE_TYPES]
    ranked.sort(key=lambda o: "webpage" in _types(o))
    return ranked[0] if ranked else {}


def _ld_names(value, ids: dict | None = None) -> list[tuple[str, bool]]:
    """(name, is_person) pairs of a JSON-LD author/publisher value, @id references resolved."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str) and ids:
            item = ids.get(item["@id"], item)
        if isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, str) and name.strip():
                names.append((_norm(name), "organization" not in _types(item)))
        elif isinstance(item, str) and item.strip():
            names.append((_norm(item), True))
    return names


def _hostname_words(url: str | None) -> set[str]:
    """Distinctive parts of the host name, and the host itself without www, as _key strings."""
    host = (urlsplit(url or "").hostname or "").removeprefix("www.")
    words = {p for p in re.split(r"[.\-]", host) if len(p) > 2 and p not in {"com", "net", "org"}}
    return words | {_key(host), _key(host.split(".")[0])} - {""}


def _is_site_name(part: str, site_names: list[str], host_words: set[str]) -> bool:
    """True when a title segment names the site rather than the article."""
    key = _key(part)
    if not key:
        return True
    for name in site_names:
        other = _key(name)
        if other and (key == other or (len(key) > 3 and key in other)
                      or (len(other) > 3 and other in key and len(key) <= len(other) + 12)):
            return True
    return any(word in key and len(key) <= len(word) + 12 for word in host_words)


def _strip_site(title: str, site_names: list[str], host_words: set[str]) -> str:
    """Drop leading or trailing title segments that carry the site name."""
    parts, seps = _TITLE_SEP.split(title), _TITLE_SEP.findall(title)
    lo, hi = 0, len(parts)
    while hi - lo > 1 and _is_site_name(parts[hi - 1], site_names, host_words):
        hi -= 1
    while hi - lo > 1 and _is_site_name(parts[lo], site_names, host_words):
        lo += 1
    if hi - lo > 1 and "|" in seps[hi - 2] and len(parts[hi - 1].split()) <= 3 and len(parts[lo].split()) >= 4:
        hi -= 1  # "Headline | Section" where the section is not the site's name
    return (parts[lo] + "".join(seps[i - 1] + parts[i] for i in range(lo + 1, hi))).strip(" -|:")


def _pieces(el) -> list[str]:
    """Texts of a heading's parts (own text, each child, each tail), descending through a lone wrapper."""
    while len(el) == 1 and not _norm(el.text) and not _norm(el[0].tail):
        el = el[0]
    parts = [el.text]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in ("script", "style"):
            parts.append(" ".join(child.itertext()))
        parts.append(child.tail)
    return [p for p in (_norm(x) for x in parts) if re.search(r"\w", p or "")]


def _has_kicker(el, pieces: list[str]) -> bool:
    """True when the heading opens with a short kicker (Dachzeile) in an element of its own."""
    while len(el) == 1 and not _norm(el.text) and not _norm(el[0].tail):
        el = el[0]
    if len(pieces) < 2 or len(pieces[0].split()) > 6 or _norm(el.text) or not len(el):
        return False
    first = el[0]
    follower = first.getnext()
    return (first.tag == "small" or (follower is not None and follower.tag == "br")
            or bool(_KICKER_CLASS.search(first.get("class") or "")))


def _headings(tree) -> list[tuple[str, str, list[str]]]:
    """(full text, text without kicker, parts) of h1/h2/headline elements outside navigation and footers."""
    found = []
    for el in tree.xpath('//h1 | //h2 | //*[@itemprop="headline"]'):
        if el.xpath("ancestor::nav or ancestor::footer or ancestor::aside"):
            continue
        pieces = _pieces(el)
        full = _norm(" ".join(pieces)).replace("\xad", "")
        if not 3 <= len(full) <= 300:
            continue
        rest = (" ".join(pieces[1:]) if _has_kicker(el, pieces) else "") or full
        parts = [p.replace("\xad", "") for p in pieces if len(pieces) > 1 and len(p.split()) >= 2]
        found.append((full, _norm(rest).lstrip(":–- ").replace("\xad", ""), parts))
    return found


def _similar(a: str, b: str) -> float:
    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    matcher = SequenceMatcher(None, ka, kb, autojunk=False)
    # The cheap upper bounds skip most pairs before the costly exact ratio.
    return matcher.ratio() if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 else 0.0


def _title(tree, meta: dict, article: dict, doc_title: str | None, first_line: str | None,
           site_names: list[str], host_words: set[str]) -> str | None:
    """The headline: the page's h1 when it agrees with the metadata title, else that title unsuffixed."""
    title_el = tree.find(".//title")
    declared = [_norm(r) for r in (
        meta.get("og:title"), article.get("headline") if isinstance(article.get("headline"), str) else None,
        meta.get("twitter:title"), title_el.text_content() if title_el is not None else None) if _norm(r)]
    site_names = list(site_names)
    raw = []
    for title in declared:
        parts = [p for p in _STRONG_SEP.split(title) if p.strip()]
        if len(parts) > 1:
            # "Site » Section » Headline": the longest part is the headline, the others name the site.
            longest = max(parts, key=len)
            site_names += [p for p in parts if p is not longest]
            raw.append(longest)
        raw.append(title)
    candidates = [_strip_site(r, site_names, host_words) or r for r in raw]
    candidates = [t for t in candidates if not _is_site_name(t, site_names, host_words)] or candidates
    candidates = list(dict.fromkeys(candidates))
    # trafilatura's title is often the first h1 (a logo): it counts for less than the page's own.
    weights = {c: 1.0 for c in candidates}
    if _norm(doc_title) and _norm(doc_title) not in weights:
        weights[_norm(doc_title)] = 0.9
        candidates.append(_norm(doc_title))
    heads = [h for h in _headings(tree) if not _is_site_name(h[0], site_names, host_words)]
    best, best_rank = None, (0.0, 0, 0)
    for full, headline, parts in heads:
        # The headline may be one part of a heading that also holds a kicker, date or section label.
        for variant, kind in ((headline, 2), *((p, 1) for p in parts)):
            for cand in candidates:
                score = _similar(variant, cand)
                if kind == 2:
                    score = max(score, _similar(full, cand))
                if _key(variant) and _key(variant) in _key(cand) and 2 * len(variant) >= len(cand):
                    score = max(score, 0.9)  # the metadata title adds a kicker or a site name
                score *= weights[cand]
                # Among near-exact matches a whole heading beats a part, then the longer wins (not a logo).
                rank = (round(score, 1) if score >= 0.95 else score, kind, len(variant))
                if rank > best_rank:
                    best, best_rank = variant, rank
    best_score = best_rank[0]
    if best is not None and best_score >= 0.6:
        return best
    for full, headline, _ in heads:
        if first_line and len(headline.split()) >= 3 and _key(first_line) in (_key(full), _key(headline)):
            return headline  # no metadata title agrees: the heading that opens the main text
    return candidates[0] if candidates else None


def _parse_date(text: str | None) -> dt.date | None:
    """A calendar day from an ISO, German, slashed or spelled date (transforms.dates, day precision only)."""
    return find_day(text)


def _short_date(text: str) -> dt.date | None:
    """A day written with a two-digit year ("28.09.19"), as forums and comment lists print it."""
    return find_day(text, ("short_year",))


def _visible_date(tree) -> dt.date | None:
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
                _COMMENT_ANCESTOR + " | ancestor::aside | ancestor::header[not(.//h1)] | " + _HIDDEN):
            continue
        text = _norm(" ".join(el.itertext()))
        day = _parse_date(text) if len(text) < 200 else None
        if day is None and el.tag == "time":
            day = _parse_date(el.get("datetime"))
        if day:
            return day
    return None


def _date_near_headline(text: str, title: str | None) -> dt.date | None:
    """A date printed within a few lines after the headline (dateline rows without date markup)."""
    start = text.find(title) if title else -1
    return _parse_date(text[start + len(title):start + len(title) + 400]) if start >= 0 else None


def _labelled_date(text: str) -> dt.date | None:
    """A date the page itself calls the publication date ("Erschienen am: 01.11.2023")."""
    m = _PUB_LABEL.search(text)
    return _parse_date(text[m.end():m.end() + 40]) if m else None


def _url_date(url: str | None) -> dt.date | None:
    """A year/month/day path ("/2020/01/31/") or a day-month-year last segment ("/meldungen/29-10-2021")."""
    m = _URL_DATE.search(url or "")
    if m:
        return _parse_date("-".join(m.groups()))
    m = _URL_DMY.search(url or "")
    return _parse_date(f"{m.group(3)}-{m.group(2)}-{m.group(1)}") if m else None


def _first_date(*values) -> dt.date | None:
    """The day of the first value that parses."""
    return next((d for d in (_parse_date(v) for v in values if isinstance(v, str)) if d), None)


def _published(tree, text_nodes: list, meta: dict, article: dict, url: str | None, doc_date: str | None,
               title: str | None) -> dt.date | None:
    """Publication day: the day most sources name; ties go to the more reliable source."""
    # The readable text only (_text_nodes): a script's comment ("erstellt 07.08.11") is no label.
    text = _norm(" ".join(t for t, _ in text_nodes if t.strip()))
    # Each source may be wrong alone (a modified stamp, a teaser's date, a template's default): they vote.
    declared = (
        _first_date(article.get("datePublished"), article.get("dateCreated")),
        _first_date(meta.get("article:published_time"), meta.get("og:article:published_time"),
                    meta.get("datepublished"), *tree.xpath(_MICRODATA_PUBLISHED)[:1]),
        _first_date(*(meta.get(k) for k in _DATE_META)),
    )
    # trafilatura reads the same meta tags: its day is no second vote for a day they already name.
    found = _parse_date(doc_date)
    days = [d for d in (
        _labelled_date(text),
        *declared[:2],
        None if found in declared else found,
        _visible_date(tree),
        _date_near_headline(text, title),
        _url_date(url),
        declared[2],
    ) if d]
    # No source at all: any date in the page's text (htmldate's extensive search costs seconds a page).
    return max(days, key=days.count) if days else _parse_date(text) or _short_date(text)


def _agency_of(text: str) -> str | None:
    m = _CREDIT.search(text)
    return AGENCIES[m.group(1).lower()] if m else None


def _split_names(text: str) -> list[str]:
    return [n for n in (_norm(p) for p in _NAME_SPLIT.split(text)) if n]


def _person_shaped(name: str, single_ok: bool = False) -> bool:
    """Two to four capitalised words (one in author markup), titles and particles allowed."""
    return bool(_PERSON.match(name) or (single_ok and _FIRST_NAME.match(name))) and len(name) <= 50


def _clean_name(name: str) -> str:
    # Drop a role in brackets and what follows a separator or a photo credit on the same line.
    name = _norm(re.sub(r"\(.*$|\s*[|•].*$|\s+(?:Foto|Fotos|Bild|Bilder|Quelle)\b.*$", "", name)).strip(" ,.:-")
    # A bare role ("Redaktion") is the credit itself; a name printed twice ("jesusfreak jesusfreak",
    # "© Kathrin Führes Kathrin Führes": an author photo's credit, then the name) once.
    name = _norm(_ROLE_PREFIX.sub("", name.lstrip("© "))).strip(" ,.:-") or name
    name = re.sub(r"(\s[A-ZÄÖÜ])$", r"\1.", name)  # a closing initial keeps its dot ("R. R.")
    return re.sub(r"^(.{3,}?)(?:\s+\1)+$", r"\1", name)


def _dom_bylines(tree, text_nodes: list) -> list[str]:
    """Author names from byline markup and labelled lines ("Von ...", "Autor: ...") in the page."""
    found: list[str] = []
    for el in tree.xpath(_BYLINE_XPATH):
        if el.xpath(_BYLINE_SKIP):
            continue
        text = _norm(" ".join(el.itertext()))
        if 2 < len(text) < 80:
            found += [n for n in _split_names(_clean_name(text)) if _person_shaped(n, single_ok=True)]
        if found:
            return found
    for node in tree.xpath(_LABEL_XPATH):
        el = node.getparent()
        # The name may follow the label element ("<h5>Autor:</h5> Peter Maahn").
        text = _norm(" ".join(el.itertext()) + " " + (el.tail or ""))
        m = _LABELLED.match(text) if len(text) < 120 else None
        if m and not el.xpath(_BYLINE_SKIP):
            names = [n for n in _split_names(_clean_name(m.group(1))) if _person_shaped(n)]
            if names:
                return names
    return _label_next(text_nodes)


def _text_nodes(tree):
    """(text, owner element) of every text node under <body> in document order, scripts and hidden blocks skipped."""
    body = tree.find("body")
    if body is None:
        return
    walker = etree.iterwalk(body, events=("start", "end"))
    for event, el in walker:
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript"):
            if event == "end" and el.tail:
                yield el.tail, el.getparent()
            continue
        if event == "start" and _HIDDEN_STYLE.search(el.get("style") or ""):
            walker.skip_subtree()  # display:none, e.g. microdata kept for machines: readers never see it
        elif event == "start" and el.text:
            yield el.text, el
        elif event == "end" and el.tail and el is not body:
            yield el.tail, el.getparent()


def _label_next(text_nodes: list) -> list[str]:
    """The name printed right after a text node that is only a byline label ("von" <a>Kathrin</a>)."""
    label, dated = None, None
    for text, owner in text_nodes:
        text = _norm(text)
        if not text:
            continue
        if label is not None:
            if _ROLE_PREFIX.sub("", text + " ").strip(" :") == "":
                continue  # "Autor:" <a>Rechtsanwalt</a> Sebastian Einbock: the name comes after the role
            label, owner_label = None, label
            if len(text) < 60 and not owner.xpath(_LABEL_SKIP) and not owner_label.xpath(_LABEL_SKIP):
                name = _clean_name(text)
                names = [n for n in _split_names(name) if _person_shaped(n)]
                if names and not any(_NOT_A_NAME.search(n) for n in names):
                    return names
                if _HANDLE.match(name) and name.lower() not in _NOT_HANDLE and not _NOT_A_NAME.search(name.rstrip("0123456789")):
                    return [name]  # a user name ("freeman1984")
        if len(text) < 25 and _LABEL_ONLY.match(text):
            label = owner
        elif dated is None and len(text) < 80 and _DATED_NAME.match(text) and not owner.xpath(_LABEL_SKIP):
            after_von, name = _DATED_NAME.match(text).groups()
            if _person_shaped(name, single_ok=bool(after_von)) and not _NOT_A_NAME.search(name):
                dated = [name]
    return dated or []


def _user_names(tree) -> list[str]:
    """The first user name ("username" markup) outside comments, navigation and teasers."""
    for el in tree.xpath(_USERNAME_XPATH):
        name = _norm(" ".join(el.itertext()))
        if 2 < len(name) <= 30 and not el.xpath(_USERNAME_SKIP):
            return [name]
    return []


def _post_author_login(tree) -> list[str]:
    """The login of a WordPress post's author, named in the class of the author's own comments."""
    m = _POST_AUTHOR_LOGIN.search(next(iter(tree.xpath(_POST_AUTHOR_XPATH)), ""))
    return [m.group(1)] if m else []


def _speaker(title: str | None) -> list[str]:
    """The speaker a speech's title names, offices dropped; nothing for other titles."""
    m = _SPEECH_TITLE.match(title or "")
    words = m.group(1).split() if m else []
    while words and _OFFICE.match(words[0]):
        words.pop(0)
    name = " ".join(words)
    return [name] if len(words) >= 2 and _person_shaped(name) else []


def _credits(sources, site_names: list[str], host_words: set[str]) -> tuple[list[str], str | None]:
    """Person authors and agency from the first source (a callable) naming any; else the first site or organisation."""
    sites = {_key(n) for n in site_names} | host_words
    fallback: list[str] = []
    for source in sources:
        authors, others, agency = [], [], None
        for name, is_person in source():
            if "://" in name:
                continue  # a profile link, not a name
            parts = [_clean_name(p) for p in (_split_names(name) if is_person is True else [name])]
            credits = [p for p in parts if p.lower() in AGENCIES or _CREDIT_LINE.match(p)]
            agency = agency or next((_agency_of(p) for p in credits), None)
            names = [p for p in parts if p and p not in credits and not _NOT_A_NAME.search(p.rstrip("0123456789"))]
            # One part that names no person ("Landesanstalt für Wald und Forst") makes the whole an organisation.
            # A user name may be the site's name: bloggers often name their blog after themselves.
            if is_person is _USER or (is_person and all(_person_shaped(p, single_ok=True) and _key(p) not in sites
                                                        for p in names)):
                authors += [p for p in names if p not in authors]
            else:
                others += [p for p in names if p not in others]
        if authors or agency:
            return authors, agency
        fallback = fallback or others
    return fallback, None


def _printed_coauthors(tree, authors: list[str]) -> list[str]:
    """The printed byline when it lists the metadata's authors and more ("A, B & C" where the metadata says A)."""
    if not authors or len(authors) > 3:
        return authors
    wanted = {_key(a) for a in authors}
    for node in tree.xpath("//body//text()[contains(., $name)]", name=authors[0])[:5]:
        el = node.getparent()
        for _ in range(3):
            if el is None or el.tag in ("body", "html"):
                break
            text = _norm(" ".join(el.itertext()))
            if len(text) > 150:
                break
            names = _split_names(_clean_name(text))
            if (len(names) > len(authors) and all(_person_shaped(n) and not _NOT_A_NAME.search(n) for n in names)
                    and wanted <= {_key(n) for n in names} and not el.xpath(_COMMENT_ANCESTOR)):
                return names
            el = el.getparent()
    return authors


def _lead(tree) -> str | None:
    """The standfirst: lead/intro markup or the paragraph right after the h1 (trafilatura often drops it)."""
    for el in tree.xpath(_LEAD_XPATH + " | //h1/following-sibling::*[1][self::p]"):
        after_h1 = el.tag == "p" and getattr(el.getprevious(), "tag", None) == "h1"
        if not (after_h1 or _LEAD_CLASS.search(el.get("class") or "")):
            continue
        if el.xpath(_COMMENT_ANCESTOR + " | ancestor::aside"):
            continue
        text = _norm(" ".join(el.itertext()))
        if 60 <= len(text) <= 1200 and text[-1] in ".!?…\"“«»":
            return text
    return None


def _byline_names(para: str) -> list[str]:
    """Names when the whole paragraph is a byline ("Von Anna Muster und Max Mann"), else nothing."""
    m = _LABELLED.match(para) if len(para) < 120 else None
    if not m or len(para) - m.end() > 25:
        return []
    return [n for n in _split_names(_clean_name(m.group(1))) if _person_shaped(n)]


def _clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """Drop credits, captions and link blocks that trafilatura keeps in the body."""
    kept: list[str] = []
    for i, para in enumerate(paragraphs):
        if _RELATED_HEAD.match(para) and i >= len(paragraphs) // 2:
            break  # the rest is a teaser list of other articles
        if _RELATED_HEAD.match(para) or _BOILER_LINE.match(para) or _CREDIT_LINE.match(para):
            continue  # earlier on, only the heading itself is dropped: the article may go on
        kept.append(para)
    return kept


def _empty(url: str | None) -> dict:
    return {"title": None, "teaser": None, "body": "", "published_at": None, "authors": [],
            "agency": None, "outlet": None, "dateline": None, "url": url}


def extract_html(html: str, url: str | None = None) -> dict:
    """Extract title, teaser, body and metadata from one HTML article page."""
    tree = load_html(html)  # unlike lxml.html.fromstring, copes with XML declarations in str input
    if tree is None:
        return _empty(url)
    meta = _meta(tree)
    ld = _json_ld(tree)
    article = _ld_article(ld)
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    page_url = (canonical[0].strip() if canonical and canonical[0].startswith("http") else None) \
        or (meta.get("og:url") if meta.get("og:url", "").startswith("http") else None) or url
    doc = bare_extraction(html, url=page_url, with_metadata=True, include_comments=False,
                          date_extraction_params={"extensive_search": False, "original_date": True})
    if doc is None:
        return _empty(page_url)
    publisher = _ld_names(article.get("publisher"))
    outlet = meta.get("og:site_name") or (publisher[0][0] if publisher else None) or doc.sitename
    site_names = [n for n in (outlet, meta.get("application-name"), meta.get("og:site_name"),
                              doc.sitename, *(p[0] for p in publisher)) if n]
    host_words = _hostname_words(page_url)
    paragraphs = [_norm(line) for line in (doc.text or "").split("\n") if _norm(line)]
    title = _title(tree, meta, article, doc.title, paragraphs[0] if paragraphs else None,
                   site_names, host_words)
    body_paras = _clean_paragraphs(paragraphs)
    if title and body_paras and _key(body_paras[0]) == _key(title):
        body_paras = body_paras[1:]  # trafilatura keeps the headline as the first line
    byline = [n for p in body_paras[:3] for n in _byline_names(p)]
    body_paras = [p for i, p in enumerate(body_paras) if i >= 3 or not _byline_names(p)]
    lead = _lead(tree)
    if lead and _key(lead[:80]) not in _key(" ".join(body_paras)):
        body_paras.insert(0, lead)
    ids = {o["@id"]: o for o in ld if isinstance(o.get("@id"), str)}
    text_nodes = list(_text_nodes(tree))  # read by the byline search and the date vote
    meta_authors = next((meta[k] for k in _AUTHOR_META if meta.get(k) and not meta[k].startswith("http")), "")
    authors, agency = _credits((  # later sources are only searched when earlier ones name nobody
        lambda: _ld_names(article.get("author"), ids),
        lambda: [(meta_authors, True)] if meta_authors else [],
        # On a forum the poster is the author; a "Von ..." line in the post is quoted text.
        lambda: [(n, _USER) for n in _user_names(tree)],
        lambda: [(n, True) for n in byline],
        lambda: [(n, True) for n in _dom_bylines(tree, text_nodes)],
        lambda: [(n, _USER) for n in _post_author_login(tree)],
        lambda: [(doc.author, True)] if doc.author else [],
        lambda: [(n, True) for n in _speaker(title)],
    ), site_names, host_words)
    authors = _printed_coauthors(tree, authors)
    dateline = None
    for para in body_paras[:3]:
        m = _DATELINE.match(para)
        if m:
            dateline, agency = m.group(1).strip(), agency or _agency_of("(" + m.group(2) + ")")
            break
    if agency is None:
        # Credit lines ("dpa/lno", "Quelle: AFP") sit at the start or end of the raw extraction.
        for para in paragraphs[:3] + paragraphs[-3:]:
            if _CREDIT_LINE.match(para) or (len(para) < 80 and _AGENCY_PAREN.search(para)):
                agency = _agency_of(para)
                break
    teaser = lead or meta.get("og:description") or meta.get("description") or doc.description
    return {
        "title": title,
        "teaser": teaser,
        "body": "\n\n".join(body_paras),
        "published_at": _published(tree, text_nodes, meta, article, page_url, doc.date, title),
        "authors": authors,
        "agency": agency,
        "outlet": outlet,
        "dateline": dateline,
        "url": page_url,
    }
