"""A temporary local Prefect server for one `newsetl run`: Prefect's ephemeral mode, started first.

Prefect starts its ephemeral server on the flow's first API call, after importing its server code
into the calling process (about 3 s) and then waiting for the server (about 4 s). Started here
before anything else is imported, the same server boots in its own process while this one imports
the stages, checks the landing folder and loads the models. Only the standard library is used,
so that the spawn is the first thing a run does.
"""
from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from newsetl.flows import prefect_home
from newsetl.flows.parent_death import killed_with_this_process
from newsetl.flows.run_log import for_child

# uvicorn exits with this code when the port was taken between choosing and binding it.
_PORT_IN_USE = 3
# Written into Prefect's home once a server of this Prefect version has migrated its database there.
_READY_MARK = "newsetl-database-ready"


def _prefect_version() -> str:
    from importlib.metadata import version

    return version("prefect")


def _own_database() -> bool:
    """Prefect keeps its SQLite database in its home; an operator's database URL keeps Prefect's defaults."""
    return not os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL")


def _database_ready() -> bool:
    """Prefect's own SQLite database in its home was migrated, and its blocks registered, by this version."""
    home = prefect_home()
    try:
        return (_own_database() and (home / "prefect.db").is_file()
                and (home / _READY_MARK).read_text().strip() == _prefect_version())
    except OSError:  # no mark yet, or one that cannot be read: migrate as Prefect does
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TemporaryServer:
    """Prefect's API server (the app and options of its ephemeral mode) in a child process."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.port = 0
        self._database_ready = _database_ready()
        self._spawn()

    def _spawn(self) -> None:
        self.port = _free_port()
        prefect_parent = Path(importlib.util.find_spec("prefect").origin).parent.parent
        env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
        env.update({"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"})
        if self._database_ready:
            # Checking the migrations and registering the block types again cost the boot about 1.2 CPU-s.
            env.update({"PREFECT_API_DATABASE_MIGRATE_ON_START": "false",
                        "PREFECT_API_BLOCKS_REGISTER_ON_START": "false"})
        output = for_child()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"], env=env, stdout=output, stderr=output,
            start_new_session=True,  # a Ctrl-C reaches the command alone, which stops it last (flows/stopping.py)
            preexec_fn=killed_with_this_process())  # and a SIGKILL of the command takes it along
        if hasattr(output, "close"):
            output.close()  # the server has its own copy

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def wait_ready(self, timeout: float) -> None:
        """Block until the server answers its health check; RuntimeError when it does not in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code == _PORT_IN_USE:
                self._spawn()
            elif code is not None:
                raise RuntimeError(f"the temporary Prefect server exited with code {code}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=1) as response:
                    if response.status == 200:
                        self._mark_database_ready()
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the temporary Prefect server did not answer within {timeout:.0f} s")

    def _mark_database_ready(self) -> None:
        """A server answers once its start-up migrated the database and registered the blocks."""
        if self._database_ready or not _own_database():
            return
        try:
            (prefect_home() / _READY_MARK).write_text(_prefect_version() + "\n")
        except OSError:
            pass  # the next server checks again; a full disk is told where the run writes
        self._database_ready = True

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
