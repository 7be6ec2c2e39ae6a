"""ArticleFields: what both extractors return, documented field by field, with one kicker limit for both."""
import re
from dataclasses import fields
from pathlib import Path

from newsetl.transforms.clean import clean_article
from newsetl.transforms.fields import KICKER_MAX_WORDS, ArticleFields
from newsetl.transforms.html_extract import extract_html

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "fields.md").read_text(encoding="utf-8")
PROSE = ("Die Regierung hat am Montag in Berlin ein neues Gesetz zur Rente beschlossen, das im Sommer in Kraft "
         "treten soll, sagte eine Sprecherin am Abend vor Journalisten.")
WORDS = "Streit um den Haushalt im alten Bundestag in Berlin am Montag".split()


def test_every_field_is_explained_in_the_fields_document():
    documented = set(re.findall(r"`(\w+)`", DOCS))
    assert {f.name for f in fields(ArticleFields)} <= documented


def test_an_article_without_fields_has_an_empty_body_and_its_own_author_list():
    first, second = ArticleFields(), ArticleFields()
    first.authors.append("Anna Muster")
    assert second.authors == [] and second.body == ""


def _html_kicker(kicker: str) -> str | None:
    html = (f"<html><body><article><h1><span class='kicker'>{kicker}</span> <span>Neues Gesetz zur Rente</span></h1>"
            f"<p>{PROSE}</p><p>{PROSE}</p></article></body></html>")
    return extract_html(html).kicker


def _text_kicker(kicker: str) -> str | None:
    return clean_article(f"{kicker}:\n\nNeues Gesetz zur Rente beschlossen\n\n{PROSE}\n\n{PROSE}", "text")["kicker"]


def test_both_extractors_keep_a_kicker_up_to_the_limit_and_no_longer_one():
    longest, too_long = " ".join(WORDS[:KICKER_MAX_WORDS]), " ".join(WORDS[:KICKER_MAX_WORDS + 1])
    assert (_html_kicker(longest), _text_kicker(longest)) == (longest, longest)
    assert (_html_kicker(too_long), _text_kicker(too_long)) == (None, None)
