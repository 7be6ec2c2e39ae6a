"""How `pytest -n 2` shares the test files between its workers.

Each worker is a fresh interpreter that pays for every library and model its tests load: Great
Expectations about 2.5 s of CPU, the NER model with spaCy and the gazetteer 1.7 s, Prefect with Dask
1 s. The fast-loop files that load them go to one worker together, so only that worker pays; the
other one takes the rest of the files meanwhile.
"""
from __future__ import annotations

from pathlib import PurePosixPath

SHARED_WORKER = {
    "heavy_imports": {
        # Great Expectations and Prefect
        "test_gate.py", "test_suites.py", "test_news_etl.py", "test_batches.py", "test_alerts_flow.py",
        # the NER model
        "test_tag.py", "test_gazetteer.py", "test_progress.py", "test_properties.py", "test_quote_seeds.py",
        "test_isolation.py", "test_preload.py",
    },
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
