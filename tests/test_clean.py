import json
from pathlib import Path

import pandas as pd
import pytest

from transforms.clean import clean_article, clean_batch, find_date
from transforms.ingest import DecodedFile

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


@pytest.mark.parametrize("line, expected, precision", [
    ("30. Oktober, 2024", "2024-10-30", "day"),
    ("Stand: 12.03.2024, 14:05 Uhr", "2024-03-12T14:05", "day"),
    ("date 2025-01 Von Euronews", "2025-01-01", "month"),
    ("veröffentlicht 2023-05-07T08:30", "2023-05-07T08:30", "day"),
    ("3. Jan. 2022", "2022-01-03", "day"),
])
def test_find_date(line, expected, precision):
    found, found_precision = find_date(line)
    assert found.isoformat().startswith(expected)
    assert found_precision == precision


def test_find_date_none_when_absent():
    assert find_date("Politik") is None


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
