"""Storage: a DuckLake that analysts read while runs commit, and the per-run Parquet it is loaded from.

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

Modules by concern: schema (tables, keys, checks, DDL), staging (the staged Parquet), reads (what runs
read first), lock (one run at a time), recovery (a run's start after dead runs), commit (a run's load),
swaps (reprocess batches), rebuild (the lake from the archive). Connections live in transforms/lake.py
(no pandas, for a fast `newsetl query`). This package's names are the storage API flows and scripts use.
"""
from newsetl.transforms.lake import CATALOG, DATA, DUCKDB_CONFIG, catalog_exists, connect, open_reader
from newsetl.transforms.runlock import WarehouseLocked
from newsetl.transforms.storage.commit import load_run, record_failed_run, record_run, retry_commit
from newsetl.transforms.storage.lock import LOCK, RunLock
from newsetl.transforms.storage.reads import (
    StoredBatch,
    documents_to_reprocess,
    known_entity_ids,
    known_files,
    read_for_reprocess,
    stories_before,
    story_candidates,
    story_inputs,
)
from newsetl.transforms.storage.rebuild import rebuild
from newsetl.transforms.storage.recovery import begin_run, remove_staged
from newsetl.transforms.storage.schema import (
    CHECKS,
    KEYS,
    SCHEMAS,
    SQL_DIR,
    LoadRejected,
    duckdb_types,
    ensure_schema,
    schema_version,
)
from newsetl.transforms.storage.staging import ARCHIVE, archive_dir, read_staged, replace_parts, write_part
from newsetl.transforms.storage.swaps import STAGE_TABLES, commit_reprocessed

__all__ = [
    "ARCHIVE", "CATALOG", "CHECKS", "DATA", "DUCKDB_CONFIG", "KEYS", "LOCK", "SCHEMAS", "SQL_DIR", "STAGE_TABLES",
    "LoadRejected", "RunLock", "StoredBatch", "WarehouseLocked", "archive_dir", "begin_run", "catalog_exists",
    "commit_reprocessed", "connect", "documents_to_reprocess", "duckdb_types", "ensure_schema", "known_entity_ids",
    "known_files", "load_run", "open_reader", "read_for_reprocess", "read_staged", "rebuild", "record_failed_run",
    "record_run", "remove_staged", "replace_parts", "retry_commit", "schema_version", "stories_before",
    "story_candidates", "story_inputs", "write_part",
]
