"""The flow's alerts: what a run found at its start (crashed runs, a stale warehouse) and how it ended,
sent through transforms/notify.py. Nothing here fails a run."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from prefect import get_run_logger
from prefect.runtime import flow_run

from transforms import notify
from transforms.settings import Settings


def _flow_run() -> str | None:
    run_id = flow_run.get_id()
    return f"{flow_run.get_name()} ({run_id})" if run_id else None


def last_completed_run(warehouse_dir: str) -> tuple[str, datetime] | None:
    """The newest completed run and its start, before this run begins; None without one."""
    try:
        return notify.last_completed_run(warehouse_dir)
    except Exception as exc:  # the run's own recovery deals with a warehouse in trouble
        get_run_logger().warning("could not read the last completed run: %s", exc)
        return None


def alert_found(settings: Settings, run_id: str, dead_runs: list[dict], last_completed: tuple[str, datetime] | None,
                now: datetime, stale_after: timedelta | None = None) -> None:
    """One message for runs found dead at this run's start and for a warehouse found stale."""
    from expectations.report import DEFAULT_STALE_AFTER

    event = notify.found_event(run_id, dead_runs, last_completed, now, stale_after or DEFAULT_STALE_AFTER,
                               flow_run=_flow_run(), report=str(Path(settings.warehouse_dir) / "quality" / "report.html"))
    if event is not None:
        notify.notify(settings.warehouse_dir, event, settings.notify, settings.notify_on, get_run_logger())


def alert_run(settings: Settings, run_id: str, report: Path | None, failure: str | None = None):
    """Read the run's outcome from the warehouse and send it where it is wanted; returns the outcome, None
    when the warehouse could not tell it (a failed run's message then says what the run raised)."""
    from expectations.outcome import run_outcome
    from transforms import warehouse

    logger = get_run_logger()
    try:
        with warehouse.connect(settings.warehouse_dir, read_only=True) as con:
            outcome = run_outcome(con, run_id, Path(settings.warehouse_dir).resolve())
        summary, failures = outcome.summary(), outcome.failures
    except Exception as exc:
        logger.warning("could not read the outcome of run %s: %s", run_id, exc)
        outcome, summary, failures = None, f"newsetl run {run_id}: FAIL, the run failed: {failure}", ()
    if outcome is None and failure is None:
        return None
    kind = "failed" if failure is not None or outcome.status != "completed" else outcome.verdict
    details = ("Nothing it read reached the warehouse; the report shows the warehouse STALE until a run completes.",) \
        if kind == "failed" else ()
    event = notify.Event(run_id=run_id, kind=kind, summary=summary, failures=failures,
                         report=str(report) if report else None, flow_run=_flow_run(), details=details)
    notify.notify(settings.warehouse_dir, event, settings.notify, settings.notify_on, logger)
    return outcome
