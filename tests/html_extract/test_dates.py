"""newsetl.transforms.html_extract dates: the publication day of small inline pages."""
from __future__ import annotations

import datetime as dt

from newsetl.transforms.html_extract import extract_html

TEXT = ("<p>Die Gemeinde hat den Umbau der alten Schule beschlossen. Nach langen Beratungen stimmte der Rat "
        "mit großer Mehrheit für den Entwurf des Architekturbüros aus der Nachbarstadt.</p>"
        "<p>Die Arbeiten sollen im Frühjahr beginnen und etwa zwei Jahre dauern. Während dieser Zeit werden "
        "die Klassen in Containern auf dem Sportplatz unterrichtet, teilte die Verwaltung mit.</p>")


def page(header: str = "", above: str = "", below: str = "", h1: str = "Gemeinde baut die alte Schule um") -> str:
    """A page with no date metadata: a site header, then the article with its headline and text."""
    return (f"<html><head><title>{h1}</title></head><body><div class='top'>{header}</div>"
            f"<div class='content'>{above}<h1>{h1}</h1>{below}{TEXT}</div></body></html>")


def test_the_sites_today_line_above_the_headline_is_not_the_article_date():
    html = page(header="<span>Donnerstag, 16. Februar 2012</span>", above="<span>Politik 14. Februar 2012</span>")
    assert extract_html(html).published_at == dt.date(2012, 2, 14)


def test_a_day_with_its_weekday_below_the_headline_is_the_article_date():
    html = page(below="<p>Dienstag, 2. November 2021</p>")
    assert extract_html(html).published_at == dt.date(2021, 11, 2)


def test_a_forum_posts_stamp_with_a_two_digit_year_dates_the_page():
    html = page(below="<div class='post'><b>macbacchi</b> 28.09.19 12:44</div>")
    assert extract_html(html).published_at == dt.date(2019, 9, 28)


def declared(published: str, modified: str) -> str:
    return (f'<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{published}", '
            f'"dateModified": "{modified}"}}</script>'
            f'<meta property="article:published_time" content="{published}">'
            f'<meta property="article:modified_time" content="{modified}">')


def test_a_printed_update_day_beats_the_declared_publication_day():
    html = page(below="<div class='meta'>Christoph Hein, ca. 8 Min. 12.01.2022</div>").replace(
        "<head>", "<head>" + declared("2021-11-29T14:13:37+00:00", "2022-01-12T14:27:30+00:00"))
    assert extract_html(html).published_at == dt.date(2022, 1, 12)


def test_the_declared_publication_day_stands_when_the_page_prints_it():
    html = page(below="<div class='meta'>Christoph Hein, ca. 8 Min. 29.11.2021</div>").replace(
        "<head>", "<head>" + declared("2021-11-29T14:13:37+00:00", "2022-01-12T14:27:30+00:00"))
    assert extract_html(html).published_at == dt.date(2021, 11, 29)


def test_an_update_day_the_page_does_not_print_is_no_publication_day():
    html = page().replace("<head>", "<head>" + declared("2021-11-29T14:13:37+00:00", "2022-01-12T14:27:30+00:00"))
    assert extract_html(html).published_at == dt.date(2021, 11, 29)
