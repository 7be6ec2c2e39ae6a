"""The report's Jinja2 templates (templates/): HTML and SVG, every value escaped on output."""
from __future__ import annotations

import html
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"


def _escaped(value) -> Markup:
    """Every value a template prints, escaped as the page always was (html.escape: &#x27; for a quote
    where Jinja would write &#39;); None prints nothing. Autoescaping stays on behind it."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value)))


@cache
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, finalize=_escaped, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render(name: str, **context) -> Markup:
    """A template rendered as markup another template may place as it is."""
    return Markup(environment().get_template(name).render(**context))
