"""Where a flow's batches run and how many are in flight: shared by a run and a reprocess.

prefect-dask and distributed (half a second to import) are imported only when batches go to Dask:
a run or a reprocess whose batches stay in the flow's process does without them.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import os
import signal
from collections import deque
from contextlib import contextmanager
from multiprocessing import forkserver

from prefect.task_runners import ThreadPoolTaskRunner

from newsetl.flows.library_warnings import route_warnings_to_run_log
from newsetl.flows.stopping import Stopped
from newsetl.transforms.settings import Settings

# Dask's statistical profiler samples every worker thread's stack each 10 ms for its dashboard, which a
# run does not start; on the NER model's deep stacks that cost 8 % of the workers' CPU (2,000 articles,
# 2 workers: 104 -> 96 CPU-s, 72 -> 64-67 s wall). Workers of a cluster started elsewhere take this
# from their own configuration (README, Scale-out).
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}  # a dotted key: the nanny merges it in shallowly


@contextmanager
def batch_runner(settings: Settings, files: int):
    """The task runner of a flow's batches (see task_runner), entered; local worker processes and the
    forkserver they forked from end with it (stop_forkserver)."""
    runner = task_runner(settings, files)
    route_warnings_to_run_log()  # distributed imported, no cluster started yet: its warnings go to the run's log
    local_workers = not runs_here(runner) and not settings.dask_address
    if local_workers:
        fork_workers_from_loaded_process()
    try:
        with runner:
            try:
                yield runner
            except Stopped:
                _drop_batches_in_hand(runner, local_workers)
                raise
    finally:
        if local_workers:
            stop_forkserver()


def _drop_batches_in_hand(runner, local_workers: bool) -> None:
    """A stopped run's batches never count (the next run does their files again), so none is waited for.

    Local worker processes are killed, their nannies told first not to start new ones; a cluster started
    elsewhere cancels them as the client closes. The runner's exit would wait for a batch on this
    process's thread: its executor is let go instead, and the command ends the process (flows/stopping.py).
    """
    if runs_here(runner):
        executor, runner._executor = runner._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        return
    cluster = getattr(runner, "_cluster", None)  # None until the runner made its cluster
    if local_workers and cluster is not None:
        for nanny in list(cluster.workers.values()):
            nanny.close_gracefully(reason="the run was stopped")
            if nanny.pid:
                os.kill(nanny.pid, signal.SIGKILL)


def task_runner(settings: Settings, files: int):
    """Where the batches run: a running Dask cluster, worker processes here, or a thread of the flow's process.

    Local worker processes fork from one that loaded the models (batch_runner starts it); a
    cluster's own load them as they join (flows/dask_workers.py: PreloadModels). Each runs one batch at a
    time on one thread, as the NER model is CPU-bound Python.
    """
    processes = settings.batch_processes(files)
    if not settings.dask_address and processes == 1:
        return ThreadPoolTaskRunner(max_workers=1)
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    # No dashboard, and its HTTP server (which Dask starts anyway, on 8787 unless told otherwise) on a free
    # loopback port: a run listens on no fixed port, and a taken 8787 no longer raises a warning.
    return DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs={
        "n_workers": processes, "threads_per_worker": 1, "processes": True, "dashboard_address": None,
        "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"}, "config": WORKER_CONFIG})


def fork_workers_from_loaded_process() -> None:
    """Local worker processes fork from one process that has imported the libraries, loaded the models and
    frozen them (multiprocessing's forkserver, its preload flows/forkserver_preload.py), started now, instead
    of each starting a fresh interpreter and loading its own. The CLI calls this while Prefect's server boots.

    The load is paid once, not once per worker, and the workers share its pages until they write to them:
    on the 2,000 files of benchmarks/throughput.py, 98 -> 89 s wall and a peak of 2,199 -> 2,046 MB PSS.
    It ends with the cluster (batch_runner).
    """
    import dask
    from distributed.utils import get_mp_context

    dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"})
    get_mp_context().set_forkserver_preload(["distributed", "newsetl.flows.forkserver_preload"])
    # A nanny gives a worker it spawns its pre-spawn environment, which the libraries read as they load: a
    # forked worker has loaded them in the forkserver, so the forkserver starts with it. Its one BLAS
    # thread, yes; but not glibc's trim threshold of 64 KiB, which handed memory back on every large free:
    # 10 % more worker CPU on throughput.py's files. A worker gives memory back after each batch instead.
    environment = {name: str(value) for name, value in dask.config.get("distributed.nanny.pre-spawn-environ").items()
                   if name != "MALLOC_TRIM_THRESHOLD_"}
    with _environment(environment):
        forkserver.ensure_running()


def stop_forkserver() -> None:
    """The forkserver local workers fork from exits once their cluster has closed.

    It keeps a loaded copy of the models (0.4 GB PSS), which would otherwise share the machine with the
    stories, the load and the report; and the process's next cluster then forks from a new one, with the
    code and environment of its own start. multiprocessing has no public call for this: _stop is the one
    its own tests use, and a Python without it keeps the forkserver to the process's end.
    """
    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        stop()


@contextmanager
def _environment(variables: dict[str, str]):
    """os.environ with variables set, restored after."""
    before = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def preload_process(models: bool = True) -> None:
    """What a process that runs batches loads before its first one: the models, the gazetteer and the lexicon
    (unless models is False: worker processes load their own), and Great Expectations.

    Then gc.freeze(): the models, the lexicon, Prefect and Great Expectations are a few hundred thousand
    objects that live as long as the process, and every full collection walked them again. The NER model
    allocates fast, so collections are frequent: tagging 2,000 articles in the flow's process took 83 s
    with them and 63 s frozen (benchmarks/reprocess_cost.py); a Dask worker also exits at once instead of
    outlasting the nanny's 4 s in its final collection.
    """
    from newsetl.expectations.suites import preload as preload_expectations
    from newsetl.transforms.preload import preload

    route_warnings_to_run_log()
    if models:
        preload()
    preload_expectations()
    gc.freeze()


def give_back_memory() -> None:
    """The memory a finished batch freed goes back to the system (glibc keeps it otherwise), so a process's
    peak follows its largest batch, not its history; nothing where the C library is not glibc."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, looked up once per process (find_library runs ldconfig), or None."""
    libc = ctypes.util.find_library("c")
    return getattr(ctypes.CDLL(libc), "malloc_trim", None) if libc else None


def runs_here(runner) -> bool:
    """True when the runner runs the batches on a thread of the flow's process."""
    return isinstance(runner, ThreadPoolTaskRunner)


def _runner_workers(runner) -> int:
    """Batches the runner runs at once; a Dask cluster's workers load the models as they join."""
    if runs_here(runner):
        return 1
    from newsetl.flows.dask_workers import PreloadModels

    runner.client.register_plugin(PreloadModels(), name="newsetl-preload")
    return max(1, sum(w["nthreads"] for w in runner.client.scheduler_info()["workers"].values()))


def run_batches(runner, task, batches: list[dict], done) -> None:
    """The task once per batch (its parameters) on the runner; done(parameters, future) in submission order.

    A bounded window of batches in flight: each worker has its next batch queued, and the flow holds
    futures of small results (counts, versions), never the corpus.
    """
    window = 2 * _runner_workers(runner)
    in_flight: deque = deque()
    for parameters in batches:
        in_flight.append((parameters, runner.submit(task, parameters)))
        if len(in_flight) >= window:
            done(*in_flight.popleft())
    while in_flight:
        done(*in_flight.popleft())
