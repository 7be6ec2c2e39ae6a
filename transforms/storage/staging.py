"""Each run's staged Parquet under parquet/<table>/run_id=<run>/: written atomically, read back, end markers."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from newsetl.transforms.lake import _quote
from newsetl.transforms.storage.schema import SCHEMAS

ARCHIVE = "parquet"


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
    earlier = [f for f in staged_files(warehouse, table, run_id) if f.stem != part]
    written = write_part(warehouse, table, frame, run_id, part)
    for path in earlier:
        path.unlink()
    return written


def staged_files(warehouse: str | Path, table: str, run_id: str) -> list[Path]:
    return sorted((archive_dir(warehouse, table) / f"run_id={run_id}").glob("*.parquet"))


def parquet_list(files: list[Path]) -> str:
    return "[" + ", ".join(f"'{_quote(f)}'" for f in files) + "]"


def read_staged(warehouse: str | Path, table: str, run_id: str, columns: list[str] | None = None) -> pd.DataFrame:
    """One run's staged rows of a table, before or after its load."""
    wanted = columns or SCHEMAS[table].names
    files = staged_files(warehouse, table, run_id)
    if not files:
        return SCHEMAS[table].empty_table().select(wanted).to_pandas()
    # Files are read one by one without hive partitioning, whose run_id would clash with the column.
    return pa.concat_tables(pq.read_table(f, columns=wanted, partitioning=None) for f in files).to_pandas()


def end_markers(warehouse: str | Path) -> pd.DataFrame:
    """The runs rows written after each run ended: what a rebuild takes as committed or failed."""
    files = sorted(archive_dir(warehouse, "runs").glob("run_id=*/run.parquet"))
    if not files:
        return SCHEMAS["runs"].empty_table().to_pandas()
    tables = [pq.read_table(f, partitioning=None) for f in files]
    return pa.concat_tables(tables, promote_options="permissive").to_pandas().reindex(columns=SCHEMAS["runs"].names)


def write_marker(warehouse: str | Path, runs_row: dict) -> None:
    write_part(warehouse, "runs", pd.DataFrame([runs_row]), runs_row["run_id"], "run")
