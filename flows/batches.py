"""Where a flow's batches run and how many are in flight: shared by a run and a reprocess.

prefect-dask and distributed (half a second to import) are imported only when batches go to a Dask cluster.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
from collections import deque
from contextlib import contextmanager
from multiprocessing import forkserver

from prefect.task_runners import ThreadPoolTaskRunner

from newsetl.flows.library_warnings import route_warnings_to_run_log
from newsetl.flows.stopping import Stopped
from newsetl.flows.worker_processes import WorkerProcesses
from newsetl.transforms.settings import Settings

# One thread each for the numeric libraries of a worker process: they run side by side on the machine's cores.
WORKER_ENVIRONMENT = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


@contextmanager
def batch_runner(settings: Settings, files: int):
    """The task runner of a flow's batches (see task_runner), entered; local worker processes and the
    forkserver they forked from end with it (stop_forkserver)."""
    runner = task_runner(settings, files)
    route_warnings_to_run_log()  # distributed imported, if batches go to Dask: its warnings go to the run's log
    local_workers = isinstance(runner, WorkerProcesses)
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

    Local worker processes are killed; a cluster started elsewhere cancels them as the client closes. The
    runner's exit would wait for a batch on this process's thread: its executor is let go instead, and the
    command ends the process (flows/stopping.py).
    """
    if local_workers:
        runner.kill()
    elif runs_here(runner):
        executor, runner._executor = runner._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


def task_runner(settings: Settings, files: int):
    """Where the batches run: a running Dask cluster, worker processes here, or a thread of the flow's process.

    Local worker processes fork from one that loaded the models (batch_runner starts it) and talk with the
    flow's process through pipes; a cluster's own load the models as they join (flows/dask_workers.py:
    PreloadModels). Each runs one batch at a time on one thread, as the NER model is CPU-bound Python.
    """
    processes = settings.batch_processes(files)
    if settings.dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=settings.dask_address)
    if processes == 1:
        return ThreadPoolTaskRunner(max_workers=1)
    return WorkerProcesses(processes)


def fork_workers_from_loaded_process() -> None:
    """Local worker processes fork from one process that has imported the libraries, loaded the models and
    frozen them (multiprocessing's forkserver, its preload flows/forkserver_preload.py), started now, instead
    of each starting a fresh interpreter and loading its own. The CLI calls this while Prefect's server boots.

    The load is paid once, not once per worker, and the workers share its pages until they write to them:
    on the 2,000 files of benchmarks/throughput.py, 98 -> 89 s wall and a peak of 2,199 -> 2,046 MB PSS.
    It ends with the worker processes (batch_runner).
    """
    forkserver.set_forkserver_preload(["newsetl.flows.forkserver_preload"])
    # The libraries read these as they load, in the forkserver. Not glibc's trim threshold (Dask sets it to
    # 64 KiB for its workers): memory handed back on every large free cost 10 % more worker CPU on
    # throughput.py's files. A worker gives memory back after each batch instead.
    with _environment(WORKER_ENVIRONMENT):
        forkserver.ensure_running()


def stop_forkserver() -> None:
    """The forkserver local workers fork from exits once they have.

    It keeps a loaded copy of the models (0.4 GB PSS), which would otherwise share the machine with the
    stories, the load and the report; and the process's next workers then fork from a new one, with the
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
    if isinstance(runner, WorkerProcesses):
        return runner.workers
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
