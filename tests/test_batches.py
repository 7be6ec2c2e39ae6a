"""Where batches run: worker processes started for a run fork from one loaded process and end with it."""
import os
import sys
import time
from pathlib import Path

import pytest

from newsetl.transforms.settings import Settings

# Prefect and Dask are imported by the tests that use them: collecting this module stays cheap.


def test_batches_run_in_the_flows_process_on_worker_processes_or_on_a_dask_cluster():
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from newsetl.flows.batches import task_runner
    from newsetl.flows.worker_processes import WorkerProcesses

    assert isinstance(task_runner(Settings(workers=4), files=10), ThreadPoolTaskRunner)  # one batch of 250
    local = task_runner(Settings(workers=2, batch_size=5), files=30)
    assert isinstance(local, WorkerProcesses) and local.workers == 2
    remote = task_runner(Settings(dask_address="tcp://scheduler:8786"), files=30)
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://scheduler:8786"


@pytest.mark.e2e
def test_worker_processes_started_for_a_run_fork_from_one_process_that_loaded_the_models_and_end_with_it(
        prefect_harness, tmp_path):
    from prefect import task

    from newsetl.flows.batches import batch_runner

    meet = task(meet_the_other_worker)
    with batch_runner(Settings(workers=2, batch_size=1), files=2) as runner:
        futures = [runner.submit(meet, {"folder": str(tmp_path)}) for _ in range(2)]
        started = [future.result() for future in futures]
    assert len({pid for pid, _, _ in started}) == 2  # two batches at once, one on each process
    parents = {parent for _, parent, _ in started}
    assert len(parents) == 1
    assert all(preloaded for _, _, preloaded in started)
    for pid in (*parents, *(pid for pid, _, _ in started)):  # the forkserver, holding a copy of the models, too
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def meet_the_other_worker(folder: str) -> tuple[int, int, bool]:
    """Waits until the other batch runs too; the worker's pid, its parent's, and whether it inherited the preload
    (a fresh interpreter would not)."""
    Path(folder, str(os.getpid())).touch()
    deadline = time.monotonic() + 120
    while len(list(Path(folder).iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    return os.getpid(), os.getppid(), "newsetl.flows.forkserver_preload" in sys.modules
