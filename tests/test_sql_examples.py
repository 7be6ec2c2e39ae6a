"""Every query in sql/ runs on the seeds warehouse and returns what its header promises."""
from pathlib import Path

import pytest

from newsetl.transforms.warehouse import connect

SQL = Path(__file__).resolve().parent.parent / "sql"


@pytest.fixture(scope="module")
def seeds_warehouse(seeds_run):
    return seeds_run[1]


def _run(warehouse, name: str) -> list[tuple]:
    with connect(warehouse, read_only=True) as con:
        return con.execute((SQL / name).read_text(encoding="utf-8")).fetchall()


def test_every_example_is_tested():
    tested = {"entities_of_an_article.sql", "top_persons.sql", "co_mentions_of_kim.sql", "story_spread.sql",
              "mentions_per_month.sql", "themes_over_time.sql", "search_missile_tests.sql",
              "quotes_of_blinken.sql", "quoted_on_military.sql"}
    # Checked by tests/test_quote_sql.py until the warehouse loads quotes.
    assert {p.name for p in SQL.glob("*.sql")} == tested


def test_entities_of_an_article(seeds_warehouse):
    rows = _run(seeds_warehouse, "entities_of_an_article.sql")
    assert {r[0] for r in rows} >= {"Gemeinsam gegen Kim", None}  # 002 has no title
    kim = [r for r in rows if r[1] == "Kim Jong Un"]
    assert len(kim) == 3 and {r[2] for r in kim} == {"PER"}


def test_top_persons(seeds_warehouse):
    rows = _run(seeds_warehouse, "top_persons.sql")
    assert rows[0][:2] == ("Kim Jong Un", 3) and set(rows[0][3]) == {"Kim Jong Un", "Kim Jong-un"}
    assert ("Antony Blinken", 2) in [r[:2] for r in rows]


def test_co_mentions_of_kim(seeds_warehouse):
    partners = {r[0] for r in _run(seeds_warehouse, "co_mentions_of_kim.sql")}
    assert {"Nordkorea", "Wladimir Putin"} <= partners


def test_story_spread(seeds_warehouse):
    rows = _run(seeds_warehouse, "story_spread.sql")
    assert len(rows) == 1 and rows[0][1] == 2 and rows[0][2] == ["nd"] and rows[0][3] == ["dpa"]


def test_mentions_per_month(seeds_warehouse):
    months = {str(r[0])[:7] for r in _run(seeds_warehouse, "mentions_per_month.sql") if r[1] == "Nordkorea"}
    assert months == {"2024-10", "2025-01"}


def test_themes_over_time(seeds_warehouse):
    months = {str(r[0])[:7] for r in _run(seeds_warehouse, "themes_over_time.sql") if r[1] == "military"}
    assert months == {"2024-10", "2025-01"}


def test_search_finds_the_missile_reports_ranked(seeds_warehouse):
    rows = _run(seeds_warehouse, "search_missile_tests.sql")
    assert len(rows) == 5
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)
    assert rows[0][1] == "US-Generalstabschef in Japan: Nordkorea gemeinsame Bedrohung"


def test_quotes_by_speaker_counts_quotes_and_articles_per_entity(seeds_warehouse):
    with connect(seeds_warehouse, read_only=True) as con:
        rows = {r[1]: r for r in con.execute("select * from quotes_by_speaker").fetchall()}
    assert rows["Antony Blinken"][2:5] == ("PER", 8, 2)
    assert rows["Joseph Dunford"][4] == 2


def test_quotes_of_blinken_are_eight_quotations_from_two_reports(seeds_warehouse):
    rows = _run(seeds_warehouse, "quotes_of_blinken.sql")
    assert len(rows) == 8 and len({r[1] for r in rows}) == 2
    assert {r[2] for r in rows} == {"direct", "indirect"}
    assert any(r[3].startswith('"Wir haben Grund zu der Annahme') for r in rows)


def test_who_is_quoted_on_the_military_theme(seeds_warehouse):
    rows = _run(seeds_warehouse, "quoted_on_military.sql")
    assert [r[:3] for r in rows[:2]] == [("Joseph Dunford", "PER", 10), ("Antony Blinken", "PER", 8)]
    assert {r[0] for r in rows} >= {"Shinzo Abe", "Boris Pistorius"}
