"""The warehouse's state in one line, for cron wrappers, probes and monitoring agents (`newsetl status`).

Exit codes follow the Nagios convention those understand: 0 PASS, 1 WARN, 2 FAIL (a failed run, a
critical expectation, or a warehouse whose last commit is older than the allowed age: STALE), 3 no
warehouse or no finished run. "Last" means last committed (transforms/run_history.py), whatever
the runs' clocks said.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from newsetl.expectations.verdict import verdict
from newsetl.transforms import run_history
from newsetl.transforms.codes import DOCUMENT_STATUSES, RUNNING

EXIT_CODES = {"PASS": 0, "WARN": 1, "FAIL": 2, "UNKNOWN": 3}
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 3600}


def parse_age(text: str) -> timedelta:
    """'90s', '30m', '2h', '1.5d' (a bare number is hours) as a timedelta; ValueError otherwise."""
    found = _AGE.match(str(text))
    if not found or float(found.group(1)) <= 0:
        raise ValueError(f"an age is a positive number with s, m, h or d (2h, 90m), not {text!r}")
    return timedelta(seconds=float(found.group(1)) * _UNIT_SECONDS[found.group(2)])


@dataclass
class Status:
    """What `newsetl status` reports: the last committed run, its verdict and age, and the exit code."""

    warehouse: str
    max_age: timedelta
    now: datetime
    verdict: str | None = None  # PASS, WARN or FAIL of the last committed run; None without one
    stale: bool = False
    run_id: str | None = None
    run_status: str | None = None
    kind: str | None = None
    committed_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    files_seen: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicates: int = 0
    documents: dict[str, int] = field(default_factory=dict)  # the run's documents by status
    critical_failures: int = 0
    warnings: int = 0
    clock_flag: str | None = None
    running: str | None = None  # a run committed as started after the last finished one
    problem: str | None = None  # why there is nothing to judge

    @property
    def age(self) -> timedelta | None:
        return None if self.committed_at is None else self.now - self.committed_at

    @property
    def state(self) -> str:
        if self.verdict is None:
            return "UNKNOWN"
        return "FAIL" if self.stale else self.verdict

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.state]


def _int(value) -> int:
    """A count of the runs row; 0 where the run never wrote it (None, NaN or pandas' NA of a failed run)."""
    try:
        return 0 if isinstance(value, float) and math.isnan(value) else int(value)
    except (TypeError, ValueError):
        return 0


def read_status(warehouse: str | Path, max_age: timedelta, now: datetime | None = None) -> Status:
    """The status of the warehouse folder, read through a read-only connection (a run is not disturbed)."""
    from newsetl.transforms.sqlite_catalog import CatalogDamaged
    from newsetl.transforms.storage import catalog_exists, connect

    status = Status(warehouse=str(warehouse), max_age=max_age, now=now or datetime.now(timezone.utc))
    if not catalog_exists(warehouse):
        status.problem = f"no warehouse at {warehouse}"
        return status
    try:
        con = connect(warehouse, read_only=True)
    except CatalogDamaged as exc:
        status.problem = str(exc)
        return status
    with con:
        runs = run_history.runs_by_commit(con)
        finished = runs[runs["status"] != RUNNING]
        if len(runs) and runs.iloc[0]["status"] == RUNNING:
            status.running = runs.iloc[0]["run_id"]
        if finished.empty:
            status.problem = "no finished run in the warehouse yet"
            return status
        last = finished.iloc[0]
        critical, warnings = con.execute("""
            select count(*) filter (where critical), count(*) filter (where not critical)
            from (select distinct table_name, expectation, column_name, critical from quality_results
                  where run_id = ? and not success)""", [last["run_id"]]).fetchone()
        documents = dict(con.execute("select status, count(*) from documents where run_id = ? group by status",
                                     [last["run_id"]]).fetchall())
    status.run_id, status.run_status, status.kind = last["run_id"], last["status"], last["kind"]
    status.started_at, status.finished_at = run_history._utc(last["started_at"]), run_history._utc(last["finished_at"])
    status.committed_at = run_history._utc(last["committed_at"]) or status.finished_at
    status.files_seen, status.loaded = _int(last["files_seen"]), _int(last["loaded"])
    status.quarantined, status.duplicates = _int(last["quarantined"]), _int(last["duplicates"])
    status.documents = {s: int(documents.get(s, 0)) for s in DOCUMENT_STATUSES}
    status.critical_failures, status.warnings = int(critical), int(warnings)
    status.verdict = verdict(status.run_status, status.critical_failures, status.warnings, status.quarantined)
    status.clock_flag = last["clock_flag"] if isinstance(last.get("clock_flag"), str) else None
    if run_history.ahead_of(last, status.now):
        status.clock_flag = run_history.AHEAD
    status.stale = status.age is not None and status.age > max_age
    return status


def _age_text(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    if seconds < 0:
        return f"{_age_text(-delta)} in the future"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h" if seconds < 172800 else f"{seconds / 86400:.1f} days"


def as_text(status: Status) -> str:
    """One line: state, last committed run, its age, counts."""
    if status.verdict is None:
        return f"UNKNOWN {status.problem}" + (f"; run {status.running} in progress" if status.running else "")
    flags = [f"STALE (older than {_age_text(status.max_age)})"] if status.stale else []
    if status.clock_flag:
        flags.append(f"clock {status.clock_flag.replace('_', ' ')}")
    if status.running:
        flags.append(f"run {status.running} in progress")
    return (f"{status.state} last run {status.run_id} {status.run_status} ({status.verdict}), committed "
            f"{status.committed_at:%Y-%m-%d %H:%M:%S} UTC, {_age_text(status.age)} ago; "
            f"{status.files_seen} files seen, {status.loaded} loaded, {status.quarantined} quarantined, "
            f"{status.duplicates} duplicates; {status.critical_failures} critical failures, {status.warnings} warnings"
            + "".join(f"; {flag}" for flag in flags))


def as_json(status: Status) -> str:
    """The status as one JSON object (times in ISO 8601, ages in seconds)."""
    fields = asdict(status)
    fields.update(state=status.state, exit_code=status.exit_code, max_age=status.max_age.total_seconds(),
                  age_seconds=None if status.age is None else status.age.total_seconds())
    return json.dumps(fields, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v),
                      ensure_ascii=False)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return repr(float(value)) if isinstance(value, float) else str(int(value))


def as_openmetrics(status: Status) -> str:
    """OpenMetrics text for node_exporter's textfile collector: gauges only, so that its Prometheus text
    parser reads it too (UNIT and EOF lines are comments to it)."""
    lines: list[str] = []

    def gauge(name: str, help_: str, samples: list[tuple[dict[str, str], float]], unit: str | None = None) -> None:
        lines.extend([f"# TYPE {name} gauge", f"# HELP {name} {help_}"] + ([f"# UNIT {name} {unit}"] if unit else []))
        for labels, value in samples:
            shown = "{" + ",".join(f'{k}="{_label(v)}"' for k, v in labels.items()) + "}" if labels else ""
            lines.append(f"{name}{shown} {_number(value)}")

    gauge("newsetl_up", "1 when the warehouse has a finished run to judge, 0 otherwise.",
          [({}, 0 if status.verdict is None else 1)])
    gauge("newsetl_status_exit_code", "The exit code of newsetl status: 0 PASS, 1 WARN, 2 FAIL or STALE, 3 unknown.",
          [({}, status.exit_code)])
    if status.verdict is not None:
        gauge("newsetl_last_run_timestamp_seconds", "When the last committed run committed, in Unix time.",
              [({}, status.committed_at.timestamp())], "seconds")
        duration = (status.finished_at - status.started_at).total_seconds() if status.finished_at and status.started_at else math.nan
        gauge("newsetl_last_run_duration_seconds", "Wall time of the last committed run, by its own clock.",
              [({}, duration)], "seconds")
        gauge("newsetl_last_run_age_seconds", "Seconds since the last committed run committed.",
              [({}, status.age.total_seconds())], "seconds")
        gauge("newsetl_last_run_documents", "Documents of the last committed run by status.",
              [({"status": s}, n) for s, n in status.documents.items()])
        gauge("newsetl_last_run_files_seen", "Files the last committed run listed in the landing folder.",
              [({}, status.files_seen)])
        gauge("newsetl_last_run_failed_expectations", "Failed expectations of the last committed run by severity.",
              [({"severity": "critical"}, status.critical_failures), ({"severity": "warning"}, status.warnings)])
        gauge("newsetl_last_run_verdict", "1 for the verdict of the last committed run, 0 for the others.",
              [({"verdict": v}, int(v == status.verdict)) for v in ("PASS", "WARN", "FAIL")])
        gauge("newsetl_stale", "1 when the last commit is older than the allowed age.", [({}, int(status.stale))])
    return "\n".join(lines) + "\n# EOF\n"


FORMATS = {"text": as_text, "json": as_json, "prometheus": as_openmetrics}
