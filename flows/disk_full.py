"""A full disk under a run, told in one line: the room is checked before the run starts, and an error a full disk
caused (in this process, a worker or Prefect's server) is told as the folder that ran out and the room a run needs
there. The details go to the command's log file (flows/run_log.py), and to the terminal only with --verbose."""
from __future__ import annotations

import sys
from contextlib import contextmanager

import typer

from flows import prefect_home, state_dir
from flows.run_log import details, note, open_run_log
from transforms.diskspace import DiskFull, check_room, full_folder, is_disk_full, run_folders


def folders(warehouse_dir: str, new_bytes: int = 0):
    """The warehouse, quality and state folders of a run, with the room each needs."""
    return run_folders(warehouse_dir, prefect_home(), new_bytes)


def explain(error: BaseException, warehouse_dir: str) -> DiskFull | None:
    """DiskFull naming the folder that ran out when the error says a disk is full; None otherwise."""
    if isinstance(error, DiskFull):
        return error
    return full_folder(folders(warehouse_dir)) if is_disk_full(error) else None


@contextmanager
def told_in_one_line(warehouse_dir: str, verbose: bool, command: str = "run"):
    """Within, a full disk ends the command with one line and exit status 2; checked first, before anything starts.
    Without verbose, what every process of the command logs goes to its log file, not the terminal (flows/run_log.py):
    enter this before Prefect is imported."""
    if not verbose:
        open_run_log(command, state_dir())
    try:
        check_room(folders(warehouse_dir))
        yield
    except Exception as error:  # noqa: BLE001 - only a full disk is told here; the rest goes on up
        full = explain(error, warehouse_dir)
        if full is None:
            raise
        note("a full disk stopped the run", error)
        sys.stderr.write(f"error: {details(str(full))}\n")
        raise typer.Exit(code=2) from None
