"""Named points where tests stop a run, to prove that a crash anywhere leaves a warehouse that recovers.

NEWSETL_CRASH_AT=<point> kills the process there with SIGKILL (nothing runs after it: no finally,
no hook); NEWSETL_FAIL_AT=<point> raises there, as an ordinary error would. <point>#<n> acts the
n-th time the point is reached (a batch in the middle of a run). Unset, a point costs a dictionary
look-up.
"""
from __future__ import annotations

import os
import signal
from collections import Counter

_reached: Counter = Counter()


class InjectedFault(RuntimeError):
    """The error NEWSETL_FAIL_AT raises."""


def fault_point(name: str) -> None:
    """Crash or fail here when the environment names this point."""
    crash, fail = os.environ.get("NEWSETL_CRASH_AT"), os.environ.get("NEWSETL_FAIL_AT")
    if not crash and not fail:
        return
    _reached[name] += 1
    here = {name, f"{name}#{_reached[name]}"}
    if crash in here:
        os.kill(os.getpid(), signal.SIGKILL)
    if fail in here:
        raise InjectedFault(f"fault injected at {name}")
