"""Where batches run: worker processes started for a run are configured for it."""
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
