"""The headline and its kicker (Dachzeile).

Sources, in order: the page's headings (h1, h2, itemprop=headline) that agree with a declared title
(og:title, JSON-LD headline, twitter:title, <title>, each without the site's name), then
trafilatura's title; failing agreement, the heading that opens the main text; last the first
declared title.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from transforms.html_extract.page import is_site_name, match_key, norm

_STRONG_SEP = re.compile(r"\s+(?:[|»›•⋆│/]|::|:)\s+")
_TITLE_SEP = re.compile(r"\s+(?:[|\-–—·•»›⋆│~]|::)\s+")
_KICKER_CLASS = re.compile(r"kicker|dachzeile|overline|topline|roofline|eyebrow|pretitle|supertitle|spitzmarke", re.I)


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
    return (first.tag == "small" or (follower is not None and follower.tag == "br")
            or bool(_KICKER_CLASS.search(first.get("class") or "")))


def _headings(tree) -> list[tuple[str, str, list[str]]]:
    """(full text, text without kicker, parts) of h1/h2/headline elements outside navigation and footers."""
    found = []
    for el in tree.xpath('//h1 | //h2 | //*[@itemprop="headline"]'):
        if el.xpath("ancestor::nav or ancestor::footer or ancestor::aside"):
            continue
        pieces = _pieces(el)
        full = norm(" ".join(pieces)).replace("\xad", "")
        if not 3 <= len(full) <= 300:
            continue
        rest = (" ".join(pieces[1:]) if _has_kicker(el, pieces) else "") or full
        parts = [p.replace("\xad", "") for p in pieces if len(pieces) > 1 and len(p.split()) >= 2]
        found.append((full, norm(rest).lstrip(":–- ").replace("\xad", ""), parts))
    return found


def _similar(a: str, b: str) -> float:
    ka, kb = match_key(a), match_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    matcher = SequenceMatcher(None, ka, kb, autojunk=False)
    # The cheap upper bounds skip most pairs before the costly exact ratio.
    return matcher.ratio() if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 else 0.0


def title_and_kicker(tree, meta: dict, article: dict, doc_title: str | None, first_line: str | None,
                     site_names: list[str], host_words: set[str]) -> str | None:
    """The headline: the page's h1 when it agrees with the metadata title, else that title unsuffixed."""
    title_el = tree.find(".//title")
    declared = [norm(r) for r in (
        meta.get("og:title"), article.get("headline") if isinstance(article.get("headline"), str) else None,
        meta.get("twitter:title"), title_el.text_content() if title_el is not None else None) if norm(r)]
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
    candidates = [t for t in candidates if not is_site_name(t, site_names, host_words)] or candidates
    candidates = list(dict.fromkeys(candidates))
    # trafilatura's title is often the first h1 (a logo): it counts for less than the page's own.
    weights = {c: 1.0 for c in candidates}
    if norm(doc_title) and norm(doc_title) not in weights:
        weights[norm(doc_title)] = 0.9
        candidates.append(norm(doc_title))
    heads = [h for h in _headings(tree) if not is_site_name(h[0], site_names, host_words)]
    best, best_rank = None, (0.0, 0, 0)
    for full, headline, parts in heads:
        # The headline may be one part of a heading that also holds a kicker, date or section label.
        for variant, kind in ((headline, 2), *((p, 1) for p in parts)):
            for cand in candidates:
                score = _similar(variant, cand)
                if kind == 2:
                    score = max(score, _similar(full, cand))
                if match_key(variant) and match_key(variant) in match_key(cand) and 2 * len(variant) >= len(cand):
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
        if first_line and len(headline.split()) >= 3 and match_key(first_line) in (match_key(full), match_key(headline)):
            return headline  # no metadata title agrees: the heading that opens the main text
    return candidates[0] if candidates else None
