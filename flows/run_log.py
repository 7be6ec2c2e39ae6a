"""The command's log file: what Prefect, Dask and the libraries log during a run or a reprocess goes there,
tracebacks and all, and the terminal keeps the progress, the summary and one `error:` line (with --verbose,
the log lines show on the terminal instead, as Prefect prints them).

One file per command, <state folder>/logs/<command>-<UTC time>-<pid>.log, named in NEWSETL_RUN_LOG; the newest
KEEP are kept. Every
process of the command writes to it: Prefect's console handler is replaced by RunLogFile through Prefect's
own override of its logging configuration (PREFECT_LOGGING_HANDLERS_CONSOLE_CLASS), which the command's,
the workers' and Prefect's server's processes read as they import Prefect; the server's own output goes
there too (flows/server.py). A log that cannot be written (its disk is full) loses lines, and says nothing.

Standard library only: the server starts before anything else is imported.
"""
from __future__ import annotations

import logging
import os
import subprocess
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import IO

VARIABLE = "NEWSETL_RUN_LOG"
KEEP = 100  # log files kept in the state folder, the newest


class RunLogFile(logging.FileHandler):
    """Prefect's console handler, writing to the command's log file (the arguments are those Prefect's
    configuration gives its console handler)."""

    def __init__(self, stream=None, styles=None):
        super().__init__(os.environ.get(VARIABLE) or os.devnull, encoding="utf-8", delay=True)
        # Nor a report of a failed log line on the terminal from any handler of this process: Prefect's API log
        # writer prints one when its server is gone or its database full.
        logging.raiseExceptions = False
        self.setFormatter(logging.Formatter("%(asctime)s | %(levelname)-7s | %(name)s - %(message)s"))

    def _open(self):
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:
        """A line lost: never Python's report of a logging error on the terminal (a full state folder)."""

    def close(self) -> None:
        try:
            super().close()
        except OSError:  # the last lines did not fit
            pass


@contextmanager
def run_log_kept(command: str, state_dir: Path):
    """Within, the command keeps a log file (yielded), named for this process and those it starts; enter it before
    Prefect is imported."""
    path = state_dir / "logs" / f"{command}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.getpid()}.log"
    _prune(path.parent)
    handler = f"{RunLogFile.__module__}.{RunLogFile.__qualname__}"
    variables = {VARIABLE: str(path), "PREFECT_LOGGING_HANDLERS_CONSOLE_CLASS": handler,
                 "PREFECT_LOGGING_HANDLERS_DEBUG_CLASS": handler}
    before = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield path
    finally:  # a command run in-process (a test's) leaves the environment as it found it
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _prune(folder: Path) -> None:
    """Keep the newest KEEP logs of the folder: a run every minute from cron would otherwise fill it."""
    try:
        logs = sorted(folder.glob("*.log"), key=lambda log: log.stat().st_mtime)
        for old in logs[:-KEEP] if len(logs) > KEEP else []:
            old.unlink(missing_ok=True)
    except OSError:  # a log gone meanwhile, or a folder not there yet
        pass


def run_log() -> Path | None:
    """The command's log file, when it keeps one."""
    named = os.environ.get(VARIABLE)
    return Path(named) if named else None


def details(message: str) -> str:
    """A one-line error's message, with where its details are when the command keeps a log."""
    path = run_log()
    return f"{message} (details: {path})" if path else message


def note(message: str, error: BaseException) -> None:
    """Append the message and the error's traceback to the command's log file; nothing when there is none,
    or it cannot be written."""
    path = run_log()
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"{time.strftime('%H:%M:%S')} | ERROR   | newsetl - {message}\n")
            log.writelines(traceback.format_exception(error))
    except OSError:
        pass


def for_child() -> IO[bytes] | int | None:
    """Where a child process's output goes: the log file (opened for appending), nowhere when it cannot be
    opened, or the terminal (None) in a command without one."""
    path = run_log()
    if path is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "ab")
    except OSError:
        return subprocess.DEVNULL
