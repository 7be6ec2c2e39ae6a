"""newsetl.transforms.html_extract.title: headline and kicker of small inline pages."""
from __future__ import annotations

import pytest

from html_extract.pages import page
from newsetl.transforms.html_extract import extract_html


def test_site_name_suffix_is_stripped_from_title():
    html = page(head="<title>Regierung beschließt Haushalt | Tagesschau</title>"
                     "<meta property='og:site_name' content='Tagesschau'>")
    out = extract_html(html)
    assert out.title == "Regierung beschließt Haushalt"
    assert out.outlet == "Tagesschau"


def test_site_name_suffix_stripped_when_the_h1_is_the_logo():
    html = page(head="<title>Streit um den Haushalt eskaliert - DER SPIEGEL</title>"
                     "<meta property='og:site_name' content='DER SPIEGEL'>", h1="DER SPIEGEL")
    assert extract_html(html).title == "Streit um den Haushalt eskaliert"


def test_kicker_is_not_part_of_the_title():
    html = page(head="<title>Haushalt: Regierung beschließt Haushalt</title>",
                h1="<span class='kicker'>Haushalt</span> <span>Regierung beschließt Haushalt</span>")
    assert extract_html(html).title == "Regierung beschließt Haushalt"


@pytest.mark.parametrize("head, h1, kicker, title", [
    # A kicker element of its own in the headline.
    ("", "<span class='article-kicker'>Heizungsgesetz</span><span>Neue Regeln ab Januar</span>",
     "Heizungsgesetz", "Neue Regeln ab Januar"),
    # The kicker a declared title adds to the visible headline.
    ("<meta property='og:title' content='Bundestag: Regierung beschließt Haushalt'>", "Regierung beschließt Haushalt",
     "Bundestag", "Regierung beschließt Haushalt"),
    # The headline's two spans print as "Heizungsgesetz Neue Regeln ab Januar"; og:title has the colon.
    ("<meta property='og:title' content='Heizungsgesetz: Neue Regeln ab Januar'>",
     "<span>Heizungsgesetz</span> <span>Neue Regeln ab Januar</span>", "Heizungsgesetz", "Neue Regeln ab Januar"),
    # A colon of its own between two elements.
    ("", "<span>Heizungsgesetz</span> : <span>Neue Regeln ab Januar</span>", "Heizungsgesetz", "Neue Regeln ab Januar"),
    # A colon the visible headline prints itself stays in the title.
    ("<meta property='og:title' content='Kolumne: Über Theater und Welt'>", "Kolumne: Über Theater und Welt",
     None, "Kolumne: Über Theater und Welt"),
])
def test_kicker_apart_from_the_headline(head, h1, kicker, title):
    out = extract_html(page(head=head, h1=h1))
    assert (out.kicker, out.title) == (kicker, title)


def test_kicker_element_right_before_the_headline():
    html = page().replace("<h1>", "<header><p class='topline'>Haushalt 2024</p><h1>").replace("</h1>", "</h1></header>")
    out = extract_html(html)
    assert (out.kicker, out.title) == ("Haushalt 2024", "Regierung beschließt Haushalt")


def test_no_kicker_when_the_headline_has_none():
    assert extract_html(page()).kicker is None


def test_headline_with_its_kicker_is_not_body():
    html = page(h1="<span class='kicker'>Haushalt</span><br><span>Regierung beschließt Haushalt</span>")
    out = extract_html(html)
    assert (out.kicker, out.title) == ("Haushalt", "Regierung beschließt Haushalt")
    assert "Regierung beschließt Haushalt" not in out.body.split("\n\n")[0]
