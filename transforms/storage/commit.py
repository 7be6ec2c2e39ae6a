"""A run's staged rows committed to the lake in one transaction: checks, inserts by key, entities, search index."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterable

import duckdb
import pandas as pd

from newsetl.transforms.faults import fault_point
from newsetl.transforms.lake import connect
from newsetl.transforms.storage.schema import CHECKS, KEYS, SCHEMAS, SQL_DIR, LoadRejected, duckdb_types, statements
from newsetl.transforms.storage.staging import parquet_list, staged_files, write_marker, write_part

# A writer that finds the catalog busy (a reader's checkpoint) waits and tries again.
COMMIT_ATTEMPTS = 5


# Rows of these tables belong to one document: a run inserts them only for documents new to the lake.
_PER_DOCUMENT = ("mentions", "themes", "quotes", "search_terms", "signatures", "stage_versions")


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
    runs_row = {**runs_row, "status": "completed"}
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
    record_run(warehouse, {**runs_row, "status": "failed"})


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
    con.execute("create or replace temp table new_docs as select distinct doc_id from staged_articles "
                "where doc_id not in (select doc_id from articles)")
    con.execute("""insert into documents by name select * from staged_documents s
                   where not exists (select 1 from documents d where d.doc_id = s.doc_id and d.source_path = s.source_path)""")
    # A new article takes its story id with it; older articles whose story this run changed are updated.
    con.execute("""insert into articles by name
                   select a.*, s.story_id from staged_articles a left join staged_stories s using (doc_id)
                   where a.doc_id in (select doc_id from new_docs)""")
    for table in _PER_DOCUMENT:
        con.execute(f"insert into {table} by name select * from staged_{table} "
                    f"where doc_id in (select doc_id from new_docs)")
    con.execute("delete from stories where doc_id in (select doc_id from staged_stories)")
    con.execute("insert into stories by name select * from staged_stories")
    con.execute("""update articles set story_id = s.story_id from staged_stories s
                   where articles.doc_id = s.doc_id and articles.story_id is distinct from s.story_id""")
    con.execute("insert into texts by name select * from staged_texts s "
                "where not exists (select 1 from texts t where t.doc_id = s.doc_id)")
    con.execute("insert into quarantine by name select * from staged_quarantine")
    con.execute("insert into quality_results by name select * from staged_quality_results")
    _insert_runs_row(con, runs_row)
    refresh_entities(con)
    index_new_docs(con)
    check_keys(con)


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
    con.execute("""insert into entity_aliases by name select distinct * from staged_entity_aliases s
                   where not exists (select 1 from entity_aliases e where e.entity_id = s.entity_id and e.alias = s.alias)""")
    con.execute("create or replace temp table touched_entities as select distinct entity_id from staged_entity_aliases")
    con.execute("delete from entities where entity_id in (select entity_id from touched_entities)")
    con.execute("""insert into entities
                   select entity_id, min(name), min(label), min(country_code), list(distinct alias order by alias)
                   from entity_aliases where entity_id in (select entity_id from touched_entities)
                   group by entity_id""")


def index_new_docs(con: duckdb.DuckDBPyConnection) -> None:
    """Search postings for the new_docs among the staged articles."""
    con.execute("create or replace temp view new_articles as select * from staged_articles "
                "where doc_id in (select doc_id from new_docs)")
    con.execute("create or replace temp view new_terms as select * from staged_search_terms")
    for statement in statements(SQL_DIR / "index_search.sql"):
        con.execute(statement)
