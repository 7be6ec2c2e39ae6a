"""A child started to die with the command dies when the command is killed with SIGKILL."""
import subprocess
import sys
import time
from pathlib import Path

import pytest

STARTER = """
import subprocess, sys, time
from newsetl.flows.parent_death import killed_with_this_process
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], preexec_fn=killed_with_this_process())
print(child.pid, flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_child_started_to_die_with_its_parent_is_gone_when_the_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", STARTER], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.kill()  # SIGKILL: no handler of the parent runs
    parent.wait()
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)
