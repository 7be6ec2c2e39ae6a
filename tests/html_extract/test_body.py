"""newsetl.transforms.html_extract.body: the article text without credits, captions and link blocks, with its lead."""
from __future__ import annotations

from html_extract.pages import PARAGRAPHS, page
from newsetl.transforms.html_extract import extract_html
from newsetl.transforms.html_extract.body import clean_paragraphs


def test_related_article_block_is_removed():
    related = ("<h2>Mehr zum Thema</h2><ul><li><a href='/a'>Koalition streitet über Schuldenbremse "
               "und neue Kredite für den Klimaschutz</a></li><li><a href='/b'>Was der Haushalt für "
               "Familien und Rentner in Deutschland bedeutet</a></li></ul>")
    out = extract_html(page(after=related))
    assert "Schuldenbremse" not in out.body
    assert "Mehr zum Thema" not in out.body
    assert PARAGRAPHS[-1] in out.body


def test_photo_credit_and_newsletter_appeal_are_removed():
    after = ("<p>Foto: Max Mann / dpa</p>"
             "<p>Mit unserem Newsletter erhalten Sie jeden Morgen die wichtigsten Nachrichten.</p>")
    out = extract_html(page(after=after))
    assert "Foto:" not in out.body
    assert "Newsletter" not in out.body


def test_paragraphs_are_joined_by_blank_lines():
    out = extract_html(page())
    assert out.body.split("\n\n") == PARAGRAPHS


def test_lead_paragraph_dropped_by_trafilatura_is_restored_as_teaser():
    lead = ("<div class='article-intro'>Nach einer langen Nacht der Verhandlungen steht der Haushalt "
            "für das kommende Jahr fest.</div>")
    out = extract_html(page(before=lead))
    assert out.body.startswith("Nach einer langen Nacht der Verhandlungen")
    assert out.teaser.startswith("Nach einer langen Nacht der Verhandlungen")


def test_credits_and_captions_go_and_a_link_block_in_the_second_half_ends_the_text():
    paragraphs = ["Erster Absatz.", "Foto: dpa", "Lesen Sie auch:", "Zweiter Absatz.", "dpa/lno", "Dritter Absatz.",
                  "Mehr zum Thema", "Koalition streitet", "Was der Haushalt bedeutet"]
    assert clean_paragraphs(paragraphs) == ["Erster Absatz.", "Zweiter Absatz.", "Dritter Absatz."]


def test_a_link_heading_in_the_first_half_drops_only_itself():
    assert clean_paragraphs(["Mehr zum Thema", "Erster Absatz.", "Zweiter Absatz.", "Dritter Absatz."]) == [
        "Erster Absatz.", "Zweiter Absatz.", "Dritter Absatz."]
