"""How far a run is: the flow reports files hashed and batches done; whoever started the run shows it.

`newsetl run` in a terminal shows a rich progress bar; piped or under cron it prints plain lines
that stay greppable; a run started by a Prefect worker logs them to the server.
"""
from __future__ import annotations

import logging
import sys
import time
from contextlib import contextmanager
from contextvars import ContextVar

# Piped output prints a line at most this often (and at the last batch), not one per batch.
PLAIN_LINE_SECONDS = 5.0


class Reporter:
    """Plain progress lines to a logger (the default: a run without a terminal)."""

    def __init__(self, log=None) -> None:
        self._log = log
        self._started = time.monotonic()
        self._last_line = 0.0
        self.batches = self.batches_done = self.documents = 0

    def log(self, message: str) -> None:
        (self._log or logging.getLogger("newsetl")).info(message)

    def hashing(self, files: int) -> None:
        self.log(f"hashing {files} files")

    def planned(self, new_files: int, batches: int) -> None:
        self.batches = batches
        self._started = time.monotonic()
        self.log(f"{new_files} new files in {batches} batches")

    def batch_done(self, documents: int) -> None:
        self.batches_done += 1
        self.documents += documents
        now = time.monotonic()
        if now - self._last_line < PLAIN_LINE_SECONDS and self.batches_done < self.batches:
            return
        self._last_line = now
        elapsed = now - self._started
        rate = self.documents / elapsed if elapsed else 0.0
        left = elapsed / self.batches_done * (self.batches - self.batches_done)
        self.log(f"batch {self.batches_done}/{self.batches}: {self.documents} documents, {rate:.1f} documents/s, "
                 f"{elapsed:.0f} s elapsed, about {left:.0f} s left")

    def stage(self, name: str) -> None:
        self.log(name)


class PrintReporter(Reporter):
    """Plain lines on stdout, for `newsetl run` piped to a file or run by cron."""

    def log(self, message: str) -> None:
        # Not print(): the flow's log_prints would turn it into a Prefect log line.
        sys.stdout.write(f"{time.strftime('%H:%M:%S')} {message}\n")
        sys.stdout.flush()


class BarReporter(Reporter):
    """A rich progress bar in a terminal: batches done of all, documents per second, elapsed, time left."""

    def __init__(self, console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        super().__init__()
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TaskProgressColumn(), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                 TextColumn("left"), TimeRemainingColumn(), console=console, transient=False)
        self.task = None

    def log(self, message: str) -> None:
        self.progress.console.print(message, style="dim", highlight=False)

    def hashing(self, files: int) -> None:
        self.progress.start()
        self.log(f"hashing {files} files")

    def planned(self, new_files: int, batches: int) -> None:
        super().planned(new_files, batches)
        self.task = self.progress.add_task("batches", total=max(batches, 1), rate="", completed=0 if batches else 1)

    def batch_done(self, documents: int) -> None:
        self.batches_done += 1
        self.documents += documents
        elapsed = time.monotonic() - self._started
        rate = f"{self.documents / elapsed:.1f} docs/s" if elapsed else ""
        self.progress.update(self.task, advance=1, rate=rate)

    def stop(self) -> None:
        self.progress.stop()


_current: ContextVar[Reporter | None] = ContextVar("newsetl_progress", default=None)


def current(log=None) -> Reporter:
    """The reporter of the run in progress: the one the caller installed, else log lines."""
    return _current.get() or Reporter(log)


@contextmanager
def reporting(reporter: Reporter):
    """Install a reporter for the runs started inside the block."""
    token = _current.set(reporter)
    try:
        yield reporter
    finally:
        _current.reset(token)
        if isinstance(reporter, BarReporter):
            reporter.stop()


def for_terminal(verbose: bool) -> Reporter:
    """A bar in a terminal, plain lines otherwise."""
    from rich.console import Console

    console = Console()
    if console.is_terminal and not verbose:
        return BarReporter(console)
    return PrintReporter()
