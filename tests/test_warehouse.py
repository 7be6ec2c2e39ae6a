from datetime import datetime, timezone

import pandas as pd
import pytest
from conftest import CATALOG_KINDS, use_catalog

from newsetl.transforms import warehouse


def _documents(run_id: str, ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ids, "source_path": [f"{i}.txt" for i in ids], "size_bytes": 10,
                         "encoding": "utf-8", "content_type": "text", "ingested_at": datetime.now(timezone.utc),
                         "run_id": run_id, "status": "loaded", "reason": None})


def _articles(ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ids, "kicker": None, "title": "T", "teaser": None, "body": "Die Rakete flog.",
                         "published_at": datetime(2024, 10, 30), "date_precision": "day", "outlet": None,
                         "agency": "dpa", "authors": [["Anna Muster"]] * len(ids), "dateline": None,
                         "language": "de", "word_count": 3})


def _runs_row(run_id: str) -> dict:
    now = datetime.now(timezone.utc)
    return {"run_id": run_id, "flow_run_id": "", "started_at": now, "finished_at": now, "files_seen": 1,
            "loaded": 1, "quarantined": 0, "duplicates": 0, "status": "completed"}


A, B, C, D = "a" * 64, "b" * 64, "c" * 64, "d" * 64


def _stories(run_id: str, rows: list[tuple[str, str, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["story_id", "doc_id", "similarity", "is_canonical"]).assign(run_id=run_id)


@pytest.fixture(scope="module", params=CATALOG_KINDS)
def history(request, tmp_path_factory):
    """A warehouse after three runs: r1 (a and b, one story) loaded twice; r2 adds c and moves b into a
    story of its own; r3 staged d and failed. The tests below read it, but for a refused run that must leave
    no trace, and a rebuild that must reproduce it. Once with each kind of catalog."""
    path = use_catalog(request, request.param, tmp_path_factory.mktemp("warehouse"))
    warehouse.write_part(path, "documents", _documents("r1", [A, B]), "r1", "batch-0")
    warehouse.write_part(path, "articles", _articles([A, B]), "r1", "batch-0")
    warehouse.write_part(path, "stories", _stories("r1", [("S1", A, 1.0, True), ("S1", B, 0.8, False)]), "r1", "all")
    first = _runs_row("r1")
    warehouse.load_run(path, "r1", first)
    warehouse.load_run(path, "r1", first)  # a replay, as a retried load task makes
    warehouse.write_part(path, "documents", _documents("r2", [C]), "r2", "batch-0")
    warehouse.write_part(path, "articles", _articles([C]), "r2", "batch-0")
    warehouse.write_part(path, "stories", _stories("r2", [("S2", B, 1.0, True), ("S3", C, 1.0, True)]), "r2", "all")
    warehouse.load_run(path, "r2", _runs_row("r2"))
    warehouse.write_part(path, "documents", _documents("r3", [D]), "r3", "batch-0")
    warehouse.record_failed_run(path, {**_runs_row("r3"), "message": "boom"})
    return path


def test_loading_a_run_twice_adds_nothing(history):
    with warehouse.connect(history, read_only=True) as con:
        assert con.execute("select count(*) from documents where run_id = 'r1'").fetchone()[0] == 2
        assert con.execute("select count(*) from runs where run_id = 'r1'").fetchone()[0] == 1


def test_the_newest_stories_row_of_an_article_wins(history):
    with warehouse.connect(history, read_only=True) as con:
        assert con.execute("select story_id from articles where doc_id = ?", [B]).fetchone()[0] == "S2"
        assert con.execute("select story_id from stories where doc_id = ?", [B]).fetchall() == [("S2",)]


def test_a_failed_run_leaves_no_content_and_is_recorded(history):
    # r3 staged its documents but never loaded: they must not count as known.
    assert warehouse.known_files(history) == {(doc, f"{doc}.txt") for doc in (A, B, C)}
    with warehouse.connect(history, read_only=True) as con:
        assert con.execute("select run_id, status, message from runs order by run_id").fetchall() == [
            ("r1", "completed", None), ("r2", "completed", None), ("r3", "failed", "boom")]


def test_readers_see_the_warehouse_as_an_earlier_run_left_it(history):
    with warehouse.connect(history, as_of_run="r1") as con:
        assert sorted(con.execute("select doc_id from documents").fetchall()) == [(A,), (B,)]
        assert con.execute("select story_id from articles where doc_id = ?", [B]).fetchone()[0] == "S1"


def test_the_tables_match_the_parquet_schemas(history):
    with warehouse.connect(history, read_only=True) as con:
        for table, schema in warehouse.SCHEMAS.items():
            described = con.execute(f"describe {table}").fetchall()
            expected = warehouse._duckdb_types(con, schema)
            extra = [("story_id", "VARCHAR")] if table == "articles" else []
            assert [(name, kind) for name, kind, *_ in described] == expected + extra, table


def test_types_an_analyst_expects(history):
    with warehouse.connect(history, read_only=True) as con:
        types = dict(con.execute("select column_name, data_type from information_schema.columns "
                                 "where table_name = 'articles'").fetchall())
    assert types["published_at"] == "TIMESTAMP"
    assert types["authors"] == "VARCHAR[]"
    assert types["story_id"] == "VARCHAR"


def test_the_warehouse_explains_itself(history):
    with warehouse.connect(history, read_only=True) as con:
        comment = con.execute("select column_comment from warehouse_guide "
                              "where table_name = 'mentions' and column_name = 'start_char'").fetchone()
    assert comment and comment[0].startswith("Python string offset")


def test_a_run_with_an_unknown_code_is_refused_whole(history):
    e = "e" * 64
    warehouse.write_part(history, "documents", _documents("r4", [e]), "r4", "batch-0")
    warehouse.write_part(history, "mentions", pd.DataFrame(
        {"doc_id": [e], "entity_id": ["E1"], "label": ["PERSON"], "surface": ["x"], "start_char": [0],
         "end_char": [1], "source": ["rule"], "is_derived": [False]}), "r4", "batch-0")
    with pytest.raises(warehouse.LoadRejected, match="label in"):
        warehouse.load_run(history, "r4", _runs_row("r4"))
    with warehouse.connect(history, read_only=True) as con:
        assert con.execute("select count(*) from documents where doc_id = ?", [e]).fetchone()[0] == 0
        assert con.execute("select count(*) from runs where run_id = 'r4'").fetchone()[0] == 0


def _snapshot(path) -> dict:
    with warehouse.connect(path, read_only=True) as con:
        return {t: con.execute(f"select md5(string_agg(x::varchar, '|' order by x::varchar)), count(*) from {t} x").fetchone()
                for t in [*warehouse.SCHEMAS, "entities"]}


def test_rebuild_from_the_archive_reproduces_every_table(history):
    before = _snapshot(history)
    counts = warehouse.rebuild(history)
    assert (counts["documents"], counts["stories"], counts["runs"]) == (3, 3, 3)
    assert _snapshot(history) == before


def test_a_run_that_died_is_marked_failed_and_its_staged_files_removed(new_warehouse):
    tmp_path = new_warehouse
    warehouse.begin_run(tmp_path, {**_runs_row("r1"), "status": "running"})
    warehouse.write_part(tmp_path, "documents", _documents("r1", ["a" * 64]), "r1", "batch-0")
    # r1 is killed here; the next run finds it running while nobody holds the lock.
    dead = warehouse.begin_run(tmp_path, {**_runs_row("r2"), "status": "running"})
    assert [row["run_id"] for row in dead] == ["r1"]
    assert not (tmp_path / "parquet" / "documents" / "run_id=r1").exists()
    with warehouse.connect(tmp_path, read_only=True) as con:
        assert con.execute("select run_id, status from runs order by run_id").fetchall() == [
            ("r1", "failed"), ("r2", "running")]


def test_a_second_run_is_refused_while_one_holds_the_warehouse(new_warehouse):
    tmp_path = new_warehouse
    import subprocess
    import sys

    with warehouse.RunLock(tmp_path, "r1"):
        with warehouse.RunLock(tmp_path, "r1"):  # the command line, then its flow: the same lock
            pass
        other = subprocess.run([sys.executable, "-c", "import sys; from newsetl.transforms.warehouse import RunLock\n"
                                "with RunLock(sys.argv[1], 'r2'): pass", str(tmp_path)], capture_output=True, text=True)
        assert "WarehouseLocked: another newsetl run holds the warehouse" in other.stderr and "run r1, pid" in other.stderr
    with warehouse.RunLock(tmp_path, "r3"):
        pass


def test_known_files_of_an_empty_warehouse(tmp_path):
    assert warehouse.known_files(tmp_path) == frozenset()
