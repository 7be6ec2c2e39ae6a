"""Where batches run: worker processes started for a run are configured for it."""
import os
import sys

import dask
import pytest
from prefect.task_runners import ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from newsetl.flows.batches import batch_runner, task_runner
from newsetl.transforms.settings import Settings


def test_batches_run_in_the_flows_process_on_worker_processes_or_on_a_dask_cluster():
    assert isinstance(task_runner(Settings(workers=4), files=10), ThreadPoolTaskRunner)  # one batch of 250
    local = task_runner(Settings(workers=2, batch_size=5), files=30)
    assert isinstance(local, DaskTaskRunner) and local.cluster_kwargs["n_workers"] == 2
    remote = task_runner(Settings(dask_address="tcp://scheduler:8786"), files=30)
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://scheduler:8786"


@pytest.mark.e2e
def test_worker_processes_started_for_a_run_do_not_run_dasks_profiler():
    # The profiler samples every thread's stack each 10 ms, for a dashboard a run does not start.
    with batch_runner(Settings(workers=2, batch_size=1), files=2) as runner:
        enabled = runner.client.run(dask.config.get, "distributed.worker.profile.enabled")
    assert list(enabled.values()) == [False, False]


@pytest.mark.e2e
def test_worker_processes_started_for_a_run_fork_from_one_process_that_loaded_the_models_and_ends_with_them():
    with batch_runner(Settings(workers=2, batch_size=1), files=2) as runner:
        started = runner.client.run(_parent_and_preload)
    parents = {parent for parent, _ in started.values()}
    assert len(parents) == 1
    assert all(preloaded for _, preloaded in started.values())
    with pytest.raises(ProcessLookupError):  # the forkserver, holding a copy of the models, has exited
        os.kill(parents.pop(), 0)


def _parent_and_preload():
    """The worker's parent process, and whether the worker inherited the preload (a fresh interpreter would not)."""
    return os.getppid(), "newsetl.flows.forkserver_preload" in sys.modules
