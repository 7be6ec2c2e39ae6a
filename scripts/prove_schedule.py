"""Prove the scheduled deployment works: start a Prefect server on loopback, deploy prefect.yaml,
start a process worker, wait for one scheduled run of news-etl to complete, stop everything.

    python scripts/prove_schedule.py [--timeout 600]

The deployment is deployed with its prefect.yaml parameters but a cron of every minute, so that a
scheduled run comes within the script's patience; everything runs in a temporary PREFECT_HOME
and a temporary warehouse. Exit status 0 only when a scheduled flow run reached COMPLETED.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POOL = "newsetl-pool"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, deadline: float) -> None:
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise TimeoutError("the Prefect server did not become healthy")


def _prefect(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "prefect", *args], env=env, cwd=ROOT, check=True)


def _scheduled_run_state(env: dict) -> str | None:
    """State name of the newest flow run the scheduler created for the deployment, if any."""
    code = (
        "import asyncio\n"
        "from prefect.client.orchestration import get_client\n"
        "async def main():\n"
        "    async with get_client() as client:\n"
        "        runs = await client.read_flow_runs()\n"
        "        done = [r for r in runs if r.auto_scheduled and r.state and r.state.is_final()]\n"
        "        print(done[0].state.name if done else '')\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip() or None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for a completed scheduled run")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsetl-schedule-"))
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(workdir / "prefect"), "PREFECT_API_URL": api,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
           "NEWSETL_PROJECT_DIR": str(ROOT), "NEWSETL_INPUT": str(ROOT / "seeds"),
           "NEWSETL_WAREHOUSE": str(workdir / "warehouse"), "NEWSETL_STATE_DIR": str(workdir / "state"),
           "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5", "PREFECT_WORKER_QUERY_SECONDS": "5"}
    (workdir / "prefect").mkdir(parents=True)
    env.pop("PREFECT_API_KEY", None)
    processes: list[subprocess.Popen] = []
    try:
        server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                   "--port", str(port)], env={k: v for k, v in env.items() if k != "PREFECT_API_URL"},
                                  cwd=workdir, stdout=open(workdir / "server.log", "w"), stderr=subprocess.STDOUT,
                                  start_new_session=True)
        processes.append(server)
        _wait_healthy(api, time.time() + 120)
        print(f"server healthy at {api}")
        _prefect(env, "work-pool", "create", POOL, "--type", "process")
        _prefect(env, "--no-prompt", "deploy", "--name", "hourly", "--cron", "* * * * *")
        worker = subprocess.Popen([sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL],
                                  env=env, cwd=ROOT, stdout=open(workdir / "worker.log", "w"),
                                  stderr=subprocess.STDOUT, start_new_session=True)
        processes.append(worker)
        deadline = time.time() + args.timeout
        while time.time() < deadline:
            state = _scheduled_run_state(env)
            if state:
                print(f"scheduled flow run finished: {state}")
                return 0 if state == "Completed" else 1
            time.sleep(5)
        print("no scheduled run finished in time; see", workdir)
        return 1
    finally:
        # A background worker ignores SIGINT and turns SIGTERM into SIGINT: only SIGKILL stops it.
        for process in reversed(processes):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
        if os.environ.get("NEWSETL_KEEP_SCHEDULE_DIR") is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
