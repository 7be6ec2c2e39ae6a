"""The flow's alerts: what a run found at its start (crashed runs, a stale warehouse) and how it ended,
sent through transforms/notify.py. Nothing here fails a run."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from prefect import get_run_logger
from prefect.runtime import flow_run

from newsetl.transforms import notify
from newsetl.transforms.codes import COMPLETED
from newsetl.transforms.settings import Settings


def _flow_run() -> str | None:
    run_id = flow_run.get_id()
    return f"{flow_run.get_name()} ({run_id})" if run_id else None


def last_commit(settings: Settings, now: datetime) -> tuple[tuple[str, datetime] | None, timedelta | None]:
    """The last committed run and its commit time before this run begins, as `newsetl status` reads them,
    and the age past which status calls the warehouse STALE (NEWSETL_STATUS_MAX_AGE); Nones when unknown."""
    from newsetl.expectations.status import parse_age, read_status

    if not settings.notify:
        return None, None  # nobody to tell: the run does not read the warehouse for it
    try:
        max_age = parse_age(settings.status_max_age)
        status = read_status(settings.warehouse_dir, max_age, now)
    except Exception as exc:  # a bad setting or a warehouse in trouble: the run itself says more
        get_run_logger().warning("could not read the warehouse's status before the run: %s", exc)
        return None, None
    return ((status.run_id, status.committed_at) if status.run_id and status.committed_at else None), max_age


def alert_found(settings: Settings, run_id: str, dead_runs: list[dict], last: tuple[str, datetime] | None,
                max_age: timedelta | None, now: datetime) -> None:
    """One message for runs found dead at this run's start and for a warehouse found stale."""
    event = notify.found_event(run_id, dead_runs, last if max_age else None, now, max_age or timedelta.max,
                               flow_run=_flow_run(), report=str(Path(settings.warehouse_dir) / "quality" / "report.html"))
    if event is not None:
        notify.notify(settings.warehouse_dir, event, settings.notify, settings.notify_on, get_run_logger())


def alert_run(settings: Settings, run_id: str, report: Path | None, failure: str | None = None,
              needed: bool = False):
    """Read the run's outcome from the warehouse and send it where it is wanted; returns the outcome, None
    when the warehouse could not tell it (a failed run's message then says what the run raised) or when
    there is nobody to tell and the caller does not need it."""
    from newsetl.expectations.outcome import run_outcome
    from newsetl.transforms import storage

    if not settings.notify and not needed:
        return None
    logger = get_run_logger()
    try:
        with storage.connect(settings.warehouse_dir, read_only=True) as con:
            outcome = run_outcome(con, run_id, Path(settings.warehouse_dir).resolve())
        summary, failures = outcome.summary(), outcome.failures
    except Exception as exc:
        logger.warning("could not read the outcome of run %s: %s", run_id, exc)
        outcome, summary, failures = None, f"newsetl run {run_id}: FAIL, the run failed: {failure}", ()
    if outcome is None and failure is None:
        return None
    kind = "failed" if failure is not None or outcome.status != COMPLETED else outcome.verdict
    details = ("Nothing it read reached the warehouse; the report shows the warehouse STALE until a run completes.",) \
        if kind == "failed" else ()
    event = notify.Event(run_id=run_id, kind=kind, summary=summary, failures=failures,
                         report=str(report) if report else None, flow_run=_flow_run(), details=details)
    notify.notify(settings.warehouse_dir, event, settings.notify, settings.notify_on, logger)
    return outcome
