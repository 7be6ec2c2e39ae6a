"""How far a run is: the flow reports files found and documents done; whoever started the run shows it.

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


def clock(seconds: float) -> str:
    """A duration as a person reads it on a clock: 0:59, 12:05, 1:02:03."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def timing(elapsed: float, left: float | None) -> str:
    """`elapsed 0:59 · about 0:01 left`; elapsed alone while nothing is done to estimate from."""
    return f"elapsed {clock(elapsed)}" + ("" if left is None else f" · about {clock(left)} left")


class Reporter:
    """Plain progress lines to a logger (the default: a run without a terminal). Counts documents."""

    def __init__(self, log=None) -> None:
        self._log = log
        self._started = time.monotonic()
        self._last_line = 0.0
        self.batches = self.batches_done = self.documents = self.total = 0
        self.in_batches = 0  # documents done within batches still running

    def log(self, message: str) -> None:
        (self._log or logging.getLogger("newsetl")).info(message)

    def starting(self, files: int) -> None:
        """The command's first line, as soon as the landing folder is listed."""
        self.log(f"starting: {files:,} files to look at")

    def hashing(self, files: int) -> None:
        self.log(f"hashing {files:,} files")

    def planned(self, new_files: int, batches: int) -> None:
        self.batches, self.total = batches, new_files
        self._started = time.monotonic()
        self.log(f"{new_files:,} new files in {batches:,} batch{'es' if batches != 1 else ''}")

    def batch_done(self, documents: int, in_batches: int = 0) -> None:
        """A batch's documents are done; in_batches: those done so far within the batches still running."""
        self.batches_done += 1
        self.documents += documents
        self.in_batches = in_batches
        self._show(final=self.batches_done >= self.batches)

    def working(self, in_batches: int) -> None:
        """Documents done so far within the batches still running (tagged: the per-document share of a batch)."""
        if in_batches != self.in_batches:
            self.in_batches = in_batches
            self._show(final=False)

    def _show(self, final: bool) -> None:
        now = time.monotonic()
        if now - self._last_line < PLAIN_LINE_SECONDS and not final:
            return
        self._last_line = now
        self.log(self.line(now - self._started))

    @property
    def done(self) -> int:
        return min(self.documents + self.in_batches, self.total)

    def line(self, elapsed: float) -> str:
        """`600/2,000 documents, 10.0 documents/s, elapsed 1:00 · about 2:20 left`."""
        rate = self.done / elapsed if elapsed else 0.0
        left = (self.total - self.done) / rate if rate else None
        return f"{self.done:,}/{self.total:,} documents, {rate:.1f} documents/s, {timing(elapsed, left)}"

    def stage(self, name: str) -> None:
        self.log(name)


class PrintReporter(Reporter):
    """Plain lines on stdout, for `newsetl run` piped to a file or run by cron."""

    def log(self, message: str) -> None:
        # Not print(): the flow's log_prints would turn it into a Prefect log line.
        sys.stdout.write(f"{time.strftime('%H:%M:%S')} {message}\n")
        sys.stdout.flush()


class BarReporter(Reporter):
    """A rich progress bar in a terminal: documents done of all, documents per second, elapsed and time left."""

    def __init__(self, console) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn

        super().__init__()
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TaskProgressColumn(), TextColumn("{task.fields[rate]}"), _timing_column(),
                                 console=console, transient=False)
        self.task = None

    def log(self, message: str) -> None:
        self.progress.console.print(message, style="dim", highlight=False)

    def hashing(self, files: int) -> None:
        self.progress.start()
        super().hashing(files)

    def planned(self, new_files: int, batches: int) -> None:
        self.batches, self.total = batches, new_files
        self._started = time.monotonic()
        self.progress.start()
        self.task = self.progress.add_task("documents", total=max(new_files, 1), rate="",
                                           completed=0 if new_files else 1)

    def _show(self, final: bool) -> None:
        elapsed = time.monotonic() - self._started
        rate = f"{self.done / elapsed:.1f} docs/s" if elapsed else ""
        self.progress.update(self.task, completed=self.done, rate=rate)

    def stop(self) -> None:
        self.progress.stop()


def _timing_column():
    """A rich column: `elapsed 0:59 · about 0:01 left`, from the task's own speed estimate."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class TimingColumn(ProgressColumn):
        def render(self, task) -> Text:
            left = task.time_remaining if task.completed else None
            return Text(timing(task.elapsed or 0.0, 0.0 if task.finished else left), style="progress.elapsed")

    return TimingColumn()


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
