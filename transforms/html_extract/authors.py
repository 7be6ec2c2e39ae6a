"""Person authors from metadata, bylines and page markup; the agency credited among them.

Sources, in the order extract_html tries them (the first naming anyone wins): JSON-LD author,
author meta tags, a forum's user name, a byline paragraph of the body, byline markup and labelled
lines, a WordPress post author's login, trafilatura's author.
"""
from __future__ import annotations

import re

from newsetl.transforms.agencies import AGENCIES
from newsetl.transforms.html_extract.agency import CREDIT_LINE, agency_of
from newsetl.transforms.html_extract.page import COMMENT_ANCESTOR, match_key, norm

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
AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "twitter:creator")
# "node__author", "post-meta__author": a BEM element named author, as Drupal and many themes write it
# (tagblatt.ch, cointelegraph.com).
_BYLINE_XPATH = ('//body//*[@rel="author" or @itemprop="author" or contains(@class, "byline") '
                 'or contains(@class, "author-name") or contains(@class, "authorname") '
                 'or contains(concat(@class, " "), "__author ") '
                 'or contains(@href, "/autor/") or contains(@href, "/author/") or contains(@href, "/autoren/")]')
# Bylines may sit in an article's own footer ("Posted by ... at 18:52"), not in the page's footer.
_BYLINE_SKIP = ('ancestor-or-self::*[contains(@class, "comment") or contains(@id, "comment") or self::nav '
                'or self::footer[not(ancestor::article) and not(contains(@class, "post") or contains(@class, "entry"))]]')
_LABEL_SKIP = (_BYLINE_SKIP + ' | ancestor-or-self::*[position() <= 2][contains(@class, "button") or contains(@class, "menu") '
               'or self::button or self::form or self::select or self::label]')
# Forums (phpBB, XenForo) print posters' names with a "username" class: the first one is the thread starter.
_USERNAME_XPATH = '//body//*[contains(concat(" ", normalize-space(@class), " "), " username ")]'
# CMSs (Drupal) mark the authors of other articles' teasers alike.
_USERNAME_SKIP = _BYLINE_SKIP + ' | ancestor::aside | ancestor::*[contains(@class, "teaser")]'
# WordPress marks the post author's own comments "bypostauthor" and puts the author's login in the class
# (happyface313.com, dealdoktor.de, nesselsetzer.de on archive.org).
_POST_AUTHOR_XPATH = '(//body//*[contains(concat(" ", normalize-space(@class), " "), " bypostauthor ")])[1]/@class'
_POST_AUTHOR_LOGIN = re.compile(r"\bcomment-author-([\w.\-]+)")
USER = "user"  # a source's kind for user names: kept as printed, neither split nor held to a person's shape
_NOT_A_NAME = re.compile(r"https?:|www\.|@|#|\d{3}|\b(?:gmbh|ag|e\.v|verlag|admin|wordpressadmin|name|publisher|"
                         r"author|autor|datum|https?|germany|deutschland|posts?)\b", re.I)


def _split_names(text: str) -> list[str]:
    return [n for n in (norm(p) for p in _NAME_SPLIT.split(text)) if n]


def _person_shaped(name: str, single_ok: bool = False) -> bool:
    """Two to four capitalised words (one in author markup), titles and particles allowed."""
    return bool(_PERSON.match(name) or (single_ok and _FIRST_NAME.match(name))) and len(name) <= 50


def _clean_name(name: str) -> str:
    # Drop a role in brackets and what follows a separator or a photo credit on the same line.
    name = norm(re.sub(r"\(.*$|\s*[|•].*$|\s+(?:Foto|Fotos|Bild|Bilder|Quelle)\b.*$", "", name)).strip(" ,.:-")
    # A bare role ("Redaktion") is the credit itself; a name printed twice ("jesusfreak jesusfreak",
    # "© Kathrin Führes Kathrin Führes": an author photo's credit, then the name) once.
    name = norm(_ROLE_PREFIX.sub("", name.lstrip("© "))).strip(" ,.:-") or name
    name = re.sub(r"(\s[A-ZÄÖÜ])$", r"\1.", name)  # a closing initial keeps its dot ("R. R.")
    return re.sub(r"^(.{3,}?)(?:\s+\1)+$", r"\1", name)


def dom_bylines(tree, text_nodes: list) -> list[str]:
    """Author names from byline markup and labelled lines ("Von ...", "Autor: ...") in the page."""
    found: list[str] = []
    for el in tree.xpath(_BYLINE_XPATH):
        if el.xpath(_BYLINE_SKIP):
            continue
        text = norm(" ".join(el.itertext()))
        if 2 < len(text) < 80:
            found += [n for n in _split_names(_clean_name(text)) if _person_shaped(n, single_ok=True)]
        if found:
            return found
    for node in tree.xpath(_LABEL_XPATH):
        el = node.getparent()
        # The name may follow the label element ("<h5>Autor:</h5> Peter Maahn").
        text = norm(" ".join(el.itertext()) + " " + (el.tail or ""))
        m = _LABELLED.match(text) if len(text) < 120 else None
        if m and not el.xpath(_BYLINE_SKIP):
            names = [n for n in _split_names(_clean_name(m.group(1))) if _person_shaped(n)]
            if names:
                return names
    return _label_next(text_nodes)



def _label_next(text_nodes: list) -> list[str]:
    """The name printed right after a text node that is only a byline label ("von" <a>Kathrin</a>)."""
    label, dated = None, None
    for text, owner in text_nodes:
        text = norm(text)
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


def user_names(tree) -> list[str]:
    """The first user name ("username" markup) outside comments, navigation and teasers."""
    for el in tree.xpath(_USERNAME_XPATH):
        name = norm(" ".join(el.itertext()))
        if 2 < len(name) <= 30 and not el.xpath(_USERNAME_SKIP):
            return [name]
    return []


def post_author_login(tree) -> list[str]:
    """The login of a WordPress post's author, named in the class of the author's own comments."""
    m = _POST_AUTHOR_LOGIN.search(next(iter(tree.xpath(_POST_AUTHOR_XPATH)), ""))
    return [m.group(1)] if m else []


def credits(sources, site_names: list[str], host_words: set[str]) -> tuple[list[str], str | None]:
    """Person authors and agency from the first source (a callable) naming any; else the first site or organisation."""
    sites = {match_key(n) for n in site_names} | host_words
    fallback: list[str] = []
    for source in sources:
        authors, others, agency = [], [], None
        for name, is_person in source():
            if "://" in name:
                continue  # a profile link, not a name
            parts = [_clean_name(p) for p in (_split_names(name) if is_person is True else [name])]
            credits = [p for p in parts if p.lower() in AGENCIES or CREDIT_LINE.match(p)]
            agency = agency or next((agency_of(p) for p in credits), None)
            names = [p for p in parts if p and p not in credits and not _NOT_A_NAME.search(p.rstrip("0123456789"))]
            # One part that names no person ("Landesanstalt für Wald und Forst") makes the whole an organisation.
            # A user name may be the site's name: bloggers often name their blog after themselves.
            if is_person is USER or (is_person and all(_person_shaped(p, single_ok=True) and match_key(p) not in sites
                                                        for p in names)):
                authors += [p for p in names if p not in authors]
            else:
                others += [p for p in names if p not in others]
        if authors or agency:
            return authors, agency
        fallback = fallback or others
    return fallback, None


def printed_coauthors(tree, authors: list[str]) -> list[str]:
    """The printed byline when it lists the metadata's authors and more ("A, B & C" where the metadata says A)."""
    if not authors or len(authors) > 3:
        return authors
    wanted = {match_key(a) for a in authors}
    for node in tree.xpath("//body//text()[contains(., $name)]", name=authors[0])[:5]:
        el = node.getparent()
        for _ in range(3):
            if el is None or el.tag in ("body", "html"):
                break
            text = norm(" ".join(el.itertext()))
            if len(text) > 150:
                break
            names = _split_names(_clean_name(text))
            if (len(names) > len(authors) and all(_person_shaped(n) and not _NOT_A_NAME.search(n) for n in names)
                    and wanted <= {match_key(n) for n in names} and not el.xpath(COMMENT_ANCESTOR)):
                return names
            el = el.getparent()
    return authors



def byline_names(para: str) -> list[str]:
    """Names when the whole paragraph is a byline ("Von Anna Muster und Max Mann"), else nothing.

    Right on l-mag.de, nachtkritik.de, 90min.de.
    """
    m = _LABELLED.match(para) if len(para) < 120 else None
    if not m or len(para) - m.end() > 25:
        return []
    return [n for n in _split_names(_clean_name(m.group(1))) if _person_shaped(n)]
