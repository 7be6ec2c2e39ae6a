from datetime import datetime, timezone

import pandas as pd
import pytest

from transforms import warehouse


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


def _count(path, table: str) -> int:
    with warehouse.connect(path, read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]


def test_load_is_idempotent_and_rebuild_reproduces(tmp_path):
    a, b = "a" * 64, "b" * 64
    warehouse.write_part(tmp_path, "documents", _documents("r1", [a, b]), "r1", "batch-0")
    warehouse.write_part(tmp_path, "articles", _articles([a, b]), "r1", "batch-0")
    warehouse.write_part(tmp_path, "stories", pd.DataFrame(
        {"story_id": ["S1", "S1"], "doc_id": [a, b], "similarity": [1.0, 0.8], "is_canonical": [True, False],
         "run_id": "r1"}), "r1", "all")
    warehouse.load_run(tmp_path, "r1", _runs_row("r1"))
    warehouse.load_run(tmp_path, "r1", _runs_row("r1"))
    assert _count(tmp_path, "documents") == 2 and _count(tmp_path, "runs") == 1

    # A later run moves b into another story: its newest stories row wins, in loads and in rebuilds.
    warehouse.write_part(tmp_path, "stories", pd.DataFrame(
        {"story_id": ["S2"], "doc_id": [b], "similarity": [1.0], "is_canonical": [True], "run_id": "r2"}), "r2", "all")
    warehouse.load_run(tmp_path, "r2", _runs_row("r2"))
    with warehouse.connect(tmp_path, read_only=True) as con:
        assert con.execute("select story_id from articles where doc_id = ?", [b]).fetchone()[0] == "S2"
    counts = warehouse.rebuild(tmp_path)
    assert counts["documents"] == 2 and counts["stories"] == 2 and counts["runs"] == 2
    with warehouse.connect(tmp_path, read_only=True) as con:
        assert con.execute("select story_id from stories where doc_id = ?", [b]).fetchone()[0] == "S2"
        assert con.execute("select story_id from articles where doc_id = ?", [b]).fetchone()[0] == "S2"


def test_the_tables_match_the_parquet_schemas(tmp_path):
    with warehouse.connect(tmp_path) as con:
        for table, schema in warehouse.SCHEMAS.items():
            described = con.execute(f"describe {table}").fetchall()
            expected = warehouse._duckdb_types(con, schema)
            extra = [("story_id", "VARCHAR")] if table == "articles" else []
            assert [(name, kind) for name, kind, *_ in described] == expected + extra, table


def test_types_an_analyst_expects(tmp_path):
    warehouse.write_part(tmp_path, "articles", _articles(["a" * 64]), "r1", "batch-0")
    warehouse.load_run(tmp_path, "r1", _runs_row("r1"))
    with warehouse.connect(tmp_path, read_only=True) as con:
        types = dict(con.execute("select column_name, data_type from information_schema.columns "
                                 "where table_name = 'articles'").fetchall())
    assert types["published_at"] == "TIMESTAMP"
    assert types["authors"] == "VARCHAR[]"
    assert types["story_id"] == "VARCHAR"


def test_a_run_with_an_unknown_code_is_refused_whole(tmp_path):
    a = "a" * 64
    warehouse.write_part(tmp_path, "documents", _documents("r1", [a]), "r1", "batch-0")
    warehouse.write_part(tmp_path, "mentions", pd.DataFrame(
        {"doc_id": [a], "entity_id": ["E1"], "label": ["PERSON"], "surface": ["x"], "start_char": [0],
         "end_char": [1], "source": ["rule"], "is_derived": [False]}), "r1", "batch-0")
    with pytest.raises(warehouse.LoadRejected, match="label in"):
        warehouse.load_run(tmp_path, "r1", _runs_row("r1"))
    assert _count(tmp_path, "documents") == 0 and _count(tmp_path, "runs") == 0


def test_the_warehouse_explains_itself(tmp_path):
    warehouse.connect(tmp_path).close()
    with warehouse.connect(tmp_path, read_only=True) as con:
        comment = con.execute("select column_comment from warehouse_guide "
                              "where table_name = 'mentions' and column_name = 'start_char'").fetchone()
    assert comment and comment[0].startswith("Python string offset")


def test_a_failed_run_leaves_no_content_and_is_recorded(tmp_path):
    a, b = "a" * 64, "b" * 64
    warehouse.write_part(tmp_path, "documents", _documents("r1", [a]), "r1", "batch-0")
    warehouse.load_run(tmp_path, "r1", _runs_row("r1"))
    # r2 staged its documents but never loaded: they must not count as known, nor come back in a rebuild.
    warehouse.write_part(tmp_path, "documents", _documents("r2", [b]), "r2", "batch-0")
    warehouse.record_failed_run(tmp_path, {**_runs_row("r2"), "message": "boom"})
    assert warehouse.known_files(tmp_path) == {(a, f"{a}.txt")}
    counts = warehouse.rebuild(tmp_path)
    assert counts["documents"] == 1 and counts["runs"] == 2
    with warehouse.connect(tmp_path, read_only=True) as con:
        assert con.execute("select status, message from runs order by run_id").fetchall() == [
            ("completed", None), ("failed", "boom")]


def test_a_run_that_died_is_marked_failed_and_its_staged_files_removed(tmp_path):
    warehouse.begin_run(tmp_path, {**_runs_row("r1"), "status": "running"})
    warehouse.write_part(tmp_path, "documents", _documents("r1", ["a" * 64]), "r1", "batch-0")
    # r1 is killed here; the next run finds it running while nobody holds the lock.
    dead = warehouse.begin_run(tmp_path, {**_runs_row("r2"), "status": "running"})
    assert [row["run_id"] for row in dead] == ["r1"]
    assert not (tmp_path / "parquet" / "documents" / "run_id=r1").exists()
    with warehouse.connect(tmp_path, read_only=True) as con:
        assert con.execute("select run_id, status from runs order by run_id").fetchall() == [
            ("r1", "failed"), ("r2", "running")]


def test_a_second_run_is_refused_while_one_holds_the_warehouse(tmp_path):
    import subprocess
    import sys

    with warehouse.RunLock(tmp_path, "r1"):
        with warehouse.RunLock(tmp_path, "r1"):  # the command line, then its flow: the same lock
            pass
        other = subprocess.run([sys.executable, "-c", "import sys; from transforms.warehouse import RunLock\n"
                                "with RunLock(sys.argv[1], 'r2'): pass", str(tmp_path)], capture_output=True, text=True)
        assert "WarehouseLocked: another newsetl run holds the warehouse" in other.stderr and "run r1, pid" in other.stderr
    with warehouse.RunLock(tmp_path, "r3"):
        pass


def test_readers_see_the_warehouse_as_an_earlier_run_left_it(tmp_path):
    a, b = "a" * 64, "b" * 64
    for run_id, doc in (("r1", a), ("r2", b)):
        warehouse.write_part(tmp_path, "documents", _documents(run_id, [doc]), run_id, "batch-0")
        warehouse.load_run(tmp_path, run_id, _runs_row(run_id))
    with warehouse.connect(tmp_path, as_of_run="r1") as con:
        assert con.execute("select doc_id from documents").fetchall() == [(a,)]
    assert _count(tmp_path, "documents") == 2


def test_known_files_of_an_empty_warehouse(tmp_path):
    assert warehouse.known_files(tmp_path) == frozenset()
