"""The headline and its kicker (Dachzeile).

Headline sources, in order: the page's headings (h1, h2, itemprop=headline) that agree with a
declared title (og:title, JSON-LD headline, twitter:title, <title>, each without the site's name,
then trafilatura's title); failing agreement, the first declared title.
Kicker sources, in order: a kicker element inside the heading (<span class="kicker">, <small>, a
first element on a line of its own or before a colon), a kicker element right before the heading,
the part before ": " that a declared title adds to the visible headline (or that the page glued
onto it), a part set off by " : ".
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import NamedTuple

from lxml import etree

from newsetl.transforms.fields import KICKER_MAX_WORDS
from newsetl.transforms.html_extract.page import is_site_name, match_key, norm

_STRONG_SEP = re.compile(r"\s+(?:[|»›•⋆│/]|::|:)\s+")
_TITLE_SEP = re.compile(r"\s+(?:[|\-–—·•»›⋆│~]|::)\s+")
# A declared title and a heading agree from this similarity on (difflib ratio of their letters).
MIN_AGREEMENT = 0.6
# Kicker (Dachzeile) markup: the class names German and international CMSs give it.
_KICKER_CLASS = re.compile(r"kicker|dachzeile|overline|topline|roofline|eyebrow|pretitle|supertitle|spitzmarke", re.I)
# "Kicker: Headline" in a declared title; print never sets a space before a colon, so " : " joins two elements.
_DECLARED_KICKER = re.compile(r"^([^:]{1,60}?):\s+(\S.*)$")
_SPACED_COLON = re.compile(r"^(.{1,60}?) : (\S.*)$")


def _strip_site(title: str, site_names: list[str], host_words: set[str]) -> str:
    """Drop leading or trailing title segments that carry the site name."""
    parts, seps = _TITLE_SEP.split(title), _TITLE_SEP.findall(title)
    lo, hi = 0, len(parts)
    while hi - lo > 1 and is_site_name(parts[hi - 1], site_names, host_words):
        hi -= 1
    while hi - lo > 1 and is_site_name(parts[lo], site_names, host_words):
        lo += 1
    if hi - lo > 1 and "|" in seps[hi - 2] and len(parts[hi - 1].split()) <= 3 and len(parts[lo].split()) >= 4:
        hi -= 1  # "Headline | Section" where the section is not the site's name
    return (parts[lo] + "".join(seps[i - 1] + parts[i] for i in range(lo + 1, hi))).strip(" -|:")


def _pieces(el) -> list[str]:
    """Texts of a heading's parts (own text, each child, each tail), descending through a lone wrapper."""
    while len(el) == 1 and not norm(el.text) and not norm(el[0].tail):
        el = el[0]
    parts = [el.text]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in ("script", "style"):
            parts.append(" ".join(child.itertext()))
        parts.append(child.tail)
    return [p for p in (norm(x) for x in parts) if re.search(r"\w", p or "")]


def _has_kicker(el, pieces: list[str]) -> bool:
    """True when the heading opens with a short kicker (Dachzeile) in an element of its own."""
    while len(el) == 1 and not norm(el.text) and not norm(el[0].tail):
        el = el[0]
    if len(pieces) < 2 or len(pieces[0].split()) > 6 or norm(el.text) or not len(el):
        return False
    first = el[0]
    follower = first.getnext()
    # A kicker in small type, on a line of its own, in kicker markup, or set off by a colon of its own.
    return (first.tag == "small" or (follower is not None and follower.tag == "br")
            or bool(_KICKER_CLASS.search(first.get("class") or "")) or norm(first.tail)[:1] == ":")


class _Heading(NamedTuple):
    el: etree._Element
    full: str  # the whole text, kicker included
    headline: str  # without the kicker
    parts: list[str]  # its pieces of two words or more (a headline may be one of them)
    kicker: str | None


def _headings(tree) -> list[_Heading]:
    """The h1/h2/headline elements outside navigation and footers, their kicker apart."""
    found = []
    for el in tree.xpath('//h1 | //h2 | //*[@itemprop="headline"]'):
        if el.xpath("ancestor::nav or ancestor::footer or ancestor::aside"):
            continue
        pieces = _pieces(el)
        full = norm(" ".join(pieces)).replace("\xad", "")
        if not 3 <= len(full) <= 300:
            continue
        kicker = _kicker_text(pieces[0]) if _has_kicker(el, pieces) else None
        rest = (" ".join(pieces[1:]) if kicker else "") or full
        parts = [p.replace("\xad", "") for p in pieces if len(pieces) > 1 and len(p.split()) >= 2]
        found.append(_Heading(el, full, norm(rest).lstrip(":–- ").replace("\xad", ""), parts, kicker))
    return found


def _kicker_text(text: str) -> str | None:
    text = norm(text).replace("\xad", "").strip(" :–-|")
    return text if text and len(text.split()) <= KICKER_MAX_WORDS else None


def _kicker_before(el) -> str | None:
    """A kicker element printed right before the headline ("<p class='topline'>" above the h1, or above its wrapper).

    Seen on erneuerbareenergien.de, familie.de, netzpolitik.org, spdfraktion.de, tour-magazin.de.
    """
    node = el
    while node.getparent() is not None and node.getparent().tag not in ("body", "main", "article") \
            and node.getprevious() is None:
        node = node.getparent()  # the headline opens a wrapper (header, hgroup, div): look before the wrapper
    prev = node.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()  # comments
    if prev is None or not _KICKER_CLASS.search(prev.get("class") or ""):
        return None
    return _kicker_text(" ".join(prev.itertext()))


def _declared_kicker(title: str, declared: list[str], site_names: list[str],
                     host_words: set[str]) -> tuple[str | None, str]:
    """The kicker a declared title adds before ": " to the visible headline, or glued onto it without the colon.

    Seen on mopo.de, taz.de, wirtschaftspsychologie-aktuell.de.
    """
    for cand in declared:
        m = _DECLARED_KICKER.match(cand)
        kicker = _kicker_text(m.group(1)) if m else None
        if kicker is None or is_site_name(kicker, site_names, host_words):
            continue
        if match_key(m.group(2)) == match_key(title):
            return kicker, title
        glued = title[len(kicker):] if title.casefold().startswith(kicker.casefold()) else ""
        if glued[:1].isspace() and not glued.lstrip().startswith(":") and match_key(glued) == match_key(m.group(2)):
            return kicker, m.group(2)  # "Heizungsgesetz Neue Regeln": the page glued its kicker on
    return None, title


def _similar(a: str, b: str) -> float:
    ka, kb = match_key(a), match_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    matcher = SequenceMatcher(None, ka, kb, autojunk=False)
    # The cheap upper bounds skip most pairs before the costly exact ratio.
    return matcher.ratio() if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 else 0.0


def _declared_titles(tree, meta: dict, article: dict, doc_title: str | None, site_names: list[str],
                     host_words: set[str]) -> tuple[list[str], dict[str, float]]:
    """The titles the page declares (og:title, JSON-LD headline, twitter:title, <title>) without the site's name,
    then trafilatura's, each with its weight."""
    title_el = tree.find(".//title")
    declared = [norm(r) for r in (
        meta.get("og:title"), article.get("headline") if isinstance(article.get("headline"), str) else None,
        meta.get("twitter:title"), title_el.text_content() if title_el is not None else None) if norm(r)]
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
    candidates = [t for t in candidates if not is_site_name(t, site_names, host_words)] or candidates
    candidates = list(dict.fromkeys(candidates))
    # trafilatura's title is often the first h1 (a logo): it counts for less than the page's own.
    weights = {c: 1.0 for c in candidates}
    if norm(doc_title) and norm(doc_title) not in weights:
        weights[norm(doc_title)] = 0.9
        candidates.append(norm(doc_title))
    return candidates, weights


def _visible_headline(heads: list[_Heading], candidates: list[str],
                      weights: dict[str, float]) -> tuple[str | None, _Heading | None]:
    """The heading (or the part of one) that agrees best with a declared title."""
    best, best_head, best_rank = None, None, (0.0, 0, 0)
    for head in heads:
        # The headline may be one part of a heading that also holds a kicker, date or section label.
        for variant, kind in ((head.headline, 2), *((p, 1) for p in head.parts)):
            for cand in candidates:
                score = _similar(variant, cand)
                if kind == 2:
                    score = max(score, _similar(head.full, cand))
                if match_key(variant) and match_key(variant) in match_key(cand) and 2 * len(variant) >= len(cand):
                    score = max(score, 0.9)  # the metadata title adds a kicker or a site name
                score *= weights[cand]
                # Among near-exact matches a whole heading beats a part, then the longer wins (not a logo).
                rank = (round(score, 1) if score >= 0.95 else score, kind, len(variant))
                if rank > best_rank:
                    best, best_head, best_rank = variant, (head if kind == 2 else None), rank
    return (best, best_head) if best is not None and best_rank[0] >= MIN_AGREEMENT else (None, None)


def title_and_kicker(tree, meta: dict, article: dict, doc_title: str | None, site_names: list[str],
                     host_words: set[str]) -> tuple[str | None, str | None]:
    """(kicker, headline): the page's heading when it agrees with a declared title, else that title unsuffixed.

    The kicker, in order: a kicker element inside the heading, one right before it, the part before
    ": " that a declared title adds to the visible headline, a part set off by " : ".
    """
    site_names = list(site_names)
    candidates, weights = _declared_titles(tree, meta, article, doc_title, site_names, host_words)
    heads = [h for h in _headings(tree) if not is_site_name(h.full, site_names, host_words)]
    title, head = _visible_headline(heads, candidates, weights)
    kicker = None
    if head is not None:
        kicker = head.kicker or _kicker_before(head.el)
    if title is not None and kicker is None:
        kicker, title = _declared_kicker(title, candidates, site_names, host_words)
    title = title or (candidates[0] if candidates else None)
    m = _SPACED_COLON.match(title or "")
    if kicker is None and m and _kicker_text(m.group(1)):
        kicker, title = _kicker_text(m.group(1)), m.group(2)
    return kicker, title
