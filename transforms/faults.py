"""Named points where tests stop a run, to prove that a crash anywhere leaves a warehouse that recovers.

NEWSETL_CRASH_AT=<point> kills the process there with SIGKILL (nothing runs after it: no finally,
no hook); NEWSETL_FAIL_AT=<point> raises there, as an ordinary error would. Unset, a point costs a
dictionary look-up.
"""
from __future__ import annotations

import os
import signal


class InjectedFault(RuntimeError):
    """The error NEWSETL_FAIL_AT raises."""


def fault_point(name: str) -> None:
    """Crash or fail here when the environment names this point."""
    if os.environ.get("NEWSETL_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get("NEWSETL_FAIL_AT") == name:
        raise InjectedFault(f"fault injected at {name}")
