"""A real Prefect server on 127.0.0.1 for the tests that serve a deployment or install automations."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from receivers import free_port


def _wait_healthy(api: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"the Prefect server at {api} did not answer within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


@contextmanager
def prefect_server(folder: Path, log):
    """`prefect server start` in a home of its own under folder; yields the environment that talks to it
    (PREFECT_API_URL set; no NEWSETL_NOTIFY, PYTHONPATH or API key of the caller's)."""
    (folder / "prefect").mkdir(exist_ok=True)
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(folder / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "DO_NOT_TRACK": "1", "PREFECT_UI_ENABLED": "false", "NEWSETL_STATE_DIR": str(folder / "state")}
    for name in ("PREFECT_API_URL", "PREFECT_API_KEY", "NEWSETL_NOTIFY", "NEWSETL_NOTIFY_ON", "PYTHONPATH"):
        env.pop(name, None)
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
                               str(port)], env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        env["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"
        _wait_healthy(env["PREFECT_API_URL"], 120)
        yield env
    finally:
        stop(server)
