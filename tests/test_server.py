"""The temporary Prefect server of `newsetl run`: waited for, started again when its port was taken, stopped."""
import subprocess
import sys

import pytest

from newsetl.flows import server
from newsetl.flows.server import TemporaryServer

pytestmark = pytest.mark.e2e  # each test runs the pipeline or the command line: seconds apiece

HEALTHY = """
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
"""
PORT_TAKEN = "import sys; sys.exit(3)"
CRASHES = "import sys; sys.exit(1)"
SILENT = "import time; time.sleep(60)"


class ScriptedServer(TemporaryServer):
    """The server's children are these scripts, one a spawn, on the port the server chose."""

    def __init__(self, *scripts: str):
        self.scripts = list(scripts)
        self.spawned = 0
        super().__init__()

    def _spawn(self) -> None:
        self.port = server._free_port()
        self.spawned += 1
        self.process = subprocess.Popen([sys.executable, "-c", self.scripts.pop(0), str(self.port)])


def test_the_server_is_ready_once_its_health_check_answers_and_stop_ends_it():
    started = ScriptedServer(HEALTHY)
    try:
        started.wait_ready(timeout=30)
        assert started.api_url == f"http://127.0.0.1:{started.port}/api"
        child = started.process
    finally:
        started.stop()
    assert child.returncode is not None and started.process is None
    started.stop()  # a second stop does nothing


def test_a_server_whose_port_was_taken_is_started_again_on_another():
    retried = ScriptedServer(PORT_TAKEN, HEALTHY)
    try:
        retried.wait_ready(timeout=30)
        assert retried.spawned == 2
    finally:
        retried.stop()


def test_a_server_that_exits_or_never_answers_fails_clearly():
    crashed = ScriptedServer(CRASHES)
    with pytest.raises(RuntimeError, match="exited with code 1"):
        crashed.wait_ready(timeout=30)
    silent = ScriptedServer(SILENT)
    try:
        with pytest.raises(RuntimeError, match="did not answer within 0 s"):
            silent.wait_ready(timeout=0.3)
    finally:
        silent.stop()


def test_the_child_is_prefects_api_without_the_callers_server(monkeypatch):
    started = []
    monkeypatch.setenv("PREFECT_API_URL", "http://elsewhere:4200/api")
    monkeypatch.setattr(server.subprocess, "Popen", lambda command, env, **options: started.append((command, env, options)))
    TemporaryServer()
    command, env, options = started[0]
    assert options["start_new_session"]  # out of the terminal's process group: Ctrl-C reaches the command
    assert options["preexec_fn"] is not None  # and dies with the command (flows/parent_death.py)
    assert options["stdout"] is options["stderr"] is None  # a command without a run log: its terminal
    assert "prefect.server.api.server:create_app" in command and command[command.index("--host") + 1] == "127.0.0.1"
    assert "PREFECT_API_URL" not in env and env["PREFECT_UI_ENABLED"] == "0"


def test_a_database_this_prefect_version_migrated_is_not_migrated_again_at_the_next_start(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    envs = []
    real_popen = server.subprocess.Popen
    monkeypatch.setattr(server.subprocess, "Popen", lambda command, env, **options: envs.append(env) or real_popen(
        command, env=env, **options))
    for _ in range(2):
        started = TemporaryServer()
        try:
            started.wait_ready(timeout=120)  # a real Prefect server, on its own database in tmp_path
        finally:
            started.stop()
    first, second = envs
    assert "PREFECT_API_DATABASE_MIGRATE_ON_START" not in first  # a new database is made by its migrations
    assert second["PREFECT_API_DATABASE_MIGRATE_ON_START"] == second["PREFECT_API_BLOCKS_REGISTER_ON_START"] == "false"
    (tmp_path / "newsetl-database-ready").write_text("0.0.1\n")  # another Prefect version migrated it
    assert not server._database_ready()
    (tmp_path / "newsetl-database-ready").write_text(server._prefect_version())
    (tmp_path / "prefect.db").unlink()  # the database is gone: a new one needs its migrations
    assert not server._database_ready()
