"""extract_html as a whole on small inline pages: empty pages, and the publication day voted from all sources."""
from __future__ import annotations

import datetime as dt

from html_extract.pages import page

from newsetl.transforms.html_extract import extract_html


def test_date_from_json_ld_moves_utc_stamp_to_german_day():
    head = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": '
            '[{"@type": "NewsArticle", "datePublished": "2023-11-05T23:30:00Z"}]}</script>')
    assert extract_html(page(head=head)).published_at == dt.date(2023, 11, 6)


def test_date_from_meta_tag():
    head = "<meta property='article:published_time' content='2022-02-04T10:00:00+01:00'>"
    assert extract_html(page(head=head)).published_at == dt.date(2022, 2, 4)


def test_no_date_when_page_has_none():
    assert extract_html(page()).published_at is None


def test_empty_page_gives_empty_fields():
    out = extract_html("<html><body></body></html>")
    assert out.body == ""
    assert out.authors == [] and out.title is None


def test_date_most_sources_agree_on_beats_a_lone_json_ld_stamp():
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-11-03"}</script>'
            "<meta property='article:published_time' content='2023-11-06T14:25:00+00:00'>")
    before = "<p class='date'>06.11.2023</p>"
    assert extract_html(page(head=head, before=before)).published_at == dt.date(2023, 11, 6)


def test_date_the_page_labels_as_published():
    after = "<p>Letzte Änderung: 31.10.2023 - 14:49<br>Erschienen am: 01.11.2023</p>"
    assert extract_html(page(after=after)).published_at == dt.date(2023, 11, 1)


def test_slashed_date_with_day_first():
    # The printed day, not the stamp's Berlin day (the site's "+00:00" is its wall clock).
    before = ("<time class='entry-date' datetime='2019-12-26T23:07:45+00:00' itemprop='datePublished'>"
              "26/12/2019</time>")
    assert extract_html(page(before=before)).published_at == dt.date(2019, 12, 26)


def test_created_on_label_is_a_publication_date():
    head = "<meta name='date' content='2023-01-11'>"
    after = "<p>Erstellt am: 01.11.2023</p>"
    assert extract_html(page(head=head, after=after)).published_at == dt.date(2023, 11, 1)


def test_label_in_a_script_is_no_date():
    head = "<meta property='article:published_time' content='2020-03-04T10:00:00+01:00'>"
    before = "<script>/* Anzeige, veröffentlicht am 01.02.2015 */ var slot = 1;</script>"
    assert extract_html(page(head=head, before=before)).published_at == dt.date(2020, 3, 4)


def test_trafilatura_repeating_a_meta_date_is_no_second_vote():
    head = "<meta name='date' content='2020-04-30'>"
    before = "<ul class='info'><li class='Date'><time>29.04.2020, 12:01 Uhr</time></li></ul>"
    assert extract_html(page(head=head, before=before)).published_at == dt.date(2020, 4, 29)


def test_date_after_the_headline_beats_a_teaser_date_above_it():
    html = page(before="<p class='date'>01.10.2019</p>").replace(
        "<main>", "<main><div class='teaser'><span class='date'>18.01.2019</span> Anderes Thema</div>")
    assert extract_html(html).published_at == dt.date(2019, 10, 1)


def test_dates_of_a_list_of_events_are_not_the_article_date():
    head = "<meta name='date' content='2020-02-11'>"
    after = ("<ul><li><span class='datum'>29.02.2020 18:00 Uhr</span> Weinprobe</li>"
             "<li><span class='datum'>04.04.2020 18:00 Uhr</span> Tapas-Abend</li></ul>")
    assert extract_html(page(head=head, after=after)).published_at == dt.date(2020, 2, 11)


def test_hidden_microdata_block_is_no_visible_date():
    head = "<meta name='date' content='2021-10-28T13:21:30+01:00'>"
    hidden = ("<div style='display: none'><span itemprop='headline'>Regierung beschließt Haushalt</span>"
              "<time itemprop='datePublished' datetime='2021-10-27T20:35:36+01:00'>2021-10-27T20:35:36+01:00</time>"
              "</div>")
    html = page(head=head, before="<p class='meta'>Berlin, 28.10.2021, 058/21</p>").replace("<main>", "<main>" + hidden)
    assert extract_html(html).published_at == dt.date(2021, 10, 28)


def test_long_date_without_the_day_dot():
    head = "<meta name='date' content='2022-12-16'>"
    before = "<p>Von Christian Thiele, <span class='byline__created-date'>07 Dezember, 2022</span></p>"
    assert extract_html(page(head=head, before=before)).published_at == dt.date(2022, 12, 7)


def test_austrian_month_name_in_a_date_element():
    before = "<p class='date'>Wien, 3. Jänner 2021</p>"
    assert extract_html(page(before=before)).published_at == dt.date(2021, 1, 3)


def test_day_before_a_month_name_without_its_dot_in_a_date_element():
    before = "<span class='date'>07 Dezember, 2022</span>"
    assert extract_html(page(before=before)).published_at == dt.date(2022, 12, 7)
