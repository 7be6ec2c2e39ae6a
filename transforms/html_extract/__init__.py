"""HTML article extraction: trafilatura for the body, page metadata and German bylines for the rest.

One module per field, each with its rules at the top: title.py (headline and kicker), authors.py,
agency.py (agency and dateline), dates.py (publication day), body.py; page.py holds what they all
read (meta tags, JSON-LD, site names, visible text). extract_html shows each field's sources in
the order they are tried.
"""
from __future__ import annotations

from trafilatura import bare_extraction
from trafilatura.utils import load_html

from newsetl.transforms.fields import ArticleFields
from newsetl.transforms.html_extract import agency as agency_rules
from newsetl.transforms.html_extract import dates
from newsetl.transforms.html_extract.authors import (
    AUTHOR_META,
    USER,
    byline_names,
    credits,
    dom_bylines,
    post_author_login,
    printed_coauthors,
    user_names,
)
from newsetl.transforms.html_extract.body import clean_paragraphs, lead
from newsetl.transforms.html_extract.page import (
    hostname_words,
    json_ld,
    ld_article,
    ld_names,
    match_key,
    meta_tags,
    norm,
    visible_text_nodes,
)
from newsetl.transforms.html_extract.title import title_and_kicker

__all__ = ["extract_html"]


def extract_html(html: str, url: str | None = None) -> ArticleFields:
    """Extract title, teaser, body and metadata from one HTML article page."""
    tree = load_html(html)  # unlike lxml.html.fromstring, copes with XML declarations in str input
    if tree is None:
        return ArticleFields(url=url)
    meta = meta_tags(tree)
    ld = json_ld(tree)
    article = ld_article(ld)
    page_url = _page_url(tree, meta, url)
    doc = bare_extraction(html, url=page_url, with_metadata=True, include_comments=False,
                          date_extraction_params={"extensive_search": False, "original_date": True})
    if doc is None:
        return ArticleFields(url=page_url)
    publisher = ld_names(article.get("publisher"))
    outlet = meta.get("og:site_name") or (publisher[0][0] if publisher else None) or doc.sitename
    site_names = [n for n in (outlet, meta.get("application-name"), meta.get("og:site_name"),
                              doc.sitename, *(p[0] for p in publisher)) if n]
    host_words = hostname_words(page_url)
    paragraphs = [norm(line) for line in (doc.text or "").split("\n") if norm(line)]
    kicker, title = title_and_kicker(tree, meta, article, doc.title, site_names, host_words)
    body_paras, byline, standfirst = _body(tree, paragraphs, title, kicker)
    text_nodes = list(visible_text_nodes(tree))  # read by the byline search and the date vote
    authors, agency = _authors_and_agency(tree, meta, ld, article, doc, byline, text_nodes, site_names, host_words)
    place, dateline_agency = agency_rules.dateline(body_paras)
    agency = agency or dateline_agency or agency_rules.credit_line(paragraphs)
    # The readable text only: a script's comment ("erstellt 07.08.11") is no label.
    text = norm(" ".join(t for t, _ in text_nodes if t.strip()))
    published_at = _published_day(tree, meta, article, doc, text, title, page_url)

    return ArticleFields(
        title=title,
        kicker=kicker,
        teaser=standfirst or meta.get("og:description") or meta.get("description") or doc.description,
        body="\n\n".join(body_paras),
        published_at=published_at,
        date_precision="day" if published_at else None,
        authors=authors,
        agency=agency,
        outlet=outlet,
        dateline=place,
        url=page_url,
    )


def _page_url(tree, meta: dict, url: str | None) -> str | None:
    """The canonical link, else og:url, else the URL the page was fetched from."""
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    return (canonical[0].strip() if canonical and canonical[0].startswith("http") else None) \
        or (meta.get("og:url") if meta.get("og:url", "").startswith("http") else None) or url


def _body(tree, paragraphs: list[str], title: str | None, kicker: str | None) -> tuple[list[str], list[str], str | None]:
    """Body paragraphs without headline and byline lines, the byline names, and the standfirst."""
    body_paras = clean_paragraphs(paragraphs)
    if title and body_paras and match_key(body_paras[0]) in (match_key(title), match_key(f"{kicker or ''}{title}")):
        body_paras = body_paras[1:]  # trafilatura keeps the headline (with its kicker) as the first line
    byline = [n for p in body_paras[:3] for n in byline_names(p)]
    body_paras = [p for i, p in enumerate(body_paras) if i >= 3 or not byline_names(p)]
    standfirst = lead(tree)
    if standfirst and match_key(standfirst[:80]) not in match_key(" ".join(body_paras)):
        body_paras.insert(0, standfirst)
    return body_paras, byline, standfirst


def _authors_and_agency(tree, meta, ld, article, doc, byline, text_nodes, site_names, host_words):
    """Authors and a credited agency from the first source that names anyone."""
    ids = {o["@id"]: o for o in ld if isinstance(o.get("@id"), str)}
    meta_authors = next((meta[k] for k in AUTHOR_META if meta.get(k) and not meta[k].startswith("http")), "")
    authors, agency = credits((  # later sources are only searched when earlier ones name nobody
        lambda: ld_names(article.get("author"), ids),
        lambda: [(meta_authors, True)] if meta_authors else [],
        # On a forum the poster is the author; a "Von ..." line in the post is quoted text.
        lambda: [(n, USER) for n in user_names(tree)],
        lambda: [(n, True) for n in byline],
        lambda: [(n, True) for n in dom_bylines(tree, text_nodes)],
        lambda: [(n, USER) for n in post_author_login(tree)],
        lambda: [(doc.author, True)] if doc.author else [],
    ), site_names, host_words)
    return printed_coauthors(tree, authors), agency


def _published_day(tree, meta, article, doc, text: str, title: str | None, page_url: str | None):
    """The publication day most sources name."""
    declared = (dates.ld_published(article), dates.meta_published(meta, tree), dates.meta_date(meta))
    # trafilatura reads the same meta tags: its day is no second vote for a day they already name.
    found = dates.parse_day(doc.date)
    found = None if found in declared else found
    printed = (dates.visible_date(tree), dates.date_near_headline(text, title))
    updated = dates.modified_day(article, meta)
    if updated and updated in printed:
        # The page prints its declared update day as its date: a declared publication day against
        # what readers see loses its vote (angelmagazin.de, utopia.de).
        declared = (*(d if d == updated else None for d in declared[:2]), declared[2])
        found = found if found == updated else None
    return dates.vote([  # the day most sources name; ties go to the earlier source
        dates.labelled_date(text),  # "Erschienen am: 01.11.2023"
        declared[0],  # JSON-LD datePublished
        declared[1],  # article:published_time, microdata datePublished
        found,
        printed[0],  # <time>, date and byline elements, those after the headline first
        printed[1],  # a date within a few lines after the headline
        dates.url_date(page_url),
        declared[2],  # <meta name="date">, DC.date, ...
    ]) or dates.any_date(text, dates.headline(tree))
