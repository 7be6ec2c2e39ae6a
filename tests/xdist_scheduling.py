"""How `pytest -n 2` shares the test files between its workers.

Each worker is a fresh interpreter that pays for every library its tests import. Importing Great
Expectations and opening its first file context costs about 3 s of CPU, importing Prefect with Dask
about 2 s: the fast-loop files that use them go to one worker together, so only that worker pays.
"""
from __future__ import annotations

from pathlib import PurePosixPath

SHARED_WORKER = {
    "great_expectations_and_prefect": {"test_gate.py", "test_suites.py", "test_news_etl.py", "test_batches.py",
                                       "test_alerts_flow.py"},
}


def scope_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, or the group its file shares a worker with."""
    path = nodeid.split("::", 1)[0]
    name = PurePosixPath(path).name
    return next((group for group, files in SHARED_WORKER.items() if name in files), path)


def file_scheduler(config, log):
    """xdist's file-by-file scheduling, with the files of SHARED_WORKER's groups kept on one worker each."""
    from xdist.scheduler import LoadFileScheduling

    class SharedImportScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

    return SharedImportScheduling(config, log)
