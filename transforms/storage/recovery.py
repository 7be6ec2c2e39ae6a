"""A run's start: earlier runs that died are marked failed and their uncommitted files removed."""
from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from newsetl.transforms import run_history
from newsetl.transforms.codes import COMPLETED, RUNNING
from newsetl.transforms.lake import catalog_exists, connect
from newsetl.transforms.storage.commit import retry_commit
from newsetl.transforms.storage.rebuild import rebuild
from newsetl.transforms.storage.schema import SCHEMAS
from newsetl.transforms.storage.staging import ARCHIVE, archive_dir, end_markers, write_marker


def begin_run(warehouse: str | Path, runs_row: dict) -> list[dict]:
    """Recover from earlier runs that died, then record this run as running; returns the runs found dead.

    Call it holding the RunLock: no other run can then be alive, so a run still marked running died
    (killed, or its machine went down). It is marked failed, its staged files are removed (they never
    counted), and a committed run whose end marker is missing gets it.
    """
    if not catalog_exists(warehouse) and not end_markers(warehouse).empty:
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

        for row in runs[runs["status"] == RUNNING].to_dict("records"):
            dead.append(row)
        if dead:
            retry_commit(mark_dead)
            for row in con.execute("select * from runs where status = 'failed' and finished_at = ?",
                                   [now]).df().to_dict("records"):
                write_marker(warehouse, row)
        completed = runs[runs["status"] == COMPLETED]
        for row in completed.to_dict("records"):
            if not (archive_dir(warehouse, "runs") / f"run_id={row['run_id']}" / "run.parquet").exists():
                write_marker(warehouse, row)
        # A reprocess commits batch by batch: the parts it committed count even when it died later.
        parts: dict[str, set[str]] = {}
        for run_id, part in con.execute("select distinct run_id, part from reprocessed").fetchall():
            parts.setdefault(run_id, set()).add(part)
        _remove_uncommitted(warehouse, set(completed["run_id"]) - set(parts), parts)
        own_flag, ahead = run_history.clock_flags_at_start(run_history.runs_by_commit(con), _utc(runs_row["started_at"]))
        con.register("start_row", pd.DataFrame([{**runs_row, "status": RUNNING, "clock_flag": own_flag}]))

        def record_start() -> None:
            con.execute("begin")
            con.execute("insert into runs by name select * from start_row")
            if ahead:
                con.execute(f"update runs set clock_flag = '{run_history.AHEAD}' where run_id in "
                            f"({', '.join('?' for _ in ahead)})", ahead)
            con.execute("call lake.set_commit_message('newsetl', ?)", [f"start {runs_row['run_id']}"])
            con.execute("commit")

        retry_commit(record_start)
    return dead


def _utc(value) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


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
