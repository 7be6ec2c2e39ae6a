"""SIGINT and SIGTERM stop `newsetl run` within seconds, truthfully, and leave no process behind.

Each run here is a real `newsetl run` of the seeds (two local workers, its own temporary Prefect server)
paused at a named point (transforms/faults.py NEWSETL_PAUSE_AT) and signalled there, to its process
group (Ctrl-C) or to its main process alone (`kill PID`). The runs share one warehouse, as an
operator's would: the last run finds what the stopped ones left.
"""
import shutil
import subprocess

import pytest
from conftest import SEEDS, load_benchmark

from newsetl.transforms import warehouse as wh

pytestmark = pytest.mark.e2e
stop_times = load_benchmark("stop_times")

# Each signal at each point, and each point signalled both ways.
CASES = [("list", "SIGINT", "group"), ("list", "SIGTERM", "main"),
         ("tag", "SIGTERM", "group"), ("tag", "SIGINT", "main"),
         ("load:inserted", "SIGTERM", "group"), ("load:committed", "SIGINT", "main")]


@pytest.fixture(scope="module")
def operator(tmp_path_factory):
    """(landing, warehouse, work folder) shared by the module's runs."""
    work = tmp_path_factory.mktemp("stopping")
    shutil.copytree(SEEDS, work / "landing")
    return work / "landing", work / "wh", work


def _assert_stopped_cleanly(result, seconds: float) -> None:
    assert result.seconds < seconds, result.output[-3000:]
    assert result.left == [] and result.ports_left == [], result.left
    assert "Traceback" not in result.output, result.output[-3000:]
    lines = result.after_signal.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("stopped "), result.after_signal[-3000:]


def test_a_second_ctrl_c_stops_at_once(operator):
    landing, warehouse, work = operator
    # First, while the seeds are new: a run that finds nothing new records itself without a flow.
    result = stop_times.stop_run(landing, warehouse, work, "list", "SIGINT", "group", exit_timeout=60, again_after=0.3)
    _assert_stopped_cleanly(result, seconds=2)
    assert result.exit_code == 130 and "at once" in result.after_signal


def test_a_killed_run_takes_every_process_it_started_with_it(operator):
    landing, warehouse, work = operator
    result = stop_times.stop_run(landing, warehouse, work, "tag", "SIGKILL", "main", exit_timeout=10)
    assert result.exit_code == -9 and result.seconds < 2
    assert result.left == [] and result.ports_left == [], result.left  # Prefect's server, the forkserver, workers
    assert result.run_status == "running"  # the next run marks it failed


@pytest.mark.parametrize("point, signal_name, target", CASES)
def test_a_signalled_run_stops_within_10_s_says_what_became_of_the_run_and_leaves_no_process(
        operator, point, signal_name, target):
    landing, warehouse, work = operator
    result = stop_times.stop_run(landing, warehouse, work, point, signal_name, target, exit_timeout=60)
    _assert_stopped_cleanly(result, seconds=10)
    committed = point == "load:committed"
    assert result.exit_code == (0 if committed else 128 + stop_times.SIGNALS[signal_name]), result.after_signal
    assert result.run_status == ("completed" if committed else "failed")
    verb = "had committed" if committed else "is marked failed"
    assert f"stopped by {signal_name}" in result.after_signal and verb in result.after_signal


def test_the_run_after_the_stops_holds_each_seed_once_and_no_run_left_running(operator):
    landing, warehouse, work = operator
    result = subprocess.run(stop_times.newsetl_run(landing, warehouse, "--batch-size", "2", "--workers", "2"),
                            env=stop_times.run_env(work), cwd=work, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    with wh.connect(warehouse, read_only=True) as con:
        counts = {table: con.execute(f"select count(*), count(distinct doc_id) from {table}").fetchone()
                  for table in ("documents", "articles", "search_docs")}
        statuses = {status for (status,) in con.execute("select distinct status from runs").fetchall()}
    assert counts == {table: (5, 5) for table in counts}
    assert "running" not in statuses and "completed" in statuses
    staged = {folder.name for folder in (warehouse / "parquet" / "articles").glob("run_id=*")}
    assert len(staged) == 1  # only the run that committed the seeds keeps staged files



def _table_counts(warehouse) -> dict:
    with wh.connect(warehouse, read_only=True) as con:
        return {table: con.execute(f"select count(*), count(distinct doc_id) from {table}").fetchone()
                for table in ("articles", "mentions", "quotes", "stage_versions")}


@pytest.mark.parametrize("point, signal_name, target", [("reprocess", "SIGINT", "group"),
                                                        ("reprocess:inserted", "SIGTERM", "main")])
def test_a_signalled_reprocess_stops_within_10_s_marked_failed_leaving_the_warehouse_as_it_was(
        operator, point, signal_name, target):
    landing, warehouse, work = operator
    before = _table_counts(warehouse)
    result = stop_times.stop_run(landing, warehouse, work, point, signal_name, target, exit_timeout=60,
                                 what="reprocess")
    _assert_stopped_cleanly(result, seconds=10)
    assert result.exit_code == 128 + stop_times.SIGNALS[signal_name], result.after_signal
    assert result.run_status == "failed" and "is marked failed" in result.after_signal
    assert _table_counts(warehouse) == before


def test_the_reprocess_after_the_stops_completes_with_each_seed_once(operator):
    landing, warehouse, work = operator
    before = _table_counts(warehouse)
    result = subprocess.run([*stop_times.newsetl_reprocess(warehouse), "--stage", "tag", "--workers", "2"],
                            env=stop_times.run_env(work), cwd=work, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "5 documents selected, 5 replaced" in result.stdout
    assert _table_counts(warehouse) == before
    assert stop_times.last_run_status(warehouse) == "completed"
