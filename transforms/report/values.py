"""How the report writes values: times in UTC, counts, shares, clock flags (the templates escape them)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd

from newsetl.transforms import run_history


def as_utc(value) -> datetime | None:
    if value is None or pd.isna(value):
        return None
    value = pd.Timestamp(value).to_pydatetime()
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def age(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"


def fmt_time(value) -> str:
    value = as_utc(value)
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def num(value) -> str:
    return "-" if value is None or pd.isna(value) else f"{int(value):,}"


def pct(value) -> str:
    return "-" if value is None or pd.isna(value) else f"{value:.1%}"


def run_label(row) -> str:
    started = as_utc(row.started_at)
    return started.strftime("%m-%d %H:%M") if started else str(row.run_id)[:12]


def clock_note(flag) -> str:
    return {run_history.BEHIND: "behind the previous run's", run_history.AHEAD: "ahead of now"}.get(flag, "")

