import json
import time
from pathlib import Path

import pandas as pd
import pytest

from newsetl.transforms import clean
from newsetl.transforms.clean import clean_article, clean_batch
from newsetl.transforms.ingest import DecodedFile

GOLD = json.loads((Path(__file__).parent / "gold" / "seeds.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(GOLD))
def test_seed_matches_gold(seeds_dir, name):
    gold = GOLD[name]
    article = clean_article((seeds_dir / name).read_text(encoding="utf-8"), "text")
    body = article["body"]
    assert body.startswith(gold["body_start"])
    assert body.endswith(gold["body_end"])
    if "report_start" in gold:
        assert gold["report_start"] in body
    for field in ("title", "teaser", "outlet", "agency", "authors", "dateline"):
        assert article[field] == gold[field], field
    published = article["published_at"]
    if gold["published_at"] is None:
        assert published is None
    else:
        assert published.isoformat().startswith(gold["published_at"])
        assert article["date_precision"] == ("month" if len(gold["published_at"]) == 7 else "day")
    for boilerplate in gold["boilerplate"]:
        assert boilerplate not in body, boilerplate
    assert article["language"] == "de"


def test_boilerplate_is_found_by_its_kind_not_its_wording():
    text = "\n\n".join([
        "Neue Brücke eröffnet",
        "Lesezeit: 2 Minuten",
        "Hamburg (AFP) - Die neue Brücke über die Elbe ist am Montag nach vier Jahren Bauzeit eröffnet worden, "
        "wie die Stadt mitteilte.",
        "Bild: Max Beispiel",
        "Der Verkehr soll nun deutlich schneller fließen, sagte der Senator bei der Eröffnung vor Hunderten Gästen.",
        "Auch interessant für Sie",
        "Stau auf der A7: Was Pendler jetzt wissen müssen",
        "Abonnieren Sie unseren Newsletter und unterstützen Sie unabhängigen Journalismus mit einem Abo.",
    ])
    article = clean_article(text, "text")
    assert article["body"].startswith("Hamburg (AFP) - Die neue Brücke")
    assert article["body"].endswith("vor Hunderten Gästen.")
    assert "Bild:" not in article["body"] and "Lesezeit" not in article["body"]
    assert (article["title"], article["agency"], article["dateline"]) == ("Neue Brücke eröffnet", "AFP", "Hamburg")


def test_byline_gives_authors_and_agency():
    text = "Streik bei der Bahn\n\nVon Anna Muster und Max Mann, dpa\n\n" + \
           "Berlin - Der Streik bei der Bahn hat am Dienstag Hunderttausende Pendler getroffen, teilte das Unternehmen mit."
    article = clean_article(text, "text")
    assert article["authors"] == ["Anna Muster", "Max Mann"]
    assert article["agency"] == "dpa"


def test_spelled_austrian_month_in_a_date_line_gives_the_day():
    text = ("Neue Regeln für Wirte\n\n7. Jänner 2023\n\n" + _prose("die Sperrstunde"))
    article = clean_article(text, "text")
    assert (article["published_at"].date().isoformat(), article["date_precision"]) == ("2023-01-07", "day")


def test_day_before_a_month_name_without_its_dot_gives_the_day():
    text = ("Neue Regeln für Wirte\n\n07 Dezember, 2022\n\n" + _prose("die Sperrstunde"))
    article = clean_article(text, "text")
    assert (article["published_at"].date().isoformat(), article["date_precision"]) == ("2022-12-07", "day")


def test_non_german_article_gets_its_language():
    text = ("Allies pledge support\n\nWashington (AP) - The United States and Japan pledged on Thursday to deepen "
            "their military cooperation in the face of growing threats, officials said after the meeting.")
    assert clean_article(text, "text")["language"] == "en"


def test_clean_batch_quarantines_documents_without_text():
    documents = pd.DataFrame({"doc_id": ["a", "b"], "status": ["loaded", "loaded"], "source_path": ["a.txt", "b.txt"]})
    texts = {"a": DecodedFile("Menü\n\nImpressum\n\nDatenschutz", "utf-8", "text"),
             "b": DecodedFile("Titel hier\n\nDie Regierung hat am Montag ein neues Gesetz zur Rente beschlossen, "
                              "das im Sommer in Kraft treten soll.", "utf-8", "text")}
    articles, rejected = clean_batch(documents, texts)
    assert list(articles["doc_id"]) == ["b"]
    assert list(rejected["doc_id"]) == ["a"] and rejected["reason"].iloc[0] == "no article text"


def _prose(topic: str) -> str:
    """One paragraph of news prose, distinct per topic."""
    return (f"Der Stadtrat hat am Montag lange über {topic} beraten und danach mit großer Mehrheit einen Beschluss "
            f"gefasst. Die Umsetzung soll im kommenden Frühjahr beginnen, sagte die Bürgermeisterin.")


def _article(*blocks: str) -> dict:
    return clean_article("\n\n".join(blocks), "text")


def test_lead_under_the_headline_is_body_and_the_lines_after_it_metadata():
    article = _article("Startseite", "Neue Brücke für die Altstadt geplant",
                       "Die Stadt plant eine neue Brücke über den Fluss und will dafür viel Geld ausgeben",
                       "Von: Anna Muster", "12.03.2024, 14:05 Uhr", "Lesezeit: 3 Min.",
                       _prose("die Brücke"), _prose("die Kosten"))
    assert article["body"].startswith("Die Stadt plant eine neue Brücke")
    assert "Anna Muster" not in article["body"] and "14:05" not in article["body"]
    assert article["authors"] == ["Anna Muster"]
    assert article["published_at"].isoformat().startswith("2024-03-12")
    assert article["title"] == "Neue Brücke für die Altstadt geplant"


def test_caption_opening_with_an_agency_credit_is_not_the_text():
    article = _article("Neue Brücke für die Altstadt geplant",
                       "dpa/Jan Woitas Die alte Brücke ist marode. Sie soll im Sommer gesperrt werden, heißt es.",
                       _prose("die Brücke"), _prose("die Kosten"))
    assert article["body"].startswith("Der Stadtrat hat am Montag lange über die Brücke")


def test_info_box_printed_before_and_after_the_text_is_not_body():
    box = "Der Verband wurde 1950 gegründet und vertritt heute rund 200 Mitgliedsvereine aus dem ganzen Land."
    article = _article(box, "Neuer Vorsitz im Verband", _prose("den Vorsitz"), _prose("die Satzung"), box,
                       "Impressum")
    assert article["body"].startswith("Der Stadtrat hat am Montag lange über den Vorsitz")
    assert article["body"].endswith("sagte die Bürgermeisterin.") and "gegründet" not in article["body"]


def test_run_of_short_lines_ends_the_text():
    teasers = [f"Weitere Nachricht Nummer {n} aus der Region" for n in range(7)]
    article = _article("Neue Brücke für die Altstadt geplant", _prose("die Brücke"), _prose("die Kosten"),
                       *teasers, _prose("den Haushalt"))
    assert article["body"].endswith("sagte die Bürgermeisterin.")
    assert "Weitere Nachricht" not in article["body"] and "Haushalt" not in article["body"]


def test_short_lines_followed_by_more_text_are_a_poll_not_the_end():
    poll = ["Würden Sie die Brücke nutzen?", "Ja", "Nein", "48% (95 Stimmen)", "52% (103 Stimmen)",
            "Abgestimmt haben 198 Leser", "Ergebnis"]
    article = _article("Neue Brücke für die Altstadt geplant", _prose("die Brücke"), _prose("die Kosten"),
                       *poll, _prose("den Haushalt"), _prose("die Planung"))
    assert article["body"].endswith("sagte die Bürgermeisterin.") and "die Planung" in article["body"]


def test_teasers_with_dates_end_the_text_and_the_teaser_begun_above_goes_too():
    article = _article("Neue Brücke für die Altstadt geplant", _prose("die Brücke"), _prose("die Kosten"),
                       _prose("den Verkehr"), _prose("die Planung"),
                       "Schwimmbad öffnet später", _prose("das Schwimmbad"), "18.10.2019, 19:33",
                       "Markt zieht um", "17.10.2019, 13:17")
    assert article["body"].endswith("sagte die Bürgermeisterin.") and "Schwimmbad" not in article["body"]


def test_related_box_inside_the_text_is_skipped():
    last = ("Am Ende des langen Abends lobten alle Beteiligten die gute Zusammenarbeit, die Gespräche sollen im Herbst "
            "weitergehen, wenn der Haushalt für das nächste Jahr beraten wird und alle Zahlen vorliegen.")
    article = _article("Neue Brücke für die Altstadt geplant", _prose("die Brücke"), _prose("die Kosten"),
                       "Mehr zum Thema", "Diese Regeln gelten jetzt für alle Baustellen in der Stadt", last,
                       "Meistgelesen")
    assert article["body"].endswith("alle Zahlen vorliegen.") and "Diese Regeln" not in article["body"]


def test_compound_cue_words_are_news_not_section_furniture():
    article = _article("Auktion in der Kirche", _prose("die Auktion"),
                       "1400 Euro sind für die Spendenaktion zusammengekommen", _prose("den Erlös"),
                       "Newsletter abonnieren")
    assert article["body"].endswith("sagte die Bürgermeisterin.") and "den Erlös" in article["body"]


def test_lines_that_cannot_close_an_article_are_dropped_from_its_end():
    article = _article("Neue Brücke für die Altstadt geplant", _prose("die Brücke"), _prose("die Kosten"),
                       "Nächste Sitzungen: 20.10., 17 Uhr, 24./30.10., 20 Uhr, Rathaus.", "(KNA, DR)",
                       "https://www.example.de/bruecke", "Impressum")
    assert article["body"].endswith("sagte die Bürgermeisterin.")
    assert article["agency"] == "KNA"  # the credit line names it, though it is no part of the body


def test_bio_under_a_picture_after_the_text_is_not_body():
    article = _article("Neue Brücke für die Altstadt geplant", _prose("die Brücke"), _prose("die Kosten"),
                       "(Foto: Max Beispiel)",
                       "Anna Muster ist Professorin für Stadtplanung in Zürich und forscht zu Brücken.",
                       "Datenschutz")
    assert article["body"].endswith("sagte die Bürgermeisterin.")


def test_byline_author_bio_is_not_body():
    article = _article("Neue Brücke für die Altstadt geplant", "VON ANNA MUSTER am 21. April 2020",
                       _prose("die Brücke"), "Anna Muster leitet das Ressort Stadt. Sie studierte in Berlin.",
                       _prose("die Kosten"))
    assert article["authors"] == ["Anna Muster"] and "leitet das Ressort" not in article["body"]


def test_site_notices_and_headline_variants_do_not_open_the_text():
    article = _article("Vielen Dank für Ihre Bestellung. Wir wünschen Ihnen viel Spass beim Lesen und Entdecken.",
                       "Sie haben die Länderausgabe ausgewählt. Wir wünschen Ihnen eine gehaltvolle Lektüre heute.",
                       "Brücke: Stadtrat beschließt Neubau der Brücke",
                       "Nach langem Streit: Stadtrat beschließt Neubau der Brücke - wie geht es weiter?",
                       _prose("die Brücke"), _prose("die Kosten"))
    assert article["body"].startswith("Der Stadtrat hat am Montag lange über die Brücke")


def test_short_first_stretch_of_prose_gives_way_to_the_article():
    blurbs = ["Wir leben in einer Welt, die sich ständig verändert, und wollen sie gemeinsam mit Ihnen gestalten.",
              "Bildung für alle", "Wir wollen den Einzelnen stark machen, damit er seinen Weg gehen kann.",
              *[f"Menüpunkt {n}" for n in range(40)]]
    article = _article(*blurbs, "Neue Brücke für die Altstadt geplant", _prose("die Brücke"), _prose("die Kosten"),
                       _prose("den Verkehr"), _prose("die Planung"))
    assert article["body"].startswith("Der Stadtrat hat am Montag lange über die Brücke")


@pytest.mark.parametrize("headings, kicker, title", [
    # A headline printed twice, once with a kicker: without separator the extra words are a breadcrumb.
    (["Die Brücke als Mutmacher – ein Bericht aus der Stadt", "Flörsheimer Brücke Die Brücke als Mutmacher – ein Bericht"],
     None, "Die Brücke als Mutmacher – ein Bericht aus der Stadt"),
    (['"Reformstau lösen" / Anna Muster ist neue Präsidentin', 'Anna Muster ist neue Präsidentin "Reformstau lösen"'],
     '"Reformstau lösen"', "Anna Muster ist neue Präsidentin"),
    (["Lokales Lübeck So lief die Auktion der Schätzchen", "So lief die Auktion der Schätzchen"],
     None, "So lief die Auktion der Schätzchen"),
    (["Abstandsregeln und Fieberkontrollen : Wie Firmen ihre Beschäftigten schützen"],
     "Abstandsregeln und Fieberkontrollen", "Wie Firmen ihre Beschäftigten schützen"),
    (["Corona-Pandemie - „Es kommt darauf an, wie wir handeln“"], "Corona-Pandemie", "„Es kommt darauf an, wie wir handeln“"),
    (["Tanz in der Galler Lokremise:", "Mit allen Wassern gewaschen"],
     "Tanz in der Galler Lokremise", "Mit allen Wassern gewaschen"),
    (["Klimaschutz: Bohren, bis es heiß wird"], "Klimaschutz", "Bohren, bis es heiß wird"),
    # A speaker before a quote is part of the headline.
    (['Barisic: "Dann hau\' ich mein Handy zam"'], None, 'Barisic: "Dann hau\' ich mein Handy zam"'),
])
def test_kicker_apart_from_the_title(headings, kicker, title):
    article = _article(*headings, _prose("die Brücke"), _prose("die Kosten"))
    assert (article["kicker"], article["title"]) == (kicker, title)


def test_articles_frame_has_a_kicker_column():
    documents = pd.DataFrame({"doc_id": ["a", "b"], "status": ["loaded", "loaded"], "source_path": ["a.txt", "b.txt"]})
    texts = {"a": DecodedFile("Klimaschutz: Bohren, bis es heiß wird\n\n" + _prose("die Wärme"), "utf-8", "text"),
             "b": DecodedFile("Neue Brücke für die Altstadt\n\n" + _prose("die Brücke"), "utf-8", "text")}
    articles, _ = clean_batch(documents, texts)
    assert list(articles.columns[:3]) == ["doc_id", "kicker", "title"]
    assert articles["kicker"].dtype == articles["title"].dtype and articles["kicker"].iloc[0] == "Klimaschutz"
    assert articles["kicker"].isna().tolist() == [False, True]
    assert articles["title"].tolist() == ["Bohren, bis es heiß wird", "Neue Brücke für die Altstadt"]


def test_byline_over_the_date_and_the_date_nearest_the_text():
    article = _article("Donnerstag, 16. Februar 2012", "Startseite", "Stadtrat beschließt Neubau der Brücke",
                       "Lokal-Experte Anna Muster", "Freitag, 14.02.2012, 10:29", _prose("die Brücke"),
                       _prose("die Kosten"))
    assert article["published_at"].isoformat().startswith("2012-02-14")
    assert article["authors"] == ["Anna Muster"] and article["title"] == "Stadtrat beschließt Neubau der Brücke"


def test_cleaning_work_grows_linearly_when_a_text_repeats_its_paragraphs(monkeypatch):
    calls = []
    count_words = clean._words
    monkeypatch.setattr(clean, "_words", lambda text: calls.append(1) or count_words(text))

    def work(repeats: int) -> int:
        calls.clear()
        paragraphs = [_prose(topic) for topic in ("die Rente", "den Bahnhof", "die Schule", "das Bad")]
        clean_article("Titel des Artikels\n\n" + "\n\n".join(paragraphs * repeats), "text")
        return len(calls)

    assert work(200) < 6 * work(50)  # four times the text: about four times the work, not sixteen


def test_a_long_run_of_spaces_inside_a_line_becomes_one_space():
    text = "Bahn fährt wieder\n\n" + _prose("die Bahn") + " " * 20_000 + _prose("den Bus") + " (dpa)"
    started = time.perf_counter()
    body = clean_article(text, "text")["body"]
    assert time.perf_counter() - started < 10  # a quadratic pattern took minutes here
    assert _prose("die Bahn") + " " + _prose("den Bus") in body and "  " not in body
