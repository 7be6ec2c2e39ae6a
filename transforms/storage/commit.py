"""A run's staged rows committed to the lake in one transaction: checks, inserts by key, entities, search index."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterable

import duckdb
import pandas as pd

from newsetl.transforms.codes import COMPLETED, FAILED
from newsetl.transforms.faults import fault_point
from newsetl.transforms.lake import connect
from newsetl.transforms.storage.schema import CHECKS, KEYS, SCHEMAS, SQL_DIR, LoadRejected, duckdb_types, statements
from newsetl.transforms.storage.staging import parquet_list, staged_files, write_marker, write_part

# A writer that finds the catalog busy (a reader's checkpoint) waits and tries again.
COMMIT_ATTEMPTS = 5


def retry_commit(write) -> None:
    """Run a write transaction, again when the catalog is busy for a moment."""
    for attempt in range(COMMIT_ATTEMPTS):
        try:
            return write()
        except duckdb.Error as exc:
            if "locked" not in str(exc).lower() or attempt == COMMIT_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * 2 ** attempt)


def _keep_clock_flag(con: duckdb.DuckDBPyConnection, runs_row: dict) -> dict:
    """A run's final row keeps the clock flag its start (or a later run) recorded."""
    if runs_row.get("clock_flag"):
        return runs_row
    stored = con.execute("select clock_flag from runs where run_id = ?", [runs_row["run_id"]]).fetchone()
    return {**runs_row, "clock_flag": stored[0] if stored else None}


def load_run(warehouse: str | Path, run_id: str, runs_row: dict, run_checks=None) -> None:
    """Commit one run's staged Parquet to the lake in a single transaction; loading a run twice adds nothing.

    run_checks(con) -> quality_results rows: checks that need the run's rows in place (health, the
    entities suite), run inside the transaction so their results commit with the run.
    The run's end marker is written after the commit; a crash between the two is mended by the next
    run (begin_run).
    """
    runs_row = {**runs_row, "status": COMPLETED}
    with connect(warehouse) as con:
        done = con.execute("select count(*) from runs where run_id = ? and status = 'completed'", [run_id]).fetchone()[0]
        # A run that staged nothing (nothing new) commits its runs row and checks alone.
        staged = any(staged_files(warehouse, table, run_id) for table in SCHEMAS)
        if not done:
            if staged:
                stage_views(con, warehouse, run_id)
                _check_codes(con)

            def commit() -> None:
                con.execute("begin")
                fault_point("load:begin")
                if staged:
                    insert_run(con, runs_row)
                else:
                    _insert_runs_row(con, runs_row)
                if run_checks is not None:
                    checks = run_checks(con)
                    write_part(warehouse, "quality_results", checks, run_id, "run-checks")
                    con.register("run_checks", checks.reindex(columns=SCHEMAS["quality_results"].names))
                    con.execute("insert into quality_results by name select * from run_checks")
                    con.unregister("run_checks")
                fault_point("load:inserted")
                con.execute("call lake.set_commit_message('newsetl', ?, extra_info => ?)",
                            [f"run {run_id}", json.dumps({"run_id": run_id, "kind": "run"})])
                con.execute("commit")

            retry_commit(commit)
    fault_point("load:committed")
    write_marker(warehouse, runs_row)


def record_failed_run(warehouse: str | Path, runs_row: dict) -> None:
    """Mark a run failed with its message, in the lake and in its end marker; its staged rows never count."""
    record_run(warehouse, {**runs_row, "status": FAILED})


def record_run(warehouse: str | Path, runs_row: dict) -> None:
    """Write a run's final runs row and its end marker: a failed run, or a reprocess (whose data
    committed batch by batch). A run that committed as completed stays completed."""
    with connect(warehouse) as con:
        con.register("final_row", pd.DataFrame([_keep_clock_flag(con, runs_row)]).reindex(columns=SCHEMAS["runs"].names))
        completed = "select 1 from runs where run_id = ? and status = 'completed'"
        if con.execute(completed, [runs_row["run_id"]]).fetchone():
            return

        def commit() -> None:
            con.execute("begin")
            con.execute("delete from runs where run_id = ?", [runs_row["run_id"]])
            con.execute("insert into runs by name select * from final_row")
            con.execute("call lake.set_commit_message('newsetl', ?)", [f"{runs_row['status']} {runs_row['run_id']}"])
            con.execute("commit")

        retry_commit(commit)
    write_marker(warehouse, runs_row)


def stage_views(con: duckdb.DuckDBPyConnection, warehouse: str | Path, run_ids: str | list[str]) -> None:
    """staged_<table>: the staged rows of one run (or of several, for a rebuild) as temp views."""
    run_ids = [run_ids] if isinstance(run_ids, str) else run_ids
    for table, schema in SCHEMAS.items():
        files = [f for run_id in run_ids for f in staged_files(warehouse, table, run_id)]
        if files:
            select = f"select * from read_parquet({parquet_list(files)}, hive_partitioning = false, union_by_name = true)"
        else:
            select = "select " + ", ".join(f'null::{kind} as "{name}"' for name, kind in duckdb_types(con, schema)) + " limit 0"
        con.execute(f"create or replace temp view staged_{table} as {select}")


def _check_codes(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse the run when a staged row holds a code the warehouse does not know."""
    for table, checks in CHECKS.items():
        for check in checks:
            bad = con.execute(f"select count(*) filter (where not ({check})) from staged_{table}").fetchone()[0]
            if bad:
                raise LoadRejected(f"{bad} staged {table} rows break the check {check}")


def insert_run(con: duckdb.DuckDBPyConnection, runs_row: dict) -> None:
    """Insert one run's staged rows by key, refresh what derives from them, and check the keys."""
    run_sql(con, "insert_run.sql")
    run_sql(con, "story_ids.sql")
    _insert_runs_row(con, runs_row)
    refresh_entities(con)
    index_new_docs(con)
    check_keys(con)


def run_sql(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """The statements of one of the package's SQL files, in order."""
    for statement in statements(SQL_DIR / name):
        con.execute(statement)


def _insert_runs_row(con: duckdb.DuckDBPyConnection, runs_row: dict) -> None:
    con.register("run_row", pd.DataFrame([_keep_clock_flag(con, runs_row)]).reindex(columns=SCHEMAS["runs"].names))
    con.execute("delete from runs where run_id = ?", [runs_row["run_id"]])
    con.execute("insert into runs by name select * from run_row")
    con.unregister("run_row")


def check_keys(con: duckdb.DuckDBPyConnection, tables: Iterable[str] = KEYS) -> None:
    """No natural key of a row this run touched may appear twice, in the tables it wrote."""
    scopes = {"entity_aliases": "touched_entities", "entities": "touched_entities", "runs": None}
    for table in tables:
        key = KEYS[table]
        scope = scopes.get(table, "new_docs")
        where = f"where {key[0]} in (select {key[0]} from {scope})" if scope else ""
        doubled = con.execute(f"select count(*) from (select {', '.join(key)} from {table} {where} "
                              f"group by all having count(*) > 1)").fetchone()[0]
        if doubled:
            raise LoadRejected(f"{doubled} keys ({', '.join(key)}) of {table} would appear twice")


def refresh_entities(con: duckdb.DuckDBPyConnection) -> None:
    """Add the staged aliases and rebuild the entities they touch."""
    run_sql(con, "refresh_entities.sql")


def index_new_docs(con: duckdb.DuckDBPyConnection) -> None:
    """Search postings for the new_docs among the staged articles."""
    con.execute("create or replace temp view new_articles as select * from staged_articles "
                "where doc_id in (select doc_id from new_docs)")
    con.execute("create or replace temp view new_terms as select * from staged_search_terms")
    run_sql(con, "index_search.sql")
