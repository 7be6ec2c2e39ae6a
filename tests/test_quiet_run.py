"""A run that finds nothing new is recorded without Prefect; a run that finds new files lists and hashes once."""
import json
import os
import subprocess
import sys

import pytest

from newsetl.flows import landing
from newsetl.transforms import warehouse
from newsetl.transforms.ingest import IngestLimits, Survey

pytestmark = pytest.mark.e2e  # runs the command line in child processes

# Runs `newsetl run` in this interpreter, then prints its exit code and whether Prefect was imported.
PROBE = """
import json, sys
from newsetl.flows.cli import app
try:
    app(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "prefect": "prefect" in sys.modules}))
"""


def test_a_run_with_nothing_new_records_its_run_and_health_checks_without_prefect(copy_of_seeds_run, tmp_path):
    landing_dir, warehouse_dir = copy_of_seeds_run
    env = {**os.environ, "NEWSETL_STATE_DIR": str(tmp_path / "state")}
    env.pop("PREFECT_API_URL", None)
    result = subprocess.run([sys.executable, "-c", PROBE, "run", "--input", str(landing_dir), "--warehouse",
                             str(warehouse_dir)], capture_output=True, text=True, env=env, timeout=300)
    lines = result.stdout.splitlines()
    assert json.loads(lines[-1]) == {"code": 0, "prefect": False}, result.stdout + result.stderr
    assert lines[0].endswith("starting: 5 files to look at")
    assert "files  5 seen, 0 new, 5 already in the warehouse" in result.stdout
    assert "Nothing new, so no Prefect flow run" in result.stdout
    with warehouse.connect(warehouse_dir, read_only=True) as con:
        run_id, status, files_seen, loaded, flow_run_id = con.execute(
            "select run_id, status, files_seen, loaded, flow_run_id from runs order by started_at desc limit 1").fetchone()
        checks = {e for (e,) in con.execute("select expectation from quality_results where run_id = ?", [run_id]).fetchall()}
    assert (status, files_seen, loaded, flow_run_id) == ("completed", 5, 0, "")
    assert {"health_freshness", "health_volume"} <= checks
    assert run_id in (warehouse_dir / "quality" / "report.md").read_text(encoding="utf-8")


def test_an_empty_landing_folder_makes_a_warehouse_with_one_completed_run_without_prefect(tmp_path):
    (tmp_path / "landing").mkdir()
    env = {**os.environ, "NEWSETL_STATE_DIR": str(tmp_path / "state")}
    env.pop("PREFECT_API_URL", None)
    result = subprocess.run([sys.executable, "-c", PROBE, "run", "--input", str(tmp_path / "landing"), "--warehouse",
                             str(tmp_path / "wh")], capture_output=True, text=True, env=env, timeout=300)
    assert json.loads(result.stdout.splitlines()[-1]) == {"code": 0, "prefect": False}, result.stdout + result.stderr
    assert not (tmp_path / "state").exists()  # no Prefect home, no server database
    with warehouse.connect(tmp_path / "wh", read_only=True) as con:
        assert con.execute("select status, files_seen from runs").fetchall() == [("completed", 0)]
    assert (tmp_path / "wh" / "quality" / "report.html").is_file()


def test_the_flow_takes_the_command_s_look_once_and_only_for_its_own_folders():
    look = landing.Look("in", "wh", IngestLimits(), Survey([], 3, 3))
    landing.hand_to_flow(look)
    assert landing.taken("in", "wh", IngestLimits()) is look
    assert landing.taken("in", "wh", IngestLimits()) is None
    landing.hand_to_flow(look)
    assert landing.taken("in", "wh", IngestLimits(max_body_chars=5)) is None
