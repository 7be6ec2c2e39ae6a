"""Unit tests of transforms.html_extract on small inline pages."""
from __future__ import annotations

import datetime as dt

import pytest

from transforms.html_extract import extract_html

PARAGRAPHS = [
    "Die Bundesregierung hat am Mittwoch den Haushalt für das kommende Jahr beschlossen. "
    "Nach langen Verhandlungen einigten sich die Koalitionspartner auf zentrale Eckpunkte.",
    "Finanzminister und Fachpolitiker hatten bis in die Nacht über die Verteilung der Mittel "
    "gestritten. Vor allem die Ausgaben für Verkehr und Bildung waren lange umstritten.",
    "Opposition und Verbände kritisierten den Entwurf scharf. Er enthalte zu wenige Investitionen "
    "in die Zukunft und verschiebe notwendige Entscheidungen auf spätere Jahre.",
    "Der Bundestag soll den Haushalt im Dezember in zweiter und dritter Lesung verabschieden. "
    "Bis dahin können die Abgeordneten noch Änderungen an dem Entwurf vornehmen.",
]


def page(head: str = "", before: str = "", after: str = "", h1: str = "Regierung beschließt Haushalt",
         paragraphs: list[str] = PARAGRAPHS) -> str:
    """A news page: head tags, navigation, an article with headline and paragraphs, a footer."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head>{head}</head><body>"
            "<nav><ul><li><a href='/'>Startseite</a></li><li><a href='/politik'>Politik</a></li></ul></nav>"
            f"<main><article><h1>{h1}</h1>{before}{body}{after}</article></main>"
            "<footer><p>Impressum</p><p>Datenschutz</p></footer></body></html>")


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


def test_german_byline_with_two_authors():
    html = page(before="<p class='byline'>Von Anna Muster und Max Mann</p>")
    out = extract_html(html)
    assert out.authors == ["Anna Muster", "Max Mann"]
    assert "Von Anna Muster" not in out.body


def test_agency_credit_and_dateline_are_separated_from_authors():
    first = "Berlin (dpa) - " + PARAGRAPHS[0]
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Regierung beschließt '
            'Haushalt", "author": [{"@type": "Person", "name": "Anna Muster"}, '
            '{"@type": "Organization", "name": "dpa"}]}</script>')
    out = extract_html(page(head=head, paragraphs=[first, *PARAGRAPHS[1:]]))
    assert out.agency == "dpa"
    assert out.dateline == "Berlin"
    assert out.authors == ["Anna Muster"]


def test_agency_only_credit_gives_no_person_author():
    out = extract_html(page(head="<meta name='author' content='dpa'>"))
    assert out.authors == []
    assert out.agency == "dpa"


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


def test_date_from_json_ld_moves_utc_stamp_to_german_day():
    head = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": '
            '[{"@type": "NewsArticle", "datePublished": "2023-11-05T23:30:00Z"}]}</script>')
    assert extract_html(page(head=head)).published_at == dt.date(2023, 11, 6)


def test_date_from_meta_tag():
    head = "<meta property='article:published_time' content='2022-02-04T10:00:00+01:00'>"
    assert extract_html(page(head=head)).published_at == dt.date(2022, 2, 4)


def test_no_date_when_page_has_none():
    assert extract_html(page()).published_at is None


def test_canonical_url_wins_over_given_url():
    head = "<link rel='canonical' href='https://example.de/politik/haushalt-100.html'>"
    out = extract_html(page(head=head), url="https://example.de/politik/haushalt-100.html?utm=x")
    assert out.url == "https://example.de/politik/haushalt-100.html"
    assert extract_html(page(), url="https://example.de/a").url == "https://example.de/a"


def test_lead_paragraph_dropped_by_trafilatura_is_restored_as_teaser():
    lead = ("<div class='article-intro'>Nach einer langen Nacht der Verhandlungen steht der Haushalt "
            "für das kommende Jahr fest.</div>")
    out = extract_html(page(before=lead))
    assert out.body.startswith("Nach einer langen Nacht der Verhandlungen")
    assert out.teaser.startswith("Nach einer langen Nacht der Verhandlungen")


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


def test_site_name_is_the_credit_when_no_person_is_named():
    head = ("<meta property='og:site_name' content='Eurosport'>"
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"author": {"@type": "Organization", "name": "Eurosport"}}</script>')
    assert extract_html(page(head=head)).authors == ["Eurosport"]


def test_person_byline_beats_an_organisation_in_the_author_meta_tag():
    head = "<meta name='author' content='Bayerische Landesanstalt für Wald und Forstwirtschaft'>"
    out = extract_html(page(head=head, before="<p class='byline'>Von Anna Muster</p>"))
    assert out.authors == ["Anna Muster"]


def test_bare_role_credit_is_kept():
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", '
            '"author": {"@type": "Person", "name": "Redaktion"}}</script>')
    assert extract_html(page(head=head)).authors == ["Redaktion"]


def test_name_in_the_element_after_a_bare_label():
    before = "<div class='meta'><span>von</span> <a href='/ueber'>Kathrin</a></div>"
    assert extract_html(page(before=before)).authors == ["Kathrin"]


def test_user_name_after_a_label_is_kept():
    before = "<div class='meta'><abbr>10. Dezember 2019</abbr> · von <span><a>freeman1984</a></span></div>"
    assert extract_html(page(before=before)).authors == ["freeman1984"]


def test_label_in_a_search_form_is_no_byline():
    before = "<form><label>Von:</label><span class='button-text'>Suche</span></form>"
    assert extract_html(page(before=before)).authors == []


def test_role_after_the_label_is_skipped():
    before = "<div><h5>Autor:</h5><a>Rechtsanwalt</a> <a>Sebastian Einbock</a></div>"
    assert extract_html(page(before=before)).authors == ["Sebastian Einbock"]


def test_printed_byline_adds_co_authors_the_metadata_lacks():
    head = "<meta name='author' content='Clara Löw'>"
    before = "<span class='authors'><a>Clara Löw</a>, <a>Siddharth Prakash</a> &amp; <a>Klaus Jacob</a></span>"
    assert extract_html(page(head=head, before=before)).authors == ["Clara Löw", "Siddharth Prakash", "Klaus Jacob"]


def test_byline_in_the_article_footer_counts():
    after = "<footer class='post-footer'>Posted by <a rel='author'>Günter W. Kienitz</a> at 18:52</footer>"
    assert extract_html(page(after=after)).authors == ["Günter W. Kienitz"]


def test_name_after_the_date_in_a_meta_row():
    before = "<div class='meta'>04.02.2022 | 13:10 Uhr | Uta Helkenberg</div>"
    assert extract_html(page(before=before)).authors == ["Uta Helkenberg"]


def test_plural_author_label():
    after = "<p>Autoren Jelko Djuren und Jutta Klaukien</p>"
    assert extract_html(page(after=after)).authors == ["Jelko Djuren", "Jutta Klaukien"]


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


def test_author_link_holding_the_photo_credit_and_the_name():
    before = ("<div><a href='/autoren/kathrin-fuehres-684124'><span class='copyright'>© Kathrin Führes</span> "
              "<span itemprop='name'>Kathrin Führes</span></a></div>")
    assert extract_html(page(before=before)).authors == ["Kathrin Führes"]


def test_byline_of_initials():
    after = "<p class='postmetadata'>Von R. R. am <a href='/2014/02/'>26. Februar 2014</a></p>"
    assert extract_html(page(after=after)).authors == ["R. R."]


def test_article_by_label_beats_a_later_book_credit():
    before = "<div class='metaInfo'>Ein Artikel von <strong>Pamela Sladky</strong> | 27.01.2022 - 12:45</div>"
    after = "<p><b>Setz dich in Bewegung</b><br>von Josef Kastner und Imke Schlömer<br>192 Seiten, 39,90 Euro</p>"
    assert extract_html(page(before=before, after=after)).authors == ["Pamela Sladky"]


def test_desk_named_after_redaktion_is_kept_whole():
    head = ("<meta property='og:site_name' content='Polizeiticker Schweiz'>"
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Regierung beschließt Haushalt", '
            '"author": {"@type": "Person", "name": "Redaktion Polizeiticker Schweiz"}}</script>')
    assert extract_html(page(head=head)).authors == ["Redaktion Polizeiticker Schweiz"]


def test_first_name_after_date_and_von():
    before = "<h2>Stars <span>06.11.2023 13:30 von Olga</span></h2>"
    assert extract_html(page(before=before)).authors == ["Olga"]


def test_forum_user_name_is_the_author_but_not_in_a_teaser():
    teaser = "<article class='teaser'><a class='username'>Boris Kasper</a></article>"
    starter = "<div class='p-description'><span class='username u-concealed'>Catch more fish</span></div>"
    quoted = "<p>Was ist Freie Software? von Georg Greve</p>"
    assert extract_html(page(before=starter + quoted, after=teaser)).authors == ["Catch more fish"]
    byline = "<p class='byline'>Von Anna Muster</p>"
    assert extract_html(page(before=byline, after=teaser)).authors == ["Anna Muster"]


def test_wordpress_post_author_login_from_own_comment():
    after = ("<ol class='commentlist'><li class='comment byuser comment-author-happyface313 bypostauthor'>"
             "<span class='author'>happyface313</span> Vielen Dank!</li></ol>")
    assert extract_html(page(after=after)).authors == ["happyface313"]


def test_bem_author_element():
    before = "<div class='node__author'><a href='/user/leena-simon'>Leena Simon</a></div>"
    after = "<p>von Georg Greve</p>"
    assert extract_html(page(before=before, after=after)).authors == ["Leena Simon"]


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
