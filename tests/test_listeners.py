"""A run on worker processes opens no fixed port and prints no library warning: the sockets its process tree
listens on are looked at while it runs."""
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

SERVER = "prefect.server.api.server:create_app"  # the temporary Prefect server's command line (flows/server.py)


def _ephemeral_ports() -> range:
    low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    return range(int(low), int(high) + 1)


def _listening(root: psutil.Process) -> set[tuple[bool, str, int]]:
    """(is Prefect's server, address, port) of every socket the process tree listens on now."""
    found = set()
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return found
    for process in processes:
        try:
            server = SERVER in " ".join(process.cmdline())
            found |= {(server, c.laddr.ip, c.laddr.port) for c in process.net_connections(kind="inet")
                      if c.status == psutil.CONN_LISTEN}
        except psutil.Error:
            pass
    return found


def test_a_run_on_worker_processes_listens_on_no_fixed_port_and_prints_no_library_warning(seeds_dir, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(seeds_dir, landing)
    dashboard = socket.socket()
    try:  # Dask's dashboard port taken, as by another cluster: Dask used to warn on the terminal then
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
        seen: set[tuple[bool, str, int]] = set()
        root = psutil.Process(run.pid)
        deadline = time.monotonic() + 600
        while run.poll() is None and time.monotonic() < deadline:
            seen |= _listening(root)
            time.sleep(0.2)
        output = run.communicate(timeout=60)[0]
    finally:
        dashboard.close()
    assert run.returncode == 0, output
    assert "3 batches" in output
    others = {(address, port) for server, address, port in seen if not server}
    assert others, "the workers' sockets were not seen: the probe would prove nothing"
    assert all(address == "127.0.0.1" for address, _ in others), others
    assert all(port in _ephemeral_ports() for _, port in others), others
    assert "Warning" not in output and "site-packages" not in output, output
