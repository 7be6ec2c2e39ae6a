"""What each Dask worker process does as it starts; imported only where batches go to Dask."""
from __future__ import annotations

import threading

from distributed import WorkerPlugin

from newsetl.flows.process_preload import preload_process


class PreloadModels(WorkerPlugin):
    """Each Dask worker loads the models, the gazetteer and Great Expectations as it starts, once per process.

    In a thread, so that the worker answers its scheduler meanwhile; a batch that arrives first waits
    for the same load (transforms/once.py) instead of loading again.
    """

    def setup(self, worker) -> None:
        threading.Thread(target=preload_process, name="newsetl-preload", daemon=True).start()
