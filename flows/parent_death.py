"""Children that die with the command, even when it is killed with SIGKILL and runs no handler of its own.

Linux's PR_SET_PDEATHSIG, set in the child between fork and exec: the kernel kills the child when the
thread that started it ends. Start children with it from the main thread only (a thread that ends would
take its children with it). Elsewhere than Linux, children are stopped in order only (flows/stopping.py).

The forkserver that local worker processes fork from exits once the pipe from its parent closes; the
workers die with it (flows/worker_processes.py). Standard library only: flows/server.py starts Prefect's server before any import.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Callable

PR_SET_PDEATHSIG = 1


def killed_with_this_process() -> Callable[[], None] | None:
    """A preexec_fn for subprocess.Popen: the child gets SIGKILL when this process (its starting thread) ends;
    None where the system has no such call."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child only calls it
    parent = os.getpid()

    def in_child() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the command died before the call: nothing would tell the child
            os._exit(1)

    return in_child
