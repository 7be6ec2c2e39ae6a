"""newsetl.transforms.html_extract.authors: the persons credited on small inline pages."""
from __future__ import annotations

from html_extract.pages import page
from newsetl.transforms.html_extract import extract_html
from newsetl.transforms.html_extract.authors import byline_names


def test_german_byline_with_two_authors():
    html = page(before="<p class='byline'>Von Anna Muster und Max Mann</p>")
    out = extract_html(html)
    assert out.authors == ["Anna Muster", "Max Mann"]
    assert "Von Anna Muster" not in out.body


def test_agency_only_credit_gives_no_person_author():
    out = extract_html(page(head="<meta name='author' content='dpa'>"))
    assert out.authors == []
    assert out.agency == "dpa"


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


def test_a_byline_paragraph_gives_its_persons_and_a_sentence_starting_with_von_none():
    assert byline_names("Von Anna Muster und Max Mann") == ["Anna Muster", "Max Mann"]
    assert byline_names("Von Anna Muster, dpa") == ["Anna Muster"]  # the agency is no author
    assert byline_names("Autor: Max Mann") == ["Max Mann"]
    assert byline_names("Von Montag an gilt das neue Gesetz in ganz Deutschland.") == []
