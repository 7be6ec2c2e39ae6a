"""Alerts: one message for a run that FAILs, fails or was found crashed, or a warehouse found STALE, to the
Apprise URLs of NEWSETL_NOTIFY (mailto://, json://, slack://, ...; several separated by spaces).

A message that cannot be delivered never fails a run: it is logged, and every attempt, delivered or
not, is a row of the warehouse's notifications table.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

# Events that are always worth a message; WARN and PASS only when NEWSETL_NOTIFY_ON asks for them.
ALARMS = ("FAIL", "failed", "crashed", "stale")
TOP_FAILURES = 5
_log = logging.getLogger("newsetl.notify")


@dataclass(frozen=True)
class Failure:
    """One failed expectation (or quarantine reason) and the command that lists its rows."""

    text: str
    command: str | None = None


@dataclass(frozen=True)
class Event:
    """What happened to a run, as a message names it.

    kind: the verdict (FAIL, WARN, PASS) of a completed run, failed (the run raised), crashed (a run
    found dead by this one) or stale (this run found the warehouse out of date).
    """

    run_id: str
    kind: str
    summary: str
    failures: tuple[Failure, ...] = ()
    report: str | None = None
    flow_run: str | None = None
    details: tuple[str, ...] = field(default_factory=tuple)


def wanted(kind: str, notify_on: str = "fail") -> bool:
    """Whether an event of this kind is sent under NEWSETL_NOTIFY_ON (fail, warn or all)."""
    if kind in ALARMS:
        return True
    return notify_on == "all" or (notify_on == "warn" and kind == "WARN")


def message(event: Event) -> tuple[str, str]:
    """The subject and plain-text body of the event's message."""
    subject = {"failed": f"newsetl run {event.run_id} failed",
               "crashed": f"newsetl: a run crashed (found by run {event.run_id})",
               "stale": f"newsetl: the warehouse was STALE (found by run {event.run_id})"
               }.get(event.kind, f"newsetl {event.kind}: run {event.run_id}")
    lines = [event.summary, *event.details]
    if event.flow_run:
        lines.append(f"Prefect flow run: {event.flow_run}")
    if event.failures:
        lines += ["", "Top failures:"]
        for failure in event.failures[:TOP_FAILURES]:
            lines.append(f"- {failure.text}")
            if failure.command:
                lines.append(f"  {failure.command}")
    if event.report:
        lines += ["", f"Report: {event.report}"]
    return subject, "\n".join(lines) + "\n"


def split_urls(urls: str | None) -> list[str]:
    """The URLs of a NEWSETL_NOTIFY value, separated by white space (a comma after one is dropped); a comma
    inside a URL stays (mailto://...?to=a@example.org,b@example.org)."""
    return [u for u in (part.strip(",") for part in (urls or "").split()) if u]


def unusable(urls: str | None) -> list[str]:
    """The URLs Apprise cannot parse (an unknown scheme, a malformed address)."""
    import apprise

    return [url for url in split_urls(urls) if apprise.Apprise.instantiate(url) is None]


def _target(url: str) -> str:
    """The URL as recorded: scheme, host and path, without passwords or tokens."""
    import apprise

    plugin = apprise.Apprise.instantiate(url)
    shown = plugin.url(privacy=True) if plugin is not None else url.split("://")[0] + "://"
    return shown.split("?")[0]


def send(event: Event, urls: str | None, log: logging.Logger | logging.LoggerAdapter = _log) -> list[dict]:
    """Send the event's message to each URL; returns one delivery row per URL. Never raises."""
    import apprise

    subject, body = message(event)
    rows = []
    for url in split_urls(urls):
        row = {"run_id": event.run_id, "event": event.kind, "subject": subject, "target": url.split("://")[0] + "://",
               "sent_at": datetime.now(timezone.utc), "delivered": False, "error": None}
        try:
            row["target"] = _target(url)
            notifier = apprise.Apprise()
            if not notifier.add(url):
                row["error"] = "Apprise cannot use this URL (unknown scheme or malformed)"
            else:
                with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
                    row["delivered"] = bool(notifier.notify(body=body, title=subject, body_format=apprise.NotifyFormat.TEXT))
                if not row["delivered"]:
                    row["error"] = " ".join(captured.getvalue().split())[-500:] or "Apprise reported a failure"
        except Exception as exc:  # a notifier's bug must not end the run either
            row["error"] = f"{type(exc).__name__}: {exc}"
        if row["delivered"]:
            log.info("notified %s: %s", row["target"], subject)
        else:
            log.warning("could not notify %s (%s): %s", row["target"], subject, row["error"])
        rows.append(row)
    return rows


def _age(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} hours"


def found_event(run_id: str, dead_runs: list[dict], last_commit: tuple[str, datetime] | None, now: datetime,
                max_age: timedelta, **about) -> Event | None:
    """What a run found at its start, as one event: runs that died (crashed), or a warehouse whose last
    committed run is older than max_age (stale, as `newsetl status` says); None when neither.

    last_commit: the last committed run and its commit time, before this run began.
    """
    details = []
    if last_commit is not None and now - last_commit[1] > max_age:
        details.append(f"The warehouse was STALE: its last run {last_commit[0]} committed "
                       f"{_age(now - last_commit[1])} before this run (more than {_age(max_age)}); "
                       "is the schedule running?")
    if dead_runs:
        died = ", ".join(f"{r['run_id']} (started {r['started_at']:%Y-%m-%d %H:%M} UTC)" for r in dead_runs)
        return Event(run_id=run_id, kind="crashed", details=tuple(details), **about,
                     summary=f"newsetl run {died} died before it finished (killed or crashed); "
                             f"run {run_id} marked it failed and goes on.")
    if details:
        return Event(run_id=run_id, kind="stale", summary=details[0], **about)
    return None


NOTIFICATION_COLUMNS = ["run_id", "event", "subject", "target", "sent_at", "delivered", "error"]


def record(warehouse: str | Path, rows: list[dict], log: logging.Logger | logging.LoggerAdapter = _log) -> None:
    """Add delivery rows to the notifications table, in a commit of their own. Never raises."""
    if not rows:
        return
    from newsetl.transforms import warehouse as lake

    try:
        with lake.connect(warehouse) as con:
            con.register("sent", pd.DataFrame(rows, columns=NOTIFICATION_COLUMNS))

            def commit() -> None:
                con.execute("begin")
                con.execute("insert into notifications by name select * from sent")
                con.execute("call lake.set_commit_message('newsetl', ?)", [f"notify {rows[0]['run_id']}"])
                con.execute("commit")

            lake._retry_commit(commit)
    except Exception as exc:  # the warehouse may be why the run failed: the log keeps the record then
        log.warning("could not record %d notification(s) in the warehouse: %s", len(rows), exc)


def notify(warehouse: str | Path, event: Event, urls: str | None, notify_on: str = "fail",
           log: logging.Logger | logging.LoggerAdapter = _log) -> list[dict]:
    """Send the event where NEWSETL_NOTIFY says, when NEWSETL_NOTIFY_ON wants it, and record the attempts."""
    if not split_urls(urls) or not wanted(event.kind, notify_on):
        return []
    rows = send(event, urls, log)
    record(warehouse, rows, log)
    return rows
