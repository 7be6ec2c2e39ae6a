"""Documents done within the batches still running, told by the batches through a folder of small files.

A batch runs in the flow's process or in a local worker process: either writes how many of its documents
the tagger (most of a batch's time) has been through into <folder>/<part>, and the flow's process reads
the folder every second for the progress line. A batch on another machine (a Dask cluster's) has no such
folder: its documents show when it ends.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 1.0


def teller(folder: str | None, part: str) -> Callable[[int], None] | None:
    """What a batch tells its documents done to: the highest count so far, in the folder's file for the part."""
    if not folder or not os.path.isdir(folder):
        return None
    highest = [0]

    def done(documents: int) -> None:
        if documents <= highest[0]:  # a batch that isolates a failing document tags its documents again
            return
        highest[0] = documents
        partial = Path(folder) / f".{part}"
        try:
            partial.write_text(str(documents), encoding="ascii")
            os.replace(partial, Path(folder) / part)
        except OSError:
            pass  # a progress line is not worth failing a batch

    return done


class BatchProgress:
    """Reads the batches' counts for the reporter; a finished batch counts by its result, not its file."""

    def __init__(self, reporter, folder: str) -> None:
        self.reporter = reporter
        self.folder = folder
        self._finished: set[str] = set()
        self._lock = threading.Lock()

    def _in_batches(self) -> int:
        total = 0
        for path in Path(self.folder).iterdir():
            if path.name.startswith(".") or path.name in self._finished:
                continue
            try:
                total += int(path.read_text(encoding="ascii"))
            except (OSError, ValueError):
                continue
        return total

    def batch_done(self, part: str, documents: int) -> None:
        with self._lock:
            self._finished.add(part)
            self.reporter.batch_done(documents, self._in_batches())

    def poll(self) -> None:
        with self._lock:
            self.reporter.working(self._in_batches())


@contextmanager
def watching(reporter):
    """A folder for the batches' counts, read every POLL_SECONDS while the block runs, removed after it."""
    progress = BatchProgress(reporter, tempfile.mkdtemp(prefix="newsetl-progress-"))
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(POLL_SECONDS):
            progress.poll()

    polling = threading.Thread(target=poll, name="newsetl-progress", daemon=True)
    polling.start()
    try:
        yield progress
    finally:
        stop.set()
        polling.join()
        shutil.rmtree(progress.folder, ignore_errors=True)
