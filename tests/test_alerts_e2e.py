"""Done when: the deployment, served on a local Prefect server, meets a landing folder that fails a critical
expectation: Prefect shows the run Failed, a real SMTP server and an HTTP endpoint on 127.0.0.1 each get
exactly one message naming the run, `newsetl status` exits 2; a following PASS run sends nothing."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from local_prefect import prefect_server, stop
from receivers import HttpReceiver, SmtpReceiver, failing_article, passing_article, second_passing_article

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent

# The deployment as prefect.yaml defines it (its parameters, fail_on_quality among them), served.
SERVE = """
import sys
import yaml
from newsetl.flows.news_etl import news_etl
deployment = next(d for d in yaml.safe_load(open(sys.argv[1]))["deployments"] if d["name"] == "hourly")
parameters = {**deployment["parameters"], "input_dir": sys.argv[2], "warehouse_dir": sys.argv[3]}
news_etl.serve(name="hourly", parameters=parameters, tags=deployment["tags"])
"""
# Every process of the served deployment (its flow runs are child processes) gets a language detector
# that names an unknown language for marked files: a fault the critical expectation must catch.
SITECUSTOMIZE = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
import receivers
from newsetl.transforms import clean
receivers.misdetect_marked(clean)
"""
RUN = """
import json
import time
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
with get_client(sync_client=True) as client:  # serve registers the deployment once it has imported the flow
    for _ in range(240):
        try:
            client.read_deployment_by_name("news-etl/hourly")
            break
        except Exception:
            time.sleep(0.5)
run = run_deployment("news-etl/hourly", timeout=240, poll_interval=1)
print(json.dumps({"state": run.state.type.value, "message": run.state.message, "id": str(run.id), "name": run.name}))
"""


@pytest.fixture
def served(tmp_path):
    """A Prefect server on 127.0.0.1 serving the hourly deployment into a new warehouse, with alerts to a
    real SMTP server and an HTTP endpoint; yields (run, landing, warehouse, smtp, http, env)."""
    landing, warehouse, site = tmp_path / "landing", tmp_path / "warehouse", tmp_path / "site"
    for folder in (landing, site):
        folder.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    with open(tmp_path / "processes.log", "w") as log, prefect_server(tmp_path, log) as env, \
            SmtpReceiver() as smtp, HttpReceiver() as http:
        serving = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(ROOT / "prefect.yaml"), str(landing), str(warehouse)],
            env={**env, "PYTHONPATH": str(site), "NEWSETL_NOTIFY": f"{smtp.url} {http.url}", "NEWSETL_WORKERS": "1",
                 "PREFECT_RUNNER_POLL_FREQUENCY": "1"},
            cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

        def run() -> dict:
            done = subprocess.run([sys.executable, "-c", RUN], env=env, cwd=tmp_path, capture_output=True,
                                  text=True, timeout=300)
            assert done.returncode == 0, done.stderr[-2000:]
            return json.loads(done.stdout.strip().splitlines()[-1])

        try:
            yield run, landing, warehouse, smtp, http, env
        finally:
            stop(serving)


def _status(warehouse: Path, env: dict) -> int:
    return subprocess.run([sys.executable, "-m", "newsetl.flows.cli", "status", "--warehouse", str(warehouse)], env=env,
                          capture_output=True, text=True, timeout=120).returncode


def test_a_served_deployment_that_fails_a_critical_expectation_ends_failed_and_alerts_once(served):
    run, landing, warehouse, smtp, http, env = served
    (landing / "budget.txt").write_text(passing_article(), encoding="utf-8")
    (landing / "marked.txt").write_text(failing_article(), encoding="utf-8")
    failed = run()
    assert failed["state"] == "FAILED", failed
    assert "FAIL, 1 critical failures" in failed["message"]
    assert "critical: articles expect_column_values_to_be_in_set language" in failed["message"]
    run_id = failed["message"].split()[2].rstrip(":")  # "newsetl run <run_id>: FAIL, ..."
    assert len(smtp.messages) == 1 and len(http.messages) == 1
    for text in (smtp.texts()[0], f"{http.messages[0]['title']}\n{http.messages[0]['message']}"):
        assert f"newsetl FAIL: run {run_id}" in text and f"{failed['name']} ({failed['id']})" in text
        assert "newsetl query" in text and str(warehouse / "quality" / "report.html") in text
    assert _status(warehouse, env) == 2

    (landing / "storm.txt").write_text(second_passing_article(), encoding="utf-8")
    passed = run()
    assert passed["state"] == "COMPLETED", passed
    assert _status(warehouse, env) == 0  # the PASS run is the last committed one
    time.sleep(1)
    assert len(smtp.messages) == 1 and len(http.messages) == 1
