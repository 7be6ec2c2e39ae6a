"""The runs in the order the warehouse committed them, and the runs whose clock was wrong.

Clocks lie (a VM resumed, a bad NTP): a run's started_at says what its machine believed, not when it
happened. The DuckLake catalog numbers its snapshots in commit order, and every commit of a run names
the run in its commit message ("start <run>", "run <run>", "failed <run>", ...), so the snapshot ids
order the runs whatever their clocks said.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import duckdb
import pandas as pd

from newsetl.transforms.codes import CLOCK_FLAGS, RUNNING

# Machines of one schedule may disagree by seconds; a minute apart is a clock to look at.
CLOCK_TOLERANCE = timedelta(minutes=1)
BEHIND, AHEAD = CLOCK_FLAGS
# "start <run>", "run <run>", "completed <run>", "failed <run>", "reprocess <run> <part>"
_NAMED = re.compile(r"^(?:start|run|completed|failed|reprocess) (\S+)")


def commits_by_run(con) -> dict[str, tuple[int, datetime]]:
    """run_id -> (snapshot id, commit time) of the last commit that names the run."""
    found: dict[str, tuple[int, datetime]] = {}
    for snapshot, at, message, extra in con.execute(
            "select snapshot_id, snapshot_time, commit_message, commit_extra_info from lake.snapshots() "
            "order by snapshot_id").fetchall():
        named = _NAMED.match(message or "")
        run_ids = [named.group(1)] if named else []
        if extra:
            try:
                info = json.loads(extra)
            except ValueError:
                info = {}
            run_ids += info.get("run_ids", []) if isinstance(info, dict) else []
        for run_id in run_ids:
            found[run_id] = (snapshot, at)
    return found


def runs_by_commit(con, columns: str = "*") -> pd.DataFrame:
    """The runs rows, last committed first, with commit_seq (the snapshot id of the last commit that wrote
    the run) and committed_at (that commit's time).

    A run no commit message names (a warehouse rebuilt from its archive, a plain DuckDB database) sorts
    by its place in the runs table, after the named ones.
    """
    runs = con.execute(f"select {columns}, rowid as row_position from runs").df()
    try:
        commits = commits_by_run(con)
    except duckdb.CatalogException:  # a plain DuckDB database: its rows stand in insertion order
        commits = {}
    runs["commit_seq"] = [commits.get(r, (None, None))[0] for r in runs["run_id"]]
    runs["committed_at"] = pd.to_datetime([commits.get(r, (None, None))[1] for r in runs["run_id"]], utc=True)
    runs["commit_seq"] = runs["commit_seq"].astype("Int64")
    runs = runs.sort_values(["commit_seq", "row_position"], ascending=False, na_position="first")
    return runs.drop(columns="row_position").reset_index(drop=True)


def _utc(value) -> datetime | None:
    if value is None or pd.isna(value):
        return None
    value = pd.Timestamp(value).to_pydatetime()
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def latest_time(row) -> datetime | None:
    """The latest moment a runs row names (its end, else its start)."""
    times = [t for t in (_utc(row.get("started_at")), _utc(row.get("finished_at"))) if t is not None]
    return max(times) if times else None


def clock_flags_at_start(runs: pd.DataFrame, started: datetime) -> tuple[str | None, list[str]]:
    """What a run starting at `started` (its clock) finds about clocks, given the runs committed before it
    (runs_by_commit): its own flag (behind the previous run's clock, or None), and the earlier runs whose
    times lie ahead of its now."""
    finished = runs[runs["status"] != RUNNING]
    own = None
    if len(finished):
        previous = latest_time(finished.iloc[0])
        if previous is not None and started < previous - CLOCK_TOLERANCE:
            own = BEHIND
    ahead = [r["run_id"] for _, r in runs.iterrows()
             if (latest_time(r) or started) > started + CLOCK_TOLERANCE and r.get("clock_flag") != AHEAD]
    return own, ahead


def ahead_of(row, now: datetime) -> bool:
    """A runs row whose times lie ahead of now: its clock ran fast."""
    latest = latest_time(row)
    return latest is not None and latest > now + CLOCK_TOLERANCE
