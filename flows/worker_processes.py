"""A run's own worker processes: forked from the forkserver that loaded the models (flows/batches.py), fed
through pipes. Nothing of theirs listens on a port, unlike a local Dask cluster, whose scheduler, nannies
and workers each listened on a loopback TCP port (and on Dask's dashboard port, 8787, unless told otherwise).
"""
from __future__ import annotations

import contextvars
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import forkserver

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, _initialize_process_pool_worker

from newsetl.flows.parent_death import PR_SET_PDEATHSIG


class WorkerProcesses(ProcessPoolTaskRunner):
    """Prefect's process pool runner, its processes forked from the forkserver rather than spawned fresh.

    Prefect's own starts them with multiprocessing's spawn method: each would import the libraries and load
    the models again (about 10 s and 600 MB each). Each process runs one batch at a time; their logs and
    events reach Prefect through a pipe to this process (Prefect's message queue).
    """

    def __init__(self, workers: int):
        super().__init__(max_workers=workers)
        self.workers = workers

    def __enter__(self):
        TaskRunner.__enter__(self)
        context = multiprocessing.get_context("forkserver")
        self._subprocess_message_queue = context.Queue()
        # In this thread's context, whose settings name the run's Prefect server: Prefect's own runner starts
        # the thread without them, and its first event then started a temporary server of its own.
        self._message_forwarding_thread = threading.Thread(
            target=contextvars.copy_context().run, args=(self._forward_subprocess_messages,),
            name="ProcessPoolTaskRunnerMessageForwarder", daemon=True)
        self._message_forwarding_thread.start()
        self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                             initializer=_initialize_process_pool_worker,
                                             initargs=(self._subprocess_message_queue, die_with_parent, ()))
        self._resolver_executor = ThreadPoolExecutor(max_workers=self.workers)
        return self

    def kill(self) -> None:
        """The processes are killed with their batches, and the runner lets them go: its exit waits for nothing.

        The message queue is let go too: a process killed while writing to it would hold its lock, on which
        closing the queue would wait.
        """
        executor, self._executor = self._executor, None
        if executor is not None:
            for process in list((executor._processes or {}).values()):
                process.kill()
            executor.shutdown(wait=False, cancel_futures=True)
        self._subprocess_message_queue = self._message_forwarding_thread = None


def die_with_parent() -> None:
    """A worker process is killed when its parent, the forkserver, ends; the forkserver ends when the run's
    process does, even killed with SIGKILL, once the pipe from it closes: no worker outlives its run.

    multiprocessing hands each process forked from the forkserver the run's end of that pipe, so that the
    forkserver outlives the run while any of them runs: the worker closes it (it forks nothing itself), or a
    killed run would leave the forkserver and its workers waiting for each other. PR_SET_PDEATHSIG is Linux's.
    """
    server = getattr(forkserver, "_forkserver", None)
    if getattr(server, "_forkserver_alive_fd", None) is not None:
        os.close(server._forkserver_alive_fd)
        server._forkserver_alive_fd = None
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the call: nothing would tell this process
        os._exit(1)
