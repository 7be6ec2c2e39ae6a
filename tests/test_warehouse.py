from datetime import datetime, timezone

import pandas as pd

from transforms import warehouse


def _documents(run_id: str, ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ids, "source_path": [f"{i}.txt" for i in ids], "size_bytes": 10,
                         "encoding": "utf-8", "content_type": "text", "ingested_at": datetime.now(timezone.utc),
                         "run_id": run_id, "status": "loaded", "reason": None})


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
    counts = warehouse.rebuild(tmp_path)
    assert counts["documents"] == 2 and counts["stories"] == 2 and counts["runs"] == 2
    with warehouse.connect(tmp_path, read_only=True) as con:
        assert con.execute("select story_id from stories where doc_id = ?", [b]).fetchone()[0] == "S2"


def test_types_an_analyst_expects(tmp_path):
    warehouse.write_part(tmp_path, "articles", pd.DataFrame(
        {"doc_id": ["a" * 64], "title": ["T"], "teaser": [None], "body": ["B"], "published_at": [datetime(2024, 10, 30)],
         "date_precision": ["day"], "outlet": [None], "agency": ["dpa"], "authors": [["Anna Muster"]],
         "dateline": [None], "language": ["de"], "word_count": [1]}), "r1", "batch-0")
    warehouse.load_run(tmp_path, "r1", _runs_row("r1"))
    with warehouse.connect(tmp_path, read_only=True) as con:
        types = dict(con.execute("select column_name, data_type from information_schema.columns "
                                 "where table_name = 'articles'").fetchall())
    assert types["published_at"] == "TIMESTAMP"
    assert types["authors"] == "VARCHAR[]"
    assert types["story_id"] == "VARCHAR"


def test_read_table_of_an_empty_warehouse_has_the_columns(tmp_path):
    frame = warehouse.read_table(tmp_path, "documents", ["doc_id", "source_path"])
    assert frame.empty and list(frame.columns) == ["doc_id", "source_path"]


def test_codes_are_checked_and_the_warehouse_explains_itself(tmp_path):
    import duckdb
    import pytest

    warehouse.write_part(tmp_path, "documents", _documents("r1", ["a" * 64]), "r1", "batch-0")
    warehouse.load_run(tmp_path, "r1", _runs_row("r1"))
    with warehouse.connect(tmp_path) as con:
        with pytest.raises(duckdb.ConstraintException):
            con.execute("insert into mentions values ('d', 'E1', 'PERSON', 'x', 0, 1, 'rule', false)")
        with pytest.raises(duckdb.ConstraintException):
            con.execute("insert into entity_aliases values ('E1', 'Japan', 'LOC', 'jpn', 'Japan')")
        comment = con.execute("select column_comment from warehouse_guide "
                              "where table_name = 'mentions' and column_name = 'start_char'").fetchone()
    assert comment and comment[0].startswith("Python string offset")


def test_a_failed_run_leaves_no_content_and_is_recorded(tmp_path):
    a, b = "a" * 64, "b" * 64
    warehouse.write_part(tmp_path, "documents", _documents("r1", [a]), "r1", "batch-0")
    warehouse.load_run(tmp_path, "r1", _runs_row("r1"))
    # r2 staged its documents but never loaded: they must not count as known, nor come back in a rebuild.
    warehouse.write_part(tmp_path, "documents", _documents("r2", [b]), "r2", "batch-0")
    warehouse.record_failed_run(tmp_path, {**_runs_row("r2"), "status": "failed"})
    assert warehouse.known_files(tmp_path) == {(a, f"{a}.txt")}
    counts = warehouse.rebuild(tmp_path)
    assert counts["documents"] == 1 and counts["runs"] == 2
    with warehouse.connect(tmp_path, read_only=True) as con:
        assert con.execute("select status from runs order by run_id").fetchall() == [("completed",), ("failed",)]
