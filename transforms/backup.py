"""Backups: a consistent copy of a warehouse's last committed state, taken while a run goes on.

Copying the folder as it stands can tear it: a run writes Parquet files before it commits and the
catalog changes under the copy. A backup instead copies the catalog in one SQLite read transaction
(the online backup API: one committed state, writers keep committing meanwhile), then exactly the data
files that catalog references, which DuckLake never changes once written. The copy's catalog names its
own data path and the archive of its finished runs comes along: the backup folder is a warehouse of its
own (its quality report is rebuilt from it, `newsetl report`). Restoring is using it (or moving it into the old one's place).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

from newsetl.transforms import run_history
from newsetl.transforms.catalog import catalog_for
from newsetl.transforms.codes import RUNNING
from newsetl.transforms.storage import ARCHIVE, CATALOG, DATA, catalog_exists, connect

# The catalog's files with their paths resolved as DuckLake resolves them: relative to the table's path,
# relative to the schema's, relative to the data path. end_snapshot is null for the files of the last state.
_FILES = """
with schemas as (select distinct schema_id, path, path_is_relative from ducklake_schema),
     tables as (select distinct table_id, schema_id, path, path_is_relative from ducklake_table),
     files as (select table_id, path, path_is_relative, end_snapshot, file_size_bytes from ducklake_data_file
               union all
               select table_id, path, path_is_relative, end_snapshot, file_size_bytes from ducklake_delete_file)
select distinct
       case when f.path_is_relative = 0 then f.path
            when t.path_is_relative = 0 then t.path || f.path
            when s.path_is_relative = 0 then s.path || t.path || f.path
            else :data || s.path || t.path || f.path end,
       f.end_snapshot is null, f.file_size_bytes
from files f join tables t using (table_id) join schemas s using (schema_id)
"""


class Backup(NamedTuple):
    """What a backup holds."""

    snapshot: int  # the catalog snapshot copied
    last_run: str | None  # the last finished run in it
    data_files: int
    data_bytes: int
    archived_runs: int


def backup(warehouse: str | Path, dest: str | Path) -> Backup:
    """Copy the warehouse's last committed state into dest (a new or empty folder); returns what it holds.

    dest/lake.sqlite is written last: a backup interrupted half-way is no warehouse, never a torn one.
    """
    source, dest = Path(warehouse).resolve(), Path(dest).resolve()
    if not catalog_exists(source):
        raise FileNotFoundError(f"no warehouse at {source}")
    if catalog_for(source).postgres:
        raise FileNotFoundError(f"the warehouse {source} keeps its catalog in PostgreSQL: back that database up "
                                "with PostgreSQL's own tools (pg_dump), and the folder with it")
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty: a backup goes to a new or empty folder")
    dest.mkdir(parents=True, exist_ok=True)
    partial = dest / f".{CATALOG}.partial"
    with closing(sqlite3.connect(source / CATALOG)) as catalog, closing(sqlite3.connect(partial)) as copy:
        catalog.backup(copy)  # all pages in one step: one read transaction, one committed state
        data_path = copy.execute("select value from ducklake_metadata where key = 'data_path'").fetchone()[0]
        files = copy.execute(_FILES, {"data": data_path}).fetchall()
        copy.execute("update ducklake_metadata set value = ? where key = 'data_path'", [f"{dest / DATA}/"])
        snapshot = copy.execute("select max(snapshot_id) from ducklake_snapshot").fetchone()[0]
        copy.commit()
        # WAL mode, as every catalog newsetl makes (readers never hold up a commit), with the log folded into
        # the file: the file is renamed into place below, and a log left beside it would not follow.
        copy.execute("pragma journal_mode=wal")
        copy.execute("pragma wal_checkpoint(truncate)")
    copied, size = _copy_data_files(files, data_path, source / DATA, dest / DATA)
    _fsync(partial)
    os.replace(partial, dest / CATALOG)
    with connect(dest, read_only=True) as con:
        runs = run_history.runs_by_commit(con, "run_id, status")
        finished = list(runs.loc[runs["status"] != RUNNING, "run_id"])
    _copy_archive(source, dest, finished)
    return Backup(snapshot, finished[0] if finished else None, copied, size, len(finished))


def _copy_data_files(files: list[tuple[str, bool, int]], data_path: str, source_data: Path,
                     dest_data: Path) -> tuple[int, int]:
    """Copy the referenced data files under the copy's data path; a file of the last state must be there."""
    copied = size = 0
    for path, current, expected_size in files:
        original = Path(path)
        if path.startswith(data_path):  # the catalog may name a folder the warehouse was moved away from
            original = source_data / path[len(data_path):]
        if not original.is_file():
            if current:
                raise FileNotFoundError(f"the catalog references {original}, which is missing")
            continue  # a file only an old snapshot needed, gone: time travel to it fails as it did before
        target = dest_data / original.relative_to(source_data)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(original, target)
        if expected_size is not None and target.stat().st_size != expected_size:
            raise OSError(f"{original} is {target.stat().st_size} bytes, the catalog says {expected_size}")
        _fsync(target)
        copied, size = copied + 1, size + target.stat().st_size
    return copied, size


def _copy_archive(source: Path, dest: Path, run_ids: list[str]) -> None:
    """The staged Parquet of the finished runs (what `newsetl rebuild` recreates the lake from); a run in
    progress is left out, and so are files being written (their temporary names start with a dot)."""
    wanted = set(run_ids)
    for folder in (source / ARCHIVE).glob("*/run_id=*"):
        if folder.name.removeprefix("run_id=") not in wanted:
            continue
        target = dest / folder.relative_to(source)
        target.mkdir(parents=True, exist_ok=True)
        for part in folder.glob("*.parquet"):
            shutil.copy2(part, target / part.name)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
