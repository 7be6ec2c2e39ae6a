"""Run settings: built once, at call time, from flags over NEWSETL_* environment variables over defaults.

Every NEWSETL_* variable a user sets is read here and nowhere else. Nothing is read at import, so a
changed environment takes effect on the next run, and every bad value fails with one line naming the
flag and the variable: each command resolves the settings first, before it starts anything.

Variables that are not settings stay where they are used:
- NEWSETL_CRASH_AT, NEWSETL_FAIL_AT, NEWSETL_PAUSE_AT and NEWSETL_PAUSED_FILE (transforms/faults.py)
  are fault-injection hooks for the crash tests: read at the very point they name, in whatever process
  gets there, and never meant for users.
- NEWSETL_RUN_LOG (flows/run_log.py) is how a command tells its own child processes which log file is
  its; the command sets it, users do not.
- PREFECT_API_URL, PREFECT_HOME and XDG_CACHE_HOME belong to Prefect and the desktop conventions: their
  owners read them; newsetl only looks at them.
"""
from __future__ import annotations

import math
import os
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path

from newsetl.transforms.ingest import IngestLimits

_LIMITS = IngestLimits()
PROJECT_LANDING = "landing"  # the landing folder `newsetl init` makes


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it, says why and what to do."""


def _checked(spec, value, origin: str):
    if spec.type == "int":
        return _whole_number(value, origin, spec)
    if spec.type == "float":
        return _number(value, origin, spec)
    if spec.name == "catalog" and value != "sqlite" and not value.startswith(("postgresql://", "postgres://")):
        raise SettingsError(f"{origin} must be sqlite or postgresql://user@host/database, not {value!r}")
    return str(value)


def _how(spec) -> str:
    flag, variable = Settings.SOURCES[spec.name]
    default = spec.default if spec.default_factory is MISSING else "one per core"
    default = f"{default:g}" if isinstance(default, float) else default
    return f"give {flag} N or set {variable} (default {default})" if flag else f"set {variable} (default {default})"


def _whole_number(value, origin: str, spec) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{origin} must be a whole number, not {value!r}: {_how(spec)}") from None
    if number < 1:
        raise SettingsError(f"{origin} must be at least 1, not {number}: {_how(spec)}")
    return number


def _number(value, origin: str, spec) -> float:
    """A threshold: a finite number, not negative; a share at most 1."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    highest = 1.0 if spec.name in Settings.SHARES else math.inf
    if not 0 <= number <= highest or math.isinf(number):
        what = "a share from 0 to 1" if spec.name in Settings.SHARES else "a number of at least 0"
        raise SettingsError(f"{origin} must be {what}, not {value!r}: {_how(spec)}")
    return number


@dataclass(frozen=True)
class Settings:
    """Where a run reads and writes, how it batches, and where the batches run."""

    # The landing folder: a project's landing/ (`newsetl init`) where the working folder has one, else the
    # sample articles of a checkout (seeds/); see resolve.
    input_dir: str = "seeds"
    warehouse_dir: str = "warehouse"
    batch_size: int = 250
    # A reprocess batch is one task and one commit of documents read back from the warehouse: its fixed
    # costs (a connection, the gate's checkpoints, the commit) are a larger share than a run batch's,
    # whose files are read and parsed, so its batches are larger.
    reprocess_batch_size: int = 1000
    # What one landing file may cost (transforms/ingest_limits.py IngestLimits says why these defaults).
    max_file_bytes: int = _LIMITS.max_file_bytes
    max_decompressed_bytes: int = _LIMITS.max_decompressed_bytes
    max_compression_ratio: int = int(_LIMITS.max_compression_ratio)
    max_body_chars: int = _LIMITS.max_body_chars
    # Batch worker processes on this machine: one per core, as the NER model keeps a core busy.
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    # A running Dask scheduler (tcp://host:8786) whose workers take the batches instead.
    dask_address: str | None = None
    # `newsetl status` calls a warehouse whose last commit is older than this STALE (an hourly schedule
    # that missed a run); 90s, 30m, 2h, 1d.
    status_max_age: str = "2h"
    # Apprise URLs (mailto://, json://, slack://, ...) that hear of failed, crashed and stale runs (transforms/notify.py).
    notify: str | None = None
    # fail: FAIL verdicts, failed and crashed runs and a stale warehouse; warn: WARN verdicts too; all: every run.
    notify_on: str = "fail"
    # The DuckLake catalog: None is the SQLite file in the warehouse folder (or the PostgreSQL catalog the
    # folder records); postgresql://user@host/db a catalog a team shares; sqlite says the SQLite file.
    catalog: str | None = None
    # The report shows STALE when the newest run committed longer ago than this.
    report_stale_hours: float = 48.0
    # Health-check thresholds (expectations/health.py HealthSettings holds the rest, and says what each means).
    health_max_age_days: float = 7.0
    health_volume_low: float = 0.5
    health_volume_high: float = 2.0
    health_max_non_german: float = 0.1
    # Prefect's home (PREFECT_HOME defaults to <state_dir>/prefect) and the commands' logs.
    state_dir: str = ".newsetl"
    # The gazetteer's tables, built once (about 2 s) and kept here.
    cache_dir: str = ".newsetl/cache"

    # flag name, environment variable
    SOURCES = {"input_dir": ("--input", "NEWSETL_INPUT"), "warehouse_dir": ("--warehouse", "NEWSETL_WAREHOUSE"),
               "batch_size": ("--batch-size", "NEWSETL_BATCH_SIZE"),
               "reprocess_batch_size": ("--batch-size", "NEWSETL_REPROCESS_BATCH_SIZE"),
               "max_file_bytes": ("--max-file-bytes", "NEWSETL_MAX_FILE_BYTES"),
               "max_decompressed_bytes": ("--max-decompressed-bytes", "NEWSETL_MAX_DECOMPRESSED_BYTES"),
               "max_compression_ratio": ("--max-compression-ratio", "NEWSETL_MAX_COMPRESSION_RATIO"),
               "max_body_chars": ("--max-body-chars", "NEWSETL_MAX_BODY_CHARS"),
               "workers": ("--workers", "NEWSETL_WORKERS"), "dask_address": ("--dask-address", "NEWSETL_DASK_ADDRESS"),
               "catalog": ("--catalog", "NEWSETL_CATALOG"),
               "status_max_age": ("--max-age", "NEWSETL_STATUS_MAX_AGE"),
               "notify": ("--notify", "NEWSETL_NOTIFY"), "notify_on": ("--notify-on", "NEWSETL_NOTIFY_ON"),
               # no flag: the environment only
               "report_stale_hours": (None, "NEWSETL_REPORT_STALE_HOURS"),
               "health_max_age_days": (None, "NEWSETL_HEALTH_MAX_AGE_DAYS"),
               "health_volume_low": (None, "NEWSETL_HEALTH_VOLUME_LOW"),
               "health_volume_high": (None, "NEWSETL_HEALTH_VOLUME_HIGH"),
               "health_max_non_german": (None, "NEWSETL_HEALTH_MAX_NON_GERMAN"),
               "state_dir": (None, "NEWSETL_STATE_DIR"), "cache_dir": (None, "NEWSETL_CACHE_DIR")}
    NOTIFY_ON = ("fail", "warn", "all")
    SHARES = ("health_max_non_german",)

    @classmethod
    def resolve(cls, **given) -> "Settings":
        """Flags given (None means not given) over the environment over the defaults, validated."""
        values = {}
        for spec in fields(cls):
            flag, variable = cls.SOURCES[spec.name]
            value, origin = given.get(spec.name), flag or spec.name
            if value is None and os.environ.get(variable, "").strip():
                value, origin = os.environ[variable].strip(), variable
            if value is None and spec.name == "input_dir" and Path(PROJECT_LANDING).is_dir():
                value = PROJECT_LANDING
            if value is not None:
                values[spec.name] = _checked(spec, value, origin)
        if values.get("notify_on", cls.notify_on) not in cls.NOTIFY_ON:
            flag, variable = cls.SOURCES["notify_on"]
            raise SettingsError(f"{flag} (or {variable}) takes {', '.join(cls.NOTIFY_ON)}, not {values['notify_on']!r}")
        return cls(**values)

    def report_stale_after(self) -> timedelta:
        return timedelta(hours=self.report_stale_hours)

    def for_reprocess(self) -> "Settings":
        """These settings with the reprocess batch size as the batch size."""
        return replace(self, batch_size=self.reprocess_batch_size)

    def limits(self) -> IngestLimits:
        return IngestLimits(max_file_bytes=self.max_file_bytes, max_decompressed_bytes=self.max_decompressed_bytes,
                            max_compression_ratio=float(self.max_compression_ratio), max_body_chars=self.max_body_chars)

    def overrides(self) -> dict:
        """The settings that differ from the defaults, to pass on (a flow's parameters)."""
        defaults = type(self)()
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(defaults, f.name)}

    def batch_processes(self, files: int) -> int:
        """Worker processes worth starting for this many files on this machine: never more than batches.

        A process costs its start and its own copy of the models (about 10 s and 600 MB); a run of a
        single batch (the seeds, an incremental run) is quicker in the flow's own process.
        """
        return max(1, min(self.workers, -(-files // self.batch_size)))

    def require_input(self) -> None:
        """The landing folder must exist and be a folder."""
        if not Path(self.input_dir).is_dir():
            raise SettingsError(f"input folder not found: {self.input_dir}: use --input DIR or set NEWSETL_INPUT")
