"""What every field's rules read: normalised text, meta tags, JSON-LD, site names, the page's visible text nodes."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree

ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle", "report",
                  "analysisnewsarticle", "opinionnewsarticle", "webpage", "scholarlyarticle",
                  "techarticle", "liveblogposting", "posting", "socialmediaposting"}
COMMENT_ANCESTOR = ('ancestor-or-self::*[contains(@class, "comment") or contains(@id, "comment") '
                     'or self::footer or self::nav]')
HIDDEN_STYLE = re.compile(r"display\s*:\s*none")


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@lru_cache(maxsize=4096)
def match_key(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def meta_tags(tree) -> dict[str, str]:
    """First content of each <meta name|property|itemprop>, keys lower-cased."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = norm(el.get("content"))
        if key and value and key not in found:
            found[key] = value
    return found


def json_ld(tree) -> list[dict]:
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


def ld_types(obj: dict) -> set[str]:
    kind = obj.get("@type") or []
    return {str(k).lower() for k in (kind if isinstance(kind, list) else [kind])}


def ld_article(objects: list[dict]) -> dict:
    """The JSON-LD object describing the article, article types before plain web pages."""
    ranked = [o for o in objects if ld_types(o) & ARTICLE_TYPES]
    ranked.sort(key=lambda o: "webpage" in ld_types(o))
    return ranked[0] if ranked else {}


def ld_names(value, ids: dict | None = None) -> list[tuple[str, bool]]:
    """(name, is_person) pairs of a JSON-LD author/publisher value, @id references resolved."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str) and ids:
            item = ids.get(item["@id"], item)
        if isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, str) and name.strip():
                names.append((norm(name), "organization" not in ld_types(item)))
        elif isinstance(item, str) and item.strip():
            names.append((norm(item), True))
    return names


def hostname_words(url: str | None) -> set[str]:
    """Distinctive parts of the host name, and the host itself without www, as match_key strings."""
    host = (urlsplit(url or "").hostname or "").removeprefix("www.")
    words = {p for p in re.split(r"[.\-]", host) if len(p) > 2 and p not in {"com", "net", "org"}}
    return words | {match_key(host), match_key(host.split(".")[0])} - {""}


def is_site_name(part: str, site_names: list[str], host_words: set[str]) -> bool:
    """True when a title segment names the site rather than the article."""
    key = match_key(part)
    if not key:
        return True
    for name in site_names:
        other = match_key(name)
        if other and (key == other or (len(key) > 3 and key in other)
                      or (len(other) > 3 and other in key and len(key) <= len(other) + 12)):
            return True
    return any(word in key and len(key) <= len(word) + 12 for word in host_words)


def visible_text_nodes(tree):
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
        if event == "start" and HIDDEN_STYLE.search(el.get("style") or ""):
            walker.skip_subtree()  # display:none, e.g. microdata kept for machines: readers never see it
        elif event == "start" and el.text:
            yield el.text, el
        elif event == "end" and el.tail and el is not body:
            yield el.tail, el.getparent()
