"""A full disk under a run, told in one line: the room is checked before the run starts, and an error a full disk
caused (in this process, a worker or Prefect's server) is told as the folder that ran out and the room a run needs
there. The details go to the run's log on Prefect's server, and to the terminal only with --verbose."""
from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager

import typer
from newsetl.flows import prefect_home
from newsetl.flows.quiet_tracebacks import VARIABLE as QUIET
from newsetl.transforms.diskspace import DiskFull, check_room, full_folder, is_disk_full, run_folders


def folders(warehouse_dir: str, new_bytes: int = 0):
    """The warehouse, quality and state folders of a run, with the room each needs."""
    return run_folders(warehouse_dir, prefect_home(), new_bytes)


def explain(error: BaseException, warehouse_dir: str) -> DiskFull | None:
    """DiskFull naming the folder that ran out when the error says a disk is full; None otherwise."""
    if isinstance(error, DiskFull):
        return error
    return full_folder(folders(warehouse_dir)) if is_disk_full(error) else None


@contextmanager
def told_in_one_line(warehouse_dir: str, verbose: bool):
    """Within, a full disk ends the command with one line and exit status 2; checked first, before anything starts.
    Without verbose, tracebacks stay off the terminal (flows/quiet_tracebacks.py) in every process of the run."""
    if not verbose:
        os.environ.setdefault(QUIET, "1")
    try:
        check_room(folders(warehouse_dir))
        yield
    except Exception as error:  # noqa: BLE001 - only a full disk is told here; the rest goes on up
        full = explain(error, warehouse_dir)
        if full is None:
            raise
        logging.getLogger("newsetl").debug("a full disk stopped the run", exc_info=error)
        sys.stderr.write(f"error: {full}\n")
        raise typer.Exit(code=2) from None
