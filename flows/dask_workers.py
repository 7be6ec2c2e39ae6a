"""What each Dask worker process does as it starts; imported only where batches go to Dask."""
from __future__ import annotations

import gc
import threading

from distributed import WorkerPlugin

from expectations.suites import preload as preload_expectations
from transforms.preload import preload


class PreloadModels(WorkerPlugin):
    """Each Dask worker loads the models, the gazetteer and Great Expectations as it starts, once per process.

    In a thread, so that the worker answers its scheduler meanwhile; a batch that arrives first waits
    for the same load (transforms/once.py) instead of loading again.
    """

    def setup(self, worker) -> None:
        threading.Thread(target=_preload_all, name="newsetl-preload", daemon=True).start()


def _preload_all() -> None:
    preload()
    preload_expectations()
    # The models, the lexicon and Great Expectations are a few hundred thousand objects that live as long
    # as the worker: frozen, no full collection walks them again, nor the one at the worker's exit
    # (which took longer than the nanny's 4 s, so every run waited for it and then killed the worker).
    gc.freeze()
