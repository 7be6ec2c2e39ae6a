"""Render an HTML page the way a naive scraper does: the text cases in tests/gold/scraped/ come from this.

Run: .venv/bin/python scripts/scrape_text.py PAGE.html[.gz] [...] > page.txt

Everything visible stays in: navigation, teasers of other articles, captions, comments, footer.
script/style/noscript/template/svg/iframe/form controls and elements marked hidden are dropped;
the text of each block element (p, div, h1-h6, li, td, ...) becomes one paragraph, paragraphs
separated by a blank line, in document order; whitespace inside a block is collapsed.
No boilerplate removal of any kind (this is deliberately not trafilatura).
"""
from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

import lxml.html

DROP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas",
        "select", "option", "button"}
BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "tr", "section", "article",
         "header", "footer", "nav", "aside", "blockquote", "figcaption", "figure", "dt", "dd", "dl", "pre",
         "address", "form", "main", "ul", "ol", "table", "br", "hr", "time", "label", "fieldset", "legend",
         "caption", "summary", "details"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")


def render(html: bytes) -> str:
    """Visible text of a page, one block element per paragraph."""
    try:
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", html.decode("utf-8"))
        doc = lxml.html.document_fromstring(text)
    except UnicodeDecodeError:
        doc = lxml.html.document_fromstring(html)
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        block = re.sub(r"\s+", " ", "".join(current)).strip()
        if block:
            blocks.append(block)
        current.clear()

    def walk(el) -> None:
        if not isinstance(el.tag, str):  # comment or processing instruction
            if el.tail:
                current.append(el.tail)
            return
        tag = el.tag.lower().split("}")[-1]
        hidden = tag in DROP or el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or "")
        if not hidden:
            is_block = tag in BLOCK
            if is_block:
                flush()
            if el.text:
                current.append(el.text)
            for child in el:
                walk(child)
            if is_block:
                flush()
        if el.tail:
            current.append(el.tail)

    body = doc.find("body")
    walk(body if body is not None else doc)
    flush()
    return "\n\n".join(blocks) + "\n"


def main(argv: list[str]) -> int:
    for name in argv:
        raw = Path(name).read_bytes()
        sys.stdout.write(render(gzip.decompress(raw) if name.endswith(".gz") else raw))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
