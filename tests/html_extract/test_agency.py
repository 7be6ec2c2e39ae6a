"""newsetl.transforms.html_extract.agency: the agency credited and the dateline the text opens with."""
from __future__ import annotations

from html_extract.pages import PARAGRAPHS, page
from newsetl.transforms.html_extract import extract_html
from newsetl.transforms.html_extract.agency import credit_line, dateline


def test_agency_credit_and_dateline_are_separated_from_authors():
    first = "Berlin (dpa) - " + PARAGRAPHS[0]
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Regierung beschließt '
            'Haushalt", "author": [{"@type": "Person", "name": "Anna Muster"}, '
            '{"@type": "Organization", "name": "dpa"}]}</script>')
    out = extract_html(page(head=head, paragraphs=[first, *PARAGRAPHS[1:]]))
    assert out.agency == "dpa"
    assert out.dateline == "Berlin"
    assert out.authors == ["Anna Muster"]


def test_a_dateline_counts_in_the_first_three_paragraphs_only():
    assert dateline(["Vorspann ohne Ortsmarke.", "Tokio (AFP/dpa) - Japan hat gewählt."]) == ("Tokio", "AFP")
    assert dateline(["Eins.", "Zwei.", "Drei.", "Berlin (dpa) - Zu spät."]) == (None, None)


def test_a_credit_line_at_the_end_names_the_agency_but_a_sentence_naming_one_does_not():
    assert credit_line(["Der Text beginnt.", "Er geht weiter.", "Noch mehr.", "Ende.", "Schluss.", "dpa/lno"]) == "dpa"
    assert credit_line(["Der Text beginnt.", "Reuters berichtet, dass die Gespräche andauern."]) is None
