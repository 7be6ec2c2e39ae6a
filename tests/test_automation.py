"""The Prefect automations of `newsetl automation install`: installed on a local Prefect server (again
without doubling), and a news-etl flow run that fails there brings their message to an HTTP endpoint."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from local_prefect import prefect_server
from receivers import HttpReceiver, wait_for

pytestmark = pytest.mark.e2e
AUTOMATIONS = """
import json
from prefect.client.orchestration import get_client
with get_client(sync_client=True) as client:
    print(json.dumps(sorted([a.name, a.trigger.posture.value, str(a.actions[0].block_document_id)]
                            for a in client.read_automations())))
"""
FAILING_RUN = """
import sys
from newsetl.flows.news_etl import news_etl
state = news_etl(input_dir=sys.argv[1], warehouse_dir=sys.argv[2], return_state=True)
print(state.type.value)
"""


def _newsetl(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsetl.flows.cli", *args], env=env, capture_output=True, text=True, timeout=180)


def test_the_automations_install_once_and_tell_of_a_failed_news_etl_run(tmp_path):
    with open(tmp_path / "server.log", "w") as log, prefect_server(tmp_path, log) as env, HttpReceiver() as http:
        first = _newsetl(env, "automation", "install", "--notify", http.url)
        assert first.returncode == 0, first.stderr
        assert "installed automation newsetl-failed-or-crashed" in first.stdout
        assert _newsetl(env, "automation", "install", "--notify", http.url).returncode == 0
        listed = subprocess.run([sys.executable, "-c", AUTOMATIONS], env=env, capture_output=True, text=True, timeout=60)
        automations = json.loads(listed.stdout)
        assert [(name, posture) for name, posture, _ in automations] == [
            ("newsetl-failed-or-crashed", "Reactive"), ("newsetl-no-completed-run", "Proactive")]
        assert len({block for _, _, block in automations}) == 1

        failed = subprocess.run([sys.executable, "-c", FAILING_RUN, str(tmp_path / "gone"), str(tmp_path / "warehouse")],
                                env=env, capture_output=True, text=True, timeout=240)
        assert failed.stdout.strip().splitlines()[-1] == "FAILED", failed.stderr[-2000:]
        assert wait_for(lambda: http.messages, 90), "the automation sent nothing"
        [message] = http.messages
        assert message["title"].startswith("newsetl: flow run ") and message["title"].endswith(" Failed")
        assert "of news-etl ended Failed" in message["message"] and "input folder not found" in message["message"]


def test_installing_needs_an_address_and_a_server(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSETL_NOTIFY", raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path)}
    nowhere = _newsetl(env, "automation", "install")
    assert nowhere.returncode == 2 and "give --notify URL or set NEWSETL_NOTIFY" in nowhere.stderr
    no_server = _newsetl(env, "automation", "install", "--notify", "json://127.0.0.1/x")
    assert no_server.returncode == 2 and "set PREFECT_API_URL" in no_server.stderr
    bad = _newsetl(env, "automation", "install", "--notify", "nonsense://x")
    assert bad.returncode == 2 and "Apprise cannot use nonsense://x" in bad.stderr
