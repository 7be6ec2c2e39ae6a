"""Stopping a command on SIGINT or SIGTERM: within seconds, telling the truth, leaving no process behind.

The first signal raises Stopped in the main thread, wherever the run is: listing the landing folder,
waiting for its batches, or in the load's transaction. The run unwinds as from any error (its batches
are cancelled, it is marked failed, Prefect's server and the workers stop), and the command ends with
one line and the shell's code for the signal (128 + its number: 130, 143). A run whose load had
committed stays completed, and the command says so and exits 0. A second signal kills what the command
started and exits at once.

The processes a command starts leave the terminal's process group (flows/server.py,
flows/forkserver_preload.py): Ctrl-C reaches the command alone, which stops them in order. Killed
with the rest, Prefect's server went first and the flow then waited minutes for it.

Standard library only: the handlers are in place before the server spawns.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

from newsetl.transforms.codes import COMPLETED, FAILED

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """A command stopped by a signal: a BaseException, so no `except Exception` on the way keeps the run going."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_armed = False
_first: int | None = None
_run_id: str | None = None


def _on_signal(signum: int, frame) -> None:
    global _first
    if _first is None:
        _first = signum
        # Nothing more on the terminal than the closing line: the crash reports of Prefect and Dask that
        # follow a stop say only that it stopped.
        logging.disable(logging.CRITICAL)
        raise Stopped(signum)
    kill_descendants()
    _say(f"stopped at once by a second {signal.Signals(signum).name}; a run that had not committed is marked failed "
         "by the next run")
    os._exit(128 + signum)


def take_back_signals() -> None:
    """In a flow run of a command that stops on signals: Prefect's engine puts its own SIGTERM handler in for
    the run (it would crash the flow run, then kill the process at once); the command's comes back."""
    if _armed and _first is None:
        try:
            signal.signal(signal.SIGTERM, _on_signal)
        except ValueError:  # not the main thread: the command's handler is still the one there
            pass


def running(run_id: str) -> None:
    """The run the command's closing line speaks of, once it has begun."""
    global _run_id
    _run_id = run_id


@contextmanager
def stoppable(warehouse_dir: str):
    """Within, SIGINT and SIGTERM stop the command as the module says; the process ends in here when they do."""
    global _armed, _first, _run_id
    previous = {signum: signal.signal(signum, _on_signal) for signum in SIGNALS}
    _armed, _first, _run_id = True, None, None
    try:
        yield
    except Stopped as stop:
        exit_now(*_closing(stop, warehouse_dir))
    finally:
        _armed = False
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def exit_now(code: int, line: str) -> None:
    """End the command with one line on stderr, now: what it started is killed (whatever did not stop in order),
    and no thread still holding a batch or a request to Prefect's server (draining its logs to a server that
    is gone or full) keeps an ordinary exit waiting."""
    kill_descendants()
    _say(line)
    os._exit(code)


def _closing(stop: Stopped, warehouse_dir: str) -> tuple[int, str]:
    """The exit code and the one line: what the warehouse says of the run."""
    name = signal.Signals(stop.signum).name
    if _run_id is None:
        return stop.exit_code, f"stopped by {name} before the run began: the warehouse is as it was"
    status = _run_status(warehouse_dir, _run_id)
    if status == COMPLETED:
        return 0, f"stopped by {name} after run {_run_id} had committed: the run is complete"
    if status == FAILED:
        return stop.exit_code, f"stopped by {name}: run {_run_id} is marked failed; what it had not committed does not count"
    return stop.exit_code, f"stopped by {name}: run {_run_id} did not finish; the next run marks it failed"


def _run_status(warehouse_dir: str, run_id: str) -> str | None:
    from newsetl.transforms.storage import connect

    try:
        with connect(warehouse_dir, read_only=True) as con:
            row = con.execute("select status from runs where run_id = ?", [run_id]).fetchone()
    except Exception:  # noqa: BLE001 - a warehouse that cannot say is reported as not finished
        return None
    return row[0] if row else None


def _say(line: str) -> None:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    os.write(sys.stderr.fileno(), (line + "\n").encode())


def descendants(pid: int | None = None) -> list[int]:
    """The processes below pid (this process by default), children before their own children."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):  # gone meanwhile
                continue
    found, frontier = [], [pid or os.getpid()]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def kill_descendants() -> None:
    """SIGKILL every process below this one (Linux's /proc; elsewhere nothing)."""
    if not Path("/proc/self").exists():
        return
    for pid in descendants():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
