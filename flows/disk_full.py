"""A full disk under a run, told in one line: the room is checked before the run starts, and an error a full disk
caused (in this process, a worker or Prefect's server) is told as the folder that ran out and the room a run needs
there. The details go to the command's log file (flows/run_log.py), and to the terminal only with --verbose."""
from __future__ import annotations

from contextlib import ExitStack, contextmanager

from newsetl.flows import prefect_home, state_dir
from newsetl.flows.run_log import details, note, run_log_kept
from newsetl.flows.stopping import exit_now
from newsetl.transforms.diskspace import DiskFull, check_room, full_folder, is_disk_full, run_folders


def folders(warehouse_dir: str, new_bytes: int = 0):
    """The warehouse, quality and state folders of a run, with the room each needs."""
    return run_folders(warehouse_dir, prefect_home(), new_bytes)


def explain(error: BaseException, warehouse_dir: str) -> DiskFull | None:
    """DiskFull naming the folder that ran out when the error says a disk is full, or when it does not but a folder
    of the run has less room than a run needs (Prefect's server answers 500 when its database cannot grow); None
    otherwise."""
    if isinstance(error, DiskFull):
        return error
    if is_disk_full(error):
        return full_folder(folders(warehouse_dir))
    try:
        check_room(folders(warehouse_dir))
    except DiskFull as full:
        return full
    return None


@contextmanager
def told_in_one_line(warehouse_dir: str, verbose: bool, command: str = "run"):
    """Within, a full disk ends the command at once with one line and exit status 2; checked first, before anything starts.
    Without verbose, what every process of the command logs goes to its log file, not the terminal (flows/run_log.py):
    enter this before Prefect is imported."""
    with ExitStack() as log:
        if not verbose:
            log.enter_context(run_log_kept(command, state_dir()))
        try:
            check_room(folders(warehouse_dir))
            yield
        except Exception as error:  # noqa: BLE001 - only a full disk is told here; the rest goes on up
            full = explain(error, warehouse_dir)
            if full is None:
                raise
            note("a full disk stopped the run", error)
            exit_now(2, f"error: {details(str(full))}")
