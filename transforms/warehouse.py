"""Warehouse: a DuckLake that analysts read while runs commit, and the per-run Parquet it is loaded from.

Layout under the warehouse folder:
- lake.sqlite (the DuckLake catalog, SQLite in WAL mode) and lake/ (its Parquet data files): what
  analysts query. Every run commits in ONE DuckLake transaction, so a reader sees the last committed
  run or the next, never half of one, and a crash at any instant leaves the old state or the new.
  Readers hold snapshots, so they never block a run and a run never blocks them.
- parquet/<table>/run_id=<run>/: each run's staged batches, written atomically (temporary name, then
  rename). The archive from which `rebuild` recreates the lake; a run's files count once the lake
  holds the run as completed, and parquet/runs/run_id=<run>/run.parquet marks that for rebuilds.
- run.lock: one run at a time per warehouse (an flock the kernel releases when a run dies).
With a PostgreSQL catalog (transforms/catalog.py) the catalog lives in a database a team shares, the folder
holds the rest, and one run at a time is a lock held in PostgreSQL (transforms/runlock.py).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, NamedTuple

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from newsetl.transforms import run_history
from newsetl.transforms.catalog import catalog_for
from newsetl.transforms.codes import (
    CLOCK_FLAGS,
    CONTENT_TYPES,
    DATE_PRECISIONS,
    DOCUMENT_STATUSES,
    ENTITY_LABELS,
    LANGUAGES,
    QUOTE_KINDS,
    RUN_STATUSES,
    sql_list,
)
from newsetl.transforms.faults import fault_point

# The connections live in transforms/lake.py (no pandas, for a fast `newsetl query`); re-exported here.
from newsetl.transforms.lake import CATALOG, DATA, DUCKDB_CONFIG, _quote, catalog_exists, connect, open_reader  # noqa: F401
from newsetl.transforms.runlock import PostgresRunLock, WarehouseLocked

ARCHIVE = "parquet"
LOCK = "run.lock"
_SQL = Path(__file__).parent / "data"
# A writer that finds the catalog busy (a reader's checkpoint) waits and tries again.
COMMIT_ATTEMPTS = 5

TS = pa.timestamp("us", tz="UTC")
# The Arrow schemas of the staged Parquet; tests/test_warehouse.py checks they match schema.sql.
SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([("doc_id", pa.string()), ("source_path", pa.string()), ("size_bytes", pa.int64()),
                            ("encoding", pa.string()), ("content_type", pa.string()), ("ingested_at", TS),
                            ("run_id", pa.string()), ("status", pa.string()), ("reason", pa.string())]),
    "articles": pa.schema([("doc_id", pa.string()), ("kicker", pa.string()), ("title", pa.string()),
                           ("teaser", pa.string()), ("body", pa.string()), ("published_at", pa.timestamp("us")),
                           ("date_precision", pa.string()), ("outlet", pa.string()), ("agency", pa.string()),
                           ("authors", pa.list_(pa.string())), ("dateline", pa.string()),
                           ("language", pa.string()), ("word_count", pa.int32())]),
    "mentions": pa.schema([("doc_id", pa.string()), ("entity_id", pa.string()), ("label", pa.string()),
                           ("surface", pa.string()), ("start_char", pa.int32()), ("end_char", pa.int32()),
                           ("source", pa.string()), ("is_derived", pa.bool_())]),
    "entity_aliases": pa.schema([("entity_id", pa.string()), ("name", pa.string()), ("label", pa.string()),
                                 ("country_code", pa.string()), ("alias", pa.string())]),
    "themes": pa.schema([("doc_id", pa.string()), ("theme", pa.string()), ("score", pa.float64())]),
    "quotes": pa.schema([("doc_id", pa.string()), ("quote_id", pa.string()), ("kind", pa.string()),
                         ("quote", pa.string()), ("start_char", pa.int32()), ("end_char", pa.int32()),
                         ("cue", pa.string()), ("speaker", pa.string()), ("speaker_entity_id", pa.string())]),
    "search_terms": pa.schema([("doc_id", pa.string()), ("terms", pa.string())]),
    "stories": pa.schema([("story_id", pa.string()), ("doc_id", pa.string()), ("similarity", pa.float64()),
                          ("is_canonical", pa.bool_()), ("run_id", pa.string())]),
    "signatures": pa.schema([("doc_id", pa.string()), ("story_id", pa.string()), ("shingle_count", pa.int32()),
                             ("hashvalues", pa.list_(pa.uint64())), ("published_at", pa.timestamp("us")),
                             ("word_count", pa.int32())]),
    "quarantine": pa.schema([("doc_id", pa.string()), ("stage", pa.string()), ("reason", pa.string()),
                             ("detail", pa.string()), ("run_id", pa.string())]),
    "quality_results": pa.schema([("run_id", pa.string()), ("table_name", pa.string()),
                                  ("expectation", pa.string()), ("column_name", pa.string()),
                                  ("critical", pa.bool_()), ("success", pa.bool_()),
                                  ("unexpected_count", pa.int64()), ("element_count", pa.int64())]),
    "runs": pa.schema([("run_id", pa.string()), ("flow_run_id", pa.string()), ("started_at", TS),
                       ("finished_at", TS), ("files_seen", pa.int64()), ("loaded", pa.int64()),
                       ("quarantined", pa.int64()), ("duplicates", pa.int64()), ("status", pa.string()),
                       ("message", pa.string()), ("kind", pa.string()), ("newsetl_version", pa.string()),
                       ("stage_versions", pa.string()), ("clock_flag", pa.string())]),
    "stage_versions": pa.schema([("doc_id", pa.string()), ("stage", pa.string()), ("version", pa.string()),
                                 ("run_id", pa.string())]),
    "reprocessed": pa.schema([("run_id", pa.string()), ("part", pa.string()), ("stage", pa.string()),
                              ("documents", pa.int64()), ("version_before", pa.string()),
                              ("version_after", pa.string())]),
    "texts": pa.schema([("doc_id", pa.string()), ("content_type", pa.string()), ("text", pa.string())]),
}
# Rows of these tables belong to one document: a run inserts them only for documents new to the lake.
_PER_DOCUMENT = ("mentions", "themes", "quotes", "search_terms", "signatures", "stage_versions")
# Natural keys, checked after every load: a replayed or doubled load cannot duplicate a row.
KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id", "source_path"), "articles": ("doc_id",),
    "mentions": ("doc_id", "start_char", "end_char", "entity_id"), "themes": ("doc_id", "theme"),
    "quotes": ("doc_id", "quote_id"), "search_terms": ("doc_id",), "signatures": ("doc_id",),
    "stories": ("doc_id",), "entity_aliases": ("entity_id", "alias"), "entities": ("entity_id",),
    "search_docs": ("doc_id",), "runs": ("run_id",), "stage_versions": ("doc_id", "stage"), "texts": ("doc_id",),
}
_COUNTRY_CODE = "country_code is null or regexp_full_match(country_code, '[A-Z]{2}')"
# DuckLake has no CHECK constraints: the load refuses a run whose staged rows break these.
CHECKS: dict[str, list[str]] = {
    "documents": ["length(doc_id) = 64", f"status in {sql_list(DOCUMENT_STATUSES)}",
                  f"content_type is null or content_type in {sql_list(CONTENT_TYPES)}"],
    "articles": ["length(doc_id) = 64", f"language is null or language in {sql_list(LANGUAGES)}",
                 f"date_precision is null or date_precision in {sql_list(DATE_PRECISIONS)}", "word_count >= 0"],
    "mentions": [f"label in {sql_list(ENTITY_LABELS)}", "start_char >= 0 and end_char > start_char"],
    "entity_aliases": [f"label in {sql_list(ENTITY_LABELS)}", _COUNTRY_CODE],
    "themes": ["score between 0 and 1"],
    "quotes": [f"kind in {sql_list(QUOTE_KINDS)}", "start_char >= 0 and end_char > start_char"],
    "stories": ["similarity between 0 and 1"],
    "runs": [f"status in {sql_list(RUN_STATUSES)}", f"clock_flag is null or clock_flag in {sql_list(CLOCK_FLAGS)}"],
}


class LoadRejected(RuntimeError):
    """A run's staged rows break a key or a code check; nothing of the run is committed."""


# ---- schema ---------------------------------------------------------------------------------------

def _statements(path: Path) -> list[str]:
    return [s for s in path.read_text(encoding="utf-8").split(";\n") if s.strip()]


def schema_version() -> str:
    """Hash of the DDL: the schema is applied again when it changes."""
    digest = hashlib.sha256()
    for name in ("schema.sql", "views.sql"):
        digest.update((_SQL / name).read_bytes())
    return digest.hexdigest()[:16]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create or migrate tables, comments, views and macros in a transaction of their own.

    DDL never runs inside a load: a crash in a load then never has to undo a schema change. Columns
    added to schema.sql since a warehouse was created are added to its tables.
    """
    applied = con.execute("select count(*) from duckdb_tables() where database_name = 'lake' "
                          "and table_name = 'schema_versions'").fetchone()[0]
    if applied and con.execute("select count(*) from schema_versions where version = ?",
                                              [schema_version()]).fetchone()[0]:
        return
    con.execute("begin")
    _apply_schema(con)
    con.execute("commit")


def _apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    for statement in _statements(_SQL / "schema.sql"):
        con.execute(statement)
    for table, schema in SCHEMAS.items():
        present = {name for (name,) in con.execute(
            "select column_name from duckdb_columns() where database_name = 'lake' and table_name = ?",
            [table]).fetchall()}
        for name, kind in _duckdb_types(con, schema):
            if name not in present:
                con.execute(f'alter table {table} add column "{name}" {kind}')
    if not con.execute("select count(*) from german_stopwords").fetchone()[0]:
        from spacy.lang.de.stop_words import STOP_WORDS

        con.register("stopwords", pd.DataFrame({"sw": sorted(STOP_WORDS)}))
        con.execute("insert into german_stopwords select sw from stopwords")
        con.unregister("stopwords")
    for statement in _statements(_SQL / "views.sql"):
        con.execute(statement)
    con.execute("insert into schema_versions values (?, now())", [schema_version()])


def _duckdb_types(con: duckdb.DuckDBPyConnection, schema: pa.Schema) -> list[tuple[str, str]]:
    """(column, DuckDB type) of an Arrow schema."""
    con.register("arrow_schema", schema.empty_table())
    types = [(name, kind) for name, kind, *_ in con.execute("describe select * from arrow_schema").fetchall()]
    con.unregister("arrow_schema")
    return types


# ---- the run's staged Parquet ---------------------------------------------------------------------

def archive_dir(warehouse: str | Path, table: str) -> Path:
    """Folder of a table's staged Parquet, one subfolder per run."""
    return Path(warehouse) / ARCHIVE / table


def write_part(warehouse: str | Path, table: str, frame: pd.DataFrame, run_id: str, part: str) -> Path | None:
    """Write one batch of a table under parquet/<table>/run_id=<run_id>/; nothing for an empty batch.

    Written under a temporary name, flushed and renamed, so a crash never leaves a torn file behind.
    """
    if frame is None or frame.empty:
        return None
    folder = archive_dir(warehouse, table) / f"run_id={run_id}"
    folder.mkdir(parents=True, exist_ok=True)
    schema = SCHEMAS[table]
    arrow = pa.Table.from_pandas(frame.reindex(columns=schema.names), schema=schema, preserve_index=False)
    path = folder / f"{part}.parquet"
    partial = folder / f".{part}.parquet.partial"
    with open(partial, "wb") as sink:
        pq.write_table(arrow, sink)
        sink.flush()
        os.fsync(sink.fileno())
    os.replace(partial, path)
    return path


def replace_parts(warehouse: str | Path, table: str, frame: pd.DataFrame, run_id: str, part: str) -> Path | None:
    """Write one part of a table that takes the place of all the run's other parts of it (written first,
    removed after: a crash in between leaves an uncommitted run, which the next run clears)."""
    earlier = [f for f in _staged_files(warehouse, table, run_id) if f.stem != part]
    written = write_part(warehouse, table, frame, run_id, part)
    for path in earlier:
        path.unlink()
    return written


def _staged_files(warehouse: str | Path, table: str, run_id: str) -> list[Path]:
    return sorted((archive_dir(warehouse, table) / f"run_id={run_id}").glob("*.parquet"))


def _parquet_list(files: list[Path]) -> str:
    return "[" + ", ".join(f"'{_quote(f)}'" for f in files) + "]"


def read_staged(warehouse: str | Path, table: str, run_id: str, columns: list[str] | None = None) -> pd.DataFrame:
    """One run's staged rows of a table, before or after its load."""
    wanted = columns or SCHEMAS[table].names
    files = _staged_files(warehouse, table, run_id)
    if not files:
        return SCHEMAS[table].empty_table().select(wanted).to_pandas()
    # Files are read one by one without hive partitioning, whose run_id would clash with the column.
    return pa.concat_tables(pq.read_table(f, columns=wanted, partitioning=None) for f in files).to_pandas()


def _markers(warehouse: str | Path) -> pd.DataFrame:
    """The runs rows written after each run ended: what a rebuild takes as committed or failed."""
    files = sorted(archive_dir(warehouse, "runs").glob("run_id=*/run.parquet"))
    if not files:
        return SCHEMAS["runs"].empty_table().to_pandas()
    tables = [pq.read_table(f, partitioning=None) for f in files]
    return pa.concat_tables(tables, promote_options="permissive").to_pandas().reindex(columns=SCHEMAS["runs"].names)


def _write_marker(warehouse: str | Path, runs_row: dict) -> None:
    write_part(warehouse, "runs", pd.DataFrame([runs_row]), runs_row["run_id"], "run")


# ---- reads a run makes ----------------------------------------------------------------------------

@contextmanager
def _reader(warehouse: str | Path):
    """A read-only connection, or None before the first run committed anything."""
    if not catalog_exists(warehouse):
        yield None
        return
    with open_reader(warehouse) as con:
        yield con


def known_files(warehouse: str | Path) -> frozenset[tuple[str, str]]:
    """(doc_id, source_path) of every document the warehouse has accounted for."""
    with _reader(warehouse) as con:
        if con is None:
            return frozenset()
        return frozenset(con.execute("select doc_id, source_path from documents").fetchall())


def known_entity_ids(warehouse: str | Path) -> frozenset[str]:
    """Canonical entity ids already in the warehouse."""
    with _reader(warehouse) as con:
        if con is None:
            return frozenset()
        return frozenset(e for (e,) in con.execute("select entity_id from entities").fetchall())


def story_candidates(warehouse: str | Path, new: pd.DataFrame, bands: int, rows: int) -> pd.DataFrame:
    """Stored signatures that share an LSH band with a new one, with every member of their stories."""
    empty = SCHEMAS["signatures"].empty_table().to_pandas()
    with _reader(warehouse) as con:
        if con is None or new.empty:
            return empty
        new_signatures = pa.Table.from_pandas(  # noqa: F841 - read by DuckDB's replacement scan
            new[["doc_id", "hashvalues"]], preserve_index=False,
            schema=pa.schema([("doc_id", pa.string()), ("hashvalues", pa.list_(pa.uint64()))]))
        sql = (_SQL / "story_candidates.sql").read_text(encoding="utf-8")
        return con.execute(sql, {"bands": bands, "rows": rows}).df()


# ---- one run at a time ----------------------------------------------------------------------------

class RunLock:
    """An exclusive lock on the warehouse for one run; the kernel drops it when the process dies.

    The lock file names its holder, so a refused run can say which run it waits for. Taken again in
    the process that holds it (the command line, then its flow), it is the same lock.
    """

    _held: dict[Path, list] = {}  # lock path -> [open file, depth] in this process

    def __new__(cls, warehouse: str | Path, run_id: str):
        catalog = catalog_for(warehouse)
        if catalog.postgres:  # runs on other machines share the catalog, not this machine's files
            return PostgresRunLock(catalog, run_id)
        return super().__new__(cls)

    def __init__(self, warehouse: str | Path, run_id: str):
        self.path = (Path(warehouse) / LOCK).resolve()
        self.run_id = run_id

    def __enter__(self) -> "RunLock":
        held = self._held.get(self.path)
        if held is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+", encoding="utf-8")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                handle.close()
                raise WarehouseLocked(f"another newsetl run holds the warehouse {self.path.parent}: {holder}") from None
            held = self._held[self.path] = [handle, 0]
        held[1] += 1
        handle = held[0]
        handle.seek(0)
        handle.truncate()
        handle.write(f"run {self.run_id}, pid {os.getpid()} on {socket.gethostname()}, "
                     f"since {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        held = self._held[self.path]
        held[1] -= 1
        if held[1]:
            return
        del self._held[self.path]
        held[0].truncate(0)
        fcntl.flock(held[0], fcntl.LOCK_UN)
        held[0].close()




# ---- the run's life: begin, load, fail ------------------------------------------------------------

def _retry_commit(write) -> None:
    """Run a write transaction, again when the catalog is busy for a moment."""
    for attempt in range(COMMIT_ATTEMPTS):
        try:
            return write()
        except duckdb.Error as exc:
            if "locked" not in str(exc).lower() or attempt == COMMIT_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * 2 ** attempt)


def begin_run(warehouse: str | Path, runs_row: dict) -> list[dict]:
    """Recover from earlier runs that died, then record this run as running; returns the runs found dead.

    Call it holding the RunLock: no other run can then be alive, so a run still marked running died
    (killed, or its machine went down). It is marked failed, its staged files are removed (they never
    counted), and a committed run whose end marker is missing gets it.
    """
    if not catalog_exists(warehouse) and not _markers(warehouse).empty:
        rebuild(warehouse)  # the catalog is gone, or the warehouse predates it: the archive has it all
    dead: list[dict] = []
    with connect(warehouse) as con:
        runs = con.execute("select * from runs").df()
        now = datetime.now(timezone.utc)

        def mark_dead() -> None:
            con.execute("begin")
            con.execute("update runs set status = 'failed', finished_at = ?, message = ? where status = 'running'",
                        [now, "the run died before it finished (killed or crashed); marked by the next run"])
            # Named in the commit, so that the history orders these runs by it (transforms/run_history.py).
            con.execute("call lake.set_commit_message('newsetl', 'recovery', extra_info => ?)",
                        [json.dumps({"run_ids": [row["run_id"] for row in dead]})])
            con.execute("commit")

        for row in runs[runs["status"] == "running"].to_dict("records"):
            dead.append(row)
        if dead:
            _retry_commit(mark_dead)
            for row in con.execute("select * from runs where status = 'failed' and finished_at = ?",
                                   [now]).df().to_dict("records"):
                _write_marker(warehouse, row)
        completed = runs[runs["status"] == "completed"]
        for row in completed.to_dict("records"):
            if not (archive_dir(warehouse, "runs") / f"run_id={row['run_id']}" / "run.parquet").exists():
                _write_marker(warehouse, row)
        # A reprocess commits batch by batch: the parts it committed count even when it died later.
        parts: dict[str, set[str]] = {}
        for run_id, part in con.execute("select distinct run_id, part from reprocessed").fetchall():
            parts.setdefault(run_id, set()).add(part)
        _remove_uncommitted(warehouse, set(completed["run_id"]) - set(parts), parts)
        own_flag, ahead = run_history.clock_flags_at_start(run_history.runs_by_commit(con), _utc(runs_row["started_at"]))
        con.register("start_row", pd.DataFrame([{**runs_row, "status": "running", "clock_flag": own_flag}]))

        def record_start() -> None:
            con.execute("begin")
            con.execute("insert into runs by name select * from start_row")
            if ahead:
                con.execute(f"update runs set clock_flag = '{run_history.AHEAD}' where run_id in "
                            f"({', '.join('?' for _ in ahead)})", ahead)
            con.execute("call lake.set_commit_message('newsetl', ?)", [f"start {runs_row['run_id']}"])
            con.execute("commit")

        _retry_commit(record_start)
    return dead


def _utc(value) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _keep_clock_flag(con: duckdb.DuckDBPyConnection, runs_row: dict) -> dict:
    """A run's final row keeps the clock flag its start (or a later run) recorded."""
    if runs_row.get("clock_flag"):
        return runs_row
    stored = con.execute("select clock_flag from runs where run_id = ?", [runs_row["run_id"]]).fetchone()
    return {**runs_row, "clock_flag": stored[0] if stored else None}


def _remove_uncommitted(warehouse: str | Path, completed: set[str], committed_parts: dict[str, set[str]]) -> None:
    """Staged files of runs (or reprocess batches) that never committed: they never counted and never will."""
    for table in SCHEMAS:
        if table == "runs":
            continue
        for folder in archive_dir(warehouse, table).glob("run_id=*"):
            run_id = folder.name.removeprefix("run_id=")
            if run_id in committed_parts:
                for part in folder.glob("*.parquet"):
                    if part.stem not in committed_parts[run_id]:
                        part.unlink()
            elif run_id not in completed:
                shutil.rmtree(folder, ignore_errors=True)


def remove_staged(warehouse: str | Path, run_id: str) -> None:
    """A failed run's staged files (they never count), removed now: on a full disk, room to record the failure."""
    for folder in Path(warehouse, ARCHIVE).glob(f"*/run_id={run_id}"):
        if folder.parent.name != "runs":
            shutil.rmtree(folder, ignore_errors=True)


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
        staged = any(_staged_files(warehouse, table, run_id) for table in SCHEMAS)
        if not done:
            if staged:
                _stage_views(con, warehouse, run_id)
                _check_codes(con)

            def commit() -> None:
                con.execute("begin")
                fault_point("load:begin")
                if staged:
                    _insert_run(con, runs_row)
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

            _retry_commit(commit)
    fault_point("load:committed")
    _write_marker(warehouse, runs_row)


def record_failed_run(warehouse: str | Path, runs_row: dict) -> None:
    """Mark a run failed with its message, in the lake and in its end marker; its staged rows never count."""
    record_run(warehouse, {**runs_row, "status": "failed"})


# ---- the load's SQL -------------------------------------------------------------------------------

def _stage_views(con: duckdb.DuckDBPyConnection, warehouse: str | Path, run_ids: str | list[str]) -> None:
    """staged_<table>: the staged rows of one run (or of several, for a rebuild) as temp views."""
    run_ids = [run_ids] if isinstance(run_ids, str) else run_ids
    for table, schema in SCHEMAS.items():
        files = [f for run_id in run_ids for f in _staged_files(warehouse, table, run_id)]
        if files:
            select = f"select * from read_parquet({_parquet_list(files)}, hive_partitioning = false, union_by_name = true)"
        else:
            select = "select " + ", ".join(f'null::{kind} as "{name}"' for name, kind in _duckdb_types(con, schema)) + " limit 0"
        con.execute(f"create or replace temp view staged_{table} as {select}")


def _check_codes(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse the run when a staged row holds a code the warehouse does not know."""
    for table, checks in CHECKS.items():
        for check in checks:
            bad = con.execute(f"select count(*) filter (where not ({check})) from staged_{table}").fetchone()[0]
            if bad:
                raise LoadRejected(f"{bad} staged {table} rows break the check {check}")


def _insert_run(con: duckdb.DuckDBPyConnection, runs_row: dict) -> None:
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
    _refresh_entities(con)
    _index(con)
    _check_keys(con)


def _insert_runs_row(con: duckdb.DuckDBPyConnection, runs_row: dict) -> None:
    con.register("run_row", pd.DataFrame([_keep_clock_flag(con, runs_row)]).reindex(columns=SCHEMAS["runs"].names))
    con.execute("delete from runs where run_id = ?", [runs_row["run_id"]])
    con.execute("insert into runs by name select * from run_row")
    con.unregister("run_row")


def _check_keys(con: duckdb.DuckDBPyConnection, tables: Iterable[str] = KEYS) -> None:
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


# ---- reprocess: stages run again on stored texts ---------------------------------------------------

# The per-document tables each stage writes (a reprocess of a stage replaces them).
STAGE_TABLES = {"clean": ("articles", "search_terms"), "tag": ("mentions",), "themes": ("themes",),
                "quote": ("quotes",), "stories": ("signatures", "stories")}


def documents_to_reprocess(warehouse: str | Path, stages: list[str], installed: dict[str, str],
                           outdated: bool = False, since: str | None = None, limit: int | None = None) -> list[str]:
    """The loaded articles a reprocess of these stages takes, in doc_id order.

    outdated: only those whose recorded version of any of the stages differs from the installed one
    (or that have none recorded); since: published on or after this date.
    """
    conditions, params = [], []
    if outdated:
        wanted = " union all ".join("select ? as stage, ? as version" for _ in stages)
        conditions.append(f"""exists (select 1 from ({wanted}) v where not exists (
            select 1 from stage_versions s where s.doc_id = a.doc_id and s.stage = v.stage and s.version = v.version))""")
        params += [x for stage in stages for x in (stage, installed[stage])]
    if since:
        conditions.append("a.published_at >= ?::date")
        params.append(since)
    where = f"where {' and '.join(conditions)}" if conditions else ""
    with _reader(warehouse) as con:
        if con is None:
            return []
        ids = con.execute(f"select a.doc_id from articles a {where} order by a.doc_id"
                          + (f" limit {int(limit)}" if limit else ""), params).fetchall()
    return [doc_id for (doc_id,) in ids]


def story_inputs(warehouse: str | Path, chunk: int = 5000):
    """Every article's doc_id, body, published_at and word_count, chunk articles at a time: what clustering
    the whole archive again reads (bodies are not held all at once)."""
    with open_reader(warehouse) as con:
        doc_ids = [d for (d,) in con.execute("select doc_id from articles order by doc_id").fetchall()]
        for start in range(0, len(doc_ids), chunk):
            con.register("chunk_ids", pd.DataFrame({"doc_id": doc_ids[start:start + chunk]}))
            yield con.execute("select doc_id, body, published_at, word_count from articles "
                              "where doc_id in (select doc_id from chunk_ids)").df()


def stories_before(warehouse: str | Path) -> tuple[dict[str, str], pd.DataFrame]:
    """Each article's story id, and its recorded version of the stories stage (doc_id, stage, version)."""
    with open_reader(warehouse) as con:
        story_ids = dict(con.execute("select doc_id, story_id from articles").fetchall())
        versions = con.execute("select doc_id, stage, version from stage_versions where stage = 'stories'").df()
    return story_ids, versions


class StoredBatch(NamedTuple):
    """What a reprocess batch reads of its documents: only what the stages it runs need."""

    documents: pd.DataFrame
    texts: dict[str, tuple[str, str]]  # doc_id -> (text, content_type); read only when clean runs again
    articles: pd.DataFrame
    mentions: pd.DataFrame  # read only when tag does not run again (the quote stage reads them)
    versions: pd.DataFrame  # doc_id, stage, version recorded for the stages that run


def read_for_reprocess(warehouse: str | Path, doc_ids: list[str], stages: list[str]) -> StoredBatch:
    """A reprocess batch's stored rows, through one connection."""
    with open_reader(warehouse) as con:
        con.register("batch_ids", pd.DataFrame({"doc_id": doc_ids}))
        con.register("batch_stages", pd.DataFrame({"stage": stages}))
        documents = con.execute("""select * from documents where status = 'loaded' and doc_id in (select doc_id from batch_ids)
                                   qualify row_number() over (partition by doc_id order by source_path) = 1""").df()
        texts = {d: (t, c) for d, t, c in con.execute(
            "select doc_id, text, content_type from texts where doc_id in (select doc_id from batch_ids)").fetchall()
        } if "clean" in stages else {}
        articles = con.execute("select * exclude (story_id) from articles where doc_id in (select doc_id from batch_ids)").df()
        mentions = (pd.DataFrame() if "tag" in stages else
                    con.execute("select * from mentions where doc_id in (select doc_id from batch_ids)").df())
        versions = con.execute("select doc_id, stage, version from stage_versions where doc_id in "
                               "(select doc_id from batch_ids) and stage in (select stage from batch_stages)").df()
    return StoredBatch(documents, texts, articles, mentions, versions)


def commit_reprocessed(con: duckdb.DuckDBPyConnection, warehouse: str | Path, run_id: str, part: str,
                       stages: list[str]) -> int:
    """Swap in one reprocessed batch (its staged part) in one commit, through the reprocess's write
    connection (con, from connect(warehouse)); returns the documents replaced.

    Readers see a document's old rows or its new ones, never both or neither. A document the batch
    rejected keeps its old rows. Story ids stay unless the stories stage itself runs again (its part
    holds every article: the whole archive clustered again).
    """
    _part_views(con, warehouse, run_id, part, _reprocess_tables(stages))
    replaced = con.execute("select count(distinct doc_id) from staged_stage_versions").fetchone()[0]

    def commit() -> None:
        con.execute("begin")
        _swap_in(con, stages)
        fault_point("reprocess:inserted")
        con.execute("call lake.set_commit_message('newsetl', ?, extra_info => ?)",
                    [f"reprocess {run_id} {part}", json.dumps({"run_id": run_id, "part": part, "kind": "reprocess"})])
        con.execute("commit")

    _retry_commit(commit)
    return replaced


def _reprocess_tables(stages: list[str]) -> list[str]:
    """The staged tables a reprocess batch of these stages has: the stages' own and those every batch adds."""
    return [*(table for stage in stages for table in STAGE_TABLES.get(stage, ())),
            "entity_aliases", "stage_versions", "quarantine", "quality_results", "reprocessed"]


def _part_views(con: duckdb.DuckDBPyConnection, warehouse: str | Path, run_id: str, part: str, tables: list[str]) -> None:
    """staged_<table>: one staged part of a run, for these tables."""
    for table in tables:
        schema = SCHEMAS[table]
        files = sorted((archive_dir(warehouse, table) / f"run_id={run_id}").glob(f"{part}.parquet"))
        select = (f"select * from read_parquet({_parquet_list(files)}, hive_partitioning = false)" if files else
                  "select " + ", ".join(f'null::{kind} as "{name}"' for name, kind in _duckdb_types(con, schema))
                  + " limit 0")
        con.execute(f"create or replace temp view staged_{table} as {select}")


def _refresh_entities(con: duckdb.DuckDBPyConnection) -> None:
    """Add the staged aliases and rebuild the entities they touch."""
    con.execute("""insert into entity_aliases by name select distinct * from staged_entity_aliases s
                   where not exists (select 1 from entity_aliases e where e.entity_id = s.entity_id and e.alias = s.alias)""")
    con.execute("create or replace temp table touched_entities as select distinct entity_id from staged_entity_aliases")
    con.execute("delete from entities where entity_id in (select entity_id from touched_entities)")
    con.execute("""insert into entities
                   select entity_id, min(name), min(label), min(country_code), list(distinct alias order by alias)
                   from entity_aliases where entity_id in (select entity_id from touched_entities)
                   group by entity_id""")


def _index(con: duckdb.DuckDBPyConnection) -> None:
    """Search postings for the new_docs among the staged articles."""
    con.execute("create or replace temp view new_articles as select * from staged_articles "
                "where doc_id in (select doc_id from new_docs)")
    con.execute("create or replace temp view new_terms as select * from staged_search_terms")
    for statement in _statements(_SQL / "index_search.sql"):
        con.execute(statement)


def _swap_in(con: duckdb.DuckDBPyConnection, stages: list[str]) -> None:
    """Replace the rows the stages make for the staged documents (inside the caller's transaction)."""
    con.execute("create or replace temp table new_docs as select distinct doc_id from staged_stage_versions")
    for stage in stages:
        for table in STAGE_TABLES.get(stage, ()):
            if table == "articles":
                con.execute("create or replace temp table kept_stories as select doc_id, story_id from articles "
                            "where doc_id in (select doc_id from new_docs)")
            con.execute(f"delete from {table} where doc_id in (select doc_id from new_docs)")
            if table == "articles":
                con.execute("""insert into articles by name select a.*, k.story_id
                               from staged_articles a join kept_stories k using (doc_id)""")
            else:
                con.execute(f"insert into {table} by name select * from staged_{table} "
                            f"where doc_id in (select doc_id from new_docs)")
    if "stories" in stages:
        con.execute("""update articles set story_id = s.story_id from staged_stories s
                       where articles.doc_id = s.doc_id and articles.story_id is distinct from s.story_id""")
    _refresh_entities(con)
    if "clean" in stages:
        con.execute("delete from search_postings where doc_id in (select doc_id from new_docs)")
        con.execute("delete from search_docs where doc_id in (select doc_id from new_docs)")
        _index(con)
    con.execute("delete from stage_versions where doc_id in (select doc_id from new_docs) and stage in "
                "(select distinct stage from staged_stage_versions)")
    con.execute("insert into stage_versions by name select * from staged_stage_versions")
    for table in ("quarantine", "quality_results", "reprocessed"):
        con.execute(f"insert into {table} by name select * from staged_{table}")
    written = [t for t in _reprocess_tables(stages) if t not in ("quarantine", "quality_results", "reprocessed")]
    _check_keys(con, written + ["entities"] + (["search_docs"] if "clean" in stages else []))


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

        _retry_commit(commit)
    _write_marker(warehouse, runs_row)


# ---- rebuild --------------------------------------------------------------------------------------

def rebuild(warehouse: str | Path) -> dict[str, int]:
    """Recreate the lake's tables from the archive alone, one commit; returns each table's row count.

    The runs whose end marker says completed are loaded in order, exactly as their runs loaded them;
    failed runs keep their runs row only.
    """
    markers = _markers(warehouse).sort_values("run_id")
    with connect(warehouse) as con:
        # The notifications sent are no run's staged rows: the archive could not give them back.
        tables = [t for (t,) in con.execute("select table_name from duckdb_tables() where database_name = 'lake' "
                                            "and table_name not in ('german_stopwords', 'notifications')").fetchall()]

        def commit() -> None:
            con.execute("begin")
            for table in tables:
                con.execute(f"drop table {table}")
            _apply_schema(con)
            for row in markers.to_dict("records"):
                if row["kind"] == "reprocess":
                    for part in sorted(_staged_files(warehouse, "reprocessed", row["run_id"])):
                        _part_views(con, warehouse, row["run_id"], part.stem, ["reprocessed"])
                        stages = [s for (s,) in con.execute("select distinct stage from staged_reprocessed").fetchall()]
                        _part_views(con, warehouse, row["run_id"], part.stem, _reprocess_tables(stages))
                        _swap_in(con, stages)
                if row["status"] == "completed" and row["kind"] != "reprocess":
                    _stage_views(con, warehouse, row["run_id"])
                    _insert_run(con, row)
                else:
                    con.register("failed_row", pd.DataFrame([row]))
                    con.execute("insert into runs by name select * from failed_row")
                    con.unregister("failed_row")
            con.execute("call lake.set_commit_message('newsetl', 'rebuild')")
            con.execute("commit")

        _retry_commit(commit)
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in [*SCHEMAS, "entities"]}
