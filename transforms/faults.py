"""Named points where tests stop a run, to prove that a crash anywhere leaves a warehouse that recovers.

NEWSETL_CRASH_AT=<point> kills the process there with SIGKILL (nothing runs after it: no finally,
no hook); NEWSETL_FAIL_AT=<point> raises there, as an ordinary error would; NEWSETL_PAUSE_AT=<point>
waits there, having written the process id to the file NEWSETL_PAUSED_FILE names, until that file says
"go" (an hour at most; once it does, the point no longer waits): a test signals a run at a known point,
or fills a disk under it and lets the run go on.
<point>#<n> acts the n-th time the point is reached (a batch in the middle of a run). Unset, a point
costs a dictionary look-up.
"""
from __future__ import annotations

import os
import signal
import time
from collections import Counter
from pathlib import Path

_reached: Counter = Counter()
PAUSE_SECONDS = 3600


class InjectedFault(RuntimeError):
    """The error NEWSETL_FAIL_AT raises."""


def fault_point(name: str) -> None:
    """Crash, fail or pause here when the environment names this point."""
    crash, fail, pause = (os.environ.get(f"NEWSETL_{what}_AT") for what in ("CRASH", "FAIL", "PAUSE"))
    if not crash and not fail and not pause:
        return
    _reached[name] += 1
    here = {name, f"{name}#{_reached[name]}"}
    if crash in here:
        os.kill(os.getpid(), signal.SIGKILL)
    if fail in here:
        raise InjectedFault(f"fault injected at {name}")
    if pause in here:
        _pause()


def _pause() -> None:
    announce = Path(os.environ.get("NEWSETL_PAUSED_FILE") or os.devnull)
    if _says_go(announce):
        return
    if announce != Path(os.devnull):
        announce.write_text(f"{os.getpid()}\n", encoding="utf-8")
    deadline = time.monotonic() + PAUSE_SECONDS
    while not _says_go(announce) and time.monotonic() < deadline:
        time.sleep(0.1)  # a signal's handler runs between sleeps, and may end the pause by raising


def _says_go(path: Path) -> bool:
    try:
        return path.read_text(encoding="utf-8").strip() == "go"
    except (OSError, UnicodeDecodeError):
        return False
