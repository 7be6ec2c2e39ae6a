"""The quotes view and the quotes examples in sql/, on tables built from the seeds by the transforms.

The warehouse does not load quotes yet; these tables are what it will hold: articles, entities (from
the tag stage's alias rows), themes and quotes, with transforms/data/quotes_views.sql on top.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from transforms import quote, tag, themes
from transforms.clean import clean_article

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def con(seeds_dir):
    rows = []
    for path in sorted(seeds_dir.iterdir()):
        fields = clean_article(path.read_text(encoding="utf-8"), "text")
        rows.append({"doc_id": path.name, "title": fields.get("title"), "body": fields["body"],
                     "published_at": fields.get("published_at"), "language": "de"})
    articles = pd.DataFrame(rows)
    mentions, aliases = tag.tag_batch(articles)
    entities = aliases.groupby("entity_id", as_index=False).agg(
        name=("name", "first"), label=("label", "first"), aliases=("alias", list))
    connection = duckdb.connect()
    for name, frame in {"articles": articles, "entities": entities, "themes": themes.themes_batch(articles),
                        "quotes": quote.quotes_batch(articles, mentions)}.items():
        connection.register(f"{name}_frame", frame)
        connection.execute(f"create table {name} as select * from {name}_frame")
    connection.execute((ROOT / "transforms" / "data" / "quotes_views.sql").read_text(encoding="utf-8"))
    yield connection
    connection.close()


def _run(con, name: str) -> list[tuple]:
    return con.execute((ROOT / "sql" / name).read_text(encoding="utf-8")).fetchall()


def test_quotes_by_speaker_counts_quotes_and_articles_per_entity(con):
    rows = {r[1]: r for r in con.execute("select * from quotes_by_speaker").fetchall()}
    blinken = rows["Antony Blinken"]
    assert blinken[2:5] == ("PER", 8, 2)
    assert rows["Joseph Dunford"][4] == 2


def test_quotes_of_blinken_are_eight_quotations_from_two_reports(con):
    rows = _run(con, "quotes_of_blinken.sql")
    assert len(rows) == 8 and len({r[1] for r in rows}) == 2
    assert {r[2] for r in rows} == {"direct", "indirect"}
    assert any(r[3].startswith('"Wir haben Grund zu der Annahme') for r in rows)


def test_who_is_quoted_on_the_military_theme(con):
    rows = _run(con, "quoted_on_military.sql")
    assert [r[:3] for r in rows[:2]] == [("Joseph Dunford", "PER", 10), ("Antony Blinken", "PER", 8)]
    assert {r[0] for r in rows} >= {"Shinzo Abe", "Boris Pistorius"}
