"""newsetl.transforms.html_extract.page: what every field's rules read (meta tags, JSON-LD, site names, visible text)."""
from __future__ import annotations

from trafilatura.utils import load_html

from html_extract.pages import page
from newsetl.transforms.html_extract import extract_html
from newsetl.transforms.html_extract.page import (
    hostname_words,
    is_site_name,
    json_ld,
    ld_article,
    ld_names,
    ld_types,
    match_key,
    meta_tags,
    norm,
    visible_text_nodes,
)


def test_canonical_url_wins_over_given_url():
    head = "<link rel='canonical' href='https://example.de/politik/haushalt-100.html'>"
    out = extract_html(page(head=head), url="https://example.de/politik/haushalt-100.html?utm=x")
    assert out.url == "https://example.de/politik/haushalt-100.html"
    assert extract_html(page(), url="https://example.de/a").url == "https://example.de/a"


HEAD = ("<meta property='OG:Title' content=' Regierung  beschließt '><meta property='og:title' content='später'>"
        "<meta name='author' content=''>"
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage", "name": "Startseite"}, '
        '{"@type": ["NewsArticle"], "author": {"@id": "#anna"}}, {"@id": "#anna", "@type": "Person", "name": "Anna  Muster"}]}'
        "</script><script type='application/ld+json'>{kaputt</script>")


def test_meta_tags_keep_the_first_content_of_each_lower_cased_key():
    assert meta_tags(load_html(page(head=HEAD))) == {"og:title": "Regierung beschließt"}


def test_json_ld_objects_of_a_graph_are_flattened_and_broken_scripts_skipped():
    objects = json_ld(load_html(page(head=HEAD)))
    article = ld_article(objects)
    assert ld_types(article) == {"newsarticle"}  # an article type before the plain web page
    ids = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    assert ld_names(article["author"], ids) == [("Anna Muster", True)]


def test_json_ld_names_tell_persons_from_organisations():
    assert ld_names([{"@type": "Organization", "name": "dpa"}, "Max Mann", {"name": " "}]) == [
        ("dpa", False), ("Max Mann", True)]


def test_site_names_match_the_outlet_or_the_host_but_not_a_headline():
    host = hostname_words("https://www.sueddeutsche.de/politik/haushalt-1.html")
    assert host == {"sueddeutsche", "sueddeutschede"}
    assert is_site_name("SZ.de", ["Süddeutsche Zeitung", "SZ.de"], host)
    assert is_site_name("sueddeutsche.de", [], host)
    assert not is_site_name("Regierung beschließt Haushalt", ["Süddeutsche Zeitung"], host)


def test_visible_text_leaves_out_scripts_and_hidden_blocks():
    tree = load_html("<html><body><p>Sichtbar</p><div style='display: none'>versteckt</div>"
                 "<script>var x = 1;</script>Ende</body></html>")
    assert [text for text, _ in visible_text_nodes(tree)] == ["Sichtbar", "Ende"]


def test_match_keys_ignore_case_space_and_punctuation():
    assert match_key("Regierung: beschließt!") == match_key("regierung beschliesst") == "regierungbeschliesst"
    assert norm("  zwei \n\t Wörter ") == "zwei Wörter"
