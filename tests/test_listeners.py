"""A run on worker processes listens on no port but its temporary Prefect server's and prints no library warning:
the sockets its process tree listens on are looked at while it runs."""
import os
import shutil
import socket
import subprocess
import sys
import time

import psutil
import pytest

pytestmark = pytest.mark.e2e  # runs the command line in child processes

SERVER = "prefect.server.api.server:create_app"  # the temporary Prefect server's command line (flows/server.py)
FORKED = "multiprocessing.forkserver"  # the command line of the forkserver and of the workers it forks


def _listens(connection) -> bool:
    """A TCP socket that accepts connections, or a UDP one bound to receive from anyone."""
    if connection.type == socket.SOCK_STREAM:
        return connection.status == psutil.CONN_LISTEN
    return not connection.raddr


def _look(root: psutil.Process, seen: dict[str, set]) -> None:
    """Adds to seen what the process tree does now: ("server" or "other", address, port) of each socket it
    listens on, and the pids of the forkserver and its workers."""
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for process in processes:
        try:
            command = " ".join(process.cmdline())
            owner = "server" if SERVER in command else "other"
            seen["sockets"] |= {(owner, c.laddr.ip, c.laddr.port) for c in process.net_connections(kind="inet")
                                if _listens(c)}
            if FORKED in command:
                seen["forked"].add(process.pid)
        except psutil.Error:
            pass


def test_a_run_on_worker_processes_listens_on_no_port_but_its_prefect_servers_and_prints_no_library_warning(
        seeds_dir, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(seeds_dir, landing)
    dashboard = socket.socket()
    try:  # Dask's dashboard port taken, as by another cluster: a local Dask cluster used to warn on the terminal
        dashboard.bind(("127.0.0.1", 8787))
        dashboard.listen()
    except OSError:
        pass  # taken already
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_HOME", "PREFECT_API_URL")}
    env["NEWSETL_STATE_DIR"] = str(tmp_path / "state")  # its own temporary server, not the test harness's
    try:
        run = subprocess.Popen([sys.executable, "-m", "newsetl.flows.cli", "run", "--input", str(landing), "--warehouse",
                                str(tmp_path / "warehouse"), "--batch-size", "2", "--workers", "2"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        seen: dict[str, set] = {"sockets": set(), "forked": set()}
        root = psutil.Process(run.pid)
        deadline = time.monotonic() + 600
        while run.poll() is None and time.monotonic() < deadline:
            _look(root, seen)
            time.sleep(0.2)
        output = run.communicate(timeout=60)[0]
    finally:
        dashboard.close()
    assert run.returncode == 0, output
    assert "3 batches" in output
    assert len(seen["forked"]) >= 3, "the forkserver and two workers were not seen: the probe would prove nothing"
    assert any(owner == "server" for owner, _, _ in seen["sockets"]), "the probe saw no socket at all"
    assert {listener for listener in seen["sockets"] if listener[0] != "server"} == set()
    assert "Warning" not in output and "site-packages" not in output, output
