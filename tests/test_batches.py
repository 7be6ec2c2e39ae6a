"""Where batches run: worker processes started for a run are configured for it."""
import os
import sys

import dask
import pytest

from flows.batches import batch_runner
from transforms.settings import Settings


@pytest.mark.e2e
def test_worker_processes_started_for_a_run_do_not_run_dasks_profiler():
    # The profiler samples every thread's stack each 10 ms, for a dashboard a run does not start.
    runner = batch_runner(Settings(workers=2, batch_size=1), files=2)
    with runner:
        enabled = runner.client.run(dask.config.get, "distributed.worker.profile.enabled")
    assert list(enabled.values()) == [False, False]


@pytest.mark.e2e
def test_worker_processes_started_for_a_run_fork_from_one_process_that_loaded_the_models():
    runner = batch_runner(Settings(workers=2, batch_size=1), files=2)
    with runner:
        started = runner.client.run(_parent_and_preload)
    assert len({parent for parent, _ in started.values()}) == 1
    assert all(preloaded for _, preloaded in started.values())


def _parent_and_preload():
    """The worker's parent process, and whether the worker inherited the preload (a fresh interpreter would not)."""
    return os.getppid(), "flows.forkserver_preload" in sys.modules
