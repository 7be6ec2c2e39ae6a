"""What a process that runs batches loads before its first one, wherever it runs: this process, a local worker's
forkserver (flows/forkserver_preload.py) or a Dask worker (flows/dask_workers.py)."""
from __future__ import annotations

import gc

from newsetl.flows.library_warnings import route_warnings_to_run_log


def preload_process(models: bool = True) -> None:
    """What a process that runs batches loads before its first one: the models, the gazetteer and the lexicon
    (unless models is False: worker processes load their own), and Great Expectations.

    Then gc.freeze(): the models, the lexicon, Prefect and Great Expectations are a few hundred thousand
    objects that live as long as the process, and every full collection walked them again. The NER model
    allocates fast, so collections are frequent: tagging 2,000 articles in the flow's process took 83 s
    with them and 63 s frozen (benchmarks/reprocess_cost.py); a worker also exits at once instead of spending
    seconds in its final collection.
    """
    from newsetl.expectations.suites import preload as preload_expectations
    from newsetl.transforms.preload import preload

    route_warnings_to_run_log()
    if models:
        preload()
    preload_expectations()
    gc.freeze()
    gc.enable()  # `newsetl run` pauses collections while it loads (flows/cli_run.py)
