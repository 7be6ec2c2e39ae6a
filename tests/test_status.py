"""`newsetl status`: one line and a Nagios exit code, from the last committed run, whatever the clocks said."""
import json
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from lifecycle import lake_run
from typer.testing import CliRunner

from newsetl.expectations.status import parse_age, read_status
from newsetl.flows.cli import app
from newsetl.transforms import run_history, warehouse

pytestmark = pytest.mark.e2e  # each test runs the pipeline or the command line: seconds apiece

runner = CliRunner()
NOW = datetime.now(timezone.utc)


def _status(path, *args: str):
    return runner.invoke(app, ["status", "--warehouse", str(path), *args])


def test_status_without_a_warehouse_exits_3_in_one_line(tmp_path):
    result = _status(tmp_path / "nowhere")
    assert result.exit_code == 3
    assert result.output.startswith("UNKNOWN no warehouse at") and len(result.output.splitlines()) == 1


@pytest.mark.parametrize("kind, code", [("pass", 0), ("warning", 1), ("quarantined", 1), ("critical", 2), ("failed", 2)])
def test_status_exits_with_the_nagios_code_of_the_last_runs_verdict(tmp_path, kind, code):
    lake_run(tmp_path, "r1", NOW - timedelta(minutes=5), critical=True)  # an earlier FAIL does not count
    lake_run(tmp_path, "r2", NOW, warning=kind == "warning", critical=kind == "critical",
         quarantined=int(kind == "quarantined"), failed=kind == "failed")
    result = _status(tmp_path)
    assert result.exit_code == code, result.output
    line = result.output.strip()
    assert len(result.output.splitlines()) == 1
    assert line.startswith({0: "PASS", 1: "WARN", 2: "FAIL"}[code]) and "last run r2" in line
    assert "4 files seen" in line and "ago" in line


def test_a_warehouse_whose_last_commit_is_older_than_max_age_is_stale_with_exit_2(tmp_path):
    lake_run(tmp_path, "r1", NOW)
    assert _status(tmp_path, "--max-age", "1h").exit_code == 0
    time.sleep(1.1)
    result = _status(tmp_path, "--max-age", "1s")
    assert result.exit_code == 2 and result.output.startswith("FAIL") and "STALE" in result.output


def test_max_age_takes_units_and_refuses_nonsense(tmp_path):
    assert parse_age("90m") == timedelta(minutes=90) and parse_age("2h") == timedelta(hours=2)
    assert parse_age("1.5d") == timedelta(hours=36) and parse_age("30s") == timedelta(seconds=30)
    result = _status(tmp_path, "--max-age", "soon")
    assert result.exit_code == 2 and "--max-age" in result.output


def test_json_status_carries_the_verdict_counts_and_exit_code(tmp_path):
    lake_run(tmp_path, "r1", NOW, warning=True)
    result = _status(tmp_path, "--format", "json")
    found = json.loads(result.output)
    assert result.exit_code == 1
    assert (found["state"], found["run_id"], found["warnings"], found["exit_code"]) == ("WARN", "r1", 1, 1)
    assert found["documents"]["loaded"] == 1 and found["files_seen"] == 4


def test_prometheus_status_is_openmetrics_that_node_exporters_text_parser_reads_too(tmp_path):
    from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics
    from prometheus_client.parser import text_string_to_metric_families as prometheus_text

    lake_run(tmp_path, "r1", NOW, critical=True)
    result = _status(tmp_path, "--format", "prometheus")
    assert result.exit_code == 2 and result.output.endswith("# EOF\n")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in openmetrics(result.output) for s in family.samples}
    assert samples[("newsetl_last_run_verdict", (("verdict", "FAIL"),))] == 1
    assert samples[("newsetl_last_run_failed_expectations", (("severity", "critical"),))] == 1
    assert samples[("newsetl_last_run_documents", (("status", "loaded"),))] == 1
    assert samples[("newsetl_last_run_duration_seconds", ())] == 3
    committed = samples[("newsetl_last_run_timestamp_seconds", ())]
    assert abs(committed - time.time()) < 120
    assert {f.name for f in prometheus_text(result.output)} >= {"newsetl_last_run_verdict", "newsetl_stale"}
    empty = _status(tmp_path / "nowhere", "--format", "prometheus")
    assert empty.exit_code == 3 and [s.value for f in openmetrics(empty.output) for s in f.samples
                                     if s.name == "newsetl_up"] == [0]


def test_status_imports_neither_prefect_nor_great_expectations_nor_spacy_nor_dask(tmp_path):
    probe = ("import sys\nfrom newsetl.flows.cli import app\n"
             "try:\n    app(['status', '--warehouse', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('prefect', 'great_expectations', 'spacy', 'distributed') if m in sys.modules))")
    lake_run(tmp_path, "r1", NOW)
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


def test_the_last_committed_run_is_latest_though_a_clock_ran_days_ahead(tmp_path):
    lake_run(tmp_path, "r1", NOW - timedelta(minutes=10))
    lake_run(tmp_path, "r2", NOW + timedelta(days=3), critical=True)  # a VM resumed with its clock ahead
    lake_run(tmp_path, "r3", NOW)
    status = read_status(tmp_path, timedelta(hours=2))
    assert (status.run_id, status.state) == ("r3", "PASS")
    with warehouse.connect(tmp_path, read_only=True) as con:
        runs = run_history.runs_by_commit(con)
    assert list(runs["run_id"]) == ["r3", "r2", "r1"]
    flags = dict(zip(runs["run_id"], runs["clock_flag"]))
    assert flags["r3"] == "behind_previous_run" and flags["r2"] == "ahead_of_now" and pd.isna(flags["r1"])


def test_counts_a_failed_run_never_wrote_read_as_zero_not_as_an_error():
    from newsetl.expectations.status import _int

    assert [_int(value) for value in (pd.NA, None, float("nan"), 7)] == [0, 0, 0, 7]
