"""The newsetl command line: clear errors without tracebacks."""
import os
import re
import socket
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from newsetl.flows.cli import app
from newsetl.transforms import warehouse

runner = CliRunner()


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory):
    """A warehouse with one extra table t of one row, for the query command."""
    path = tmp_path_factory.mktemp("warehouse")
    with warehouse.connect(path) as con:
        con.execute("create table t as select 42 as answer, 'x,y' as text, '[a-z]{2}' as pattern")
    return path


def test_help_names_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "query", "rebuild"):
        assert command in result.output


def test_run_with_a_missing_input_folder_fails_clearly(tmp_path):
    result = runner.invoke(app, ["run", "--input", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "wh")])
    assert result.exit_code == 2
    assert "input folder not found" in result.output
    assert "Traceback" not in result.output


def test_query_without_a_warehouse_fails_clearly(tmp_path):
    result = runner.invoke(app, ["query", "select 1", "--warehouse", str(tmp_path)])
    # The message wraps at the console's width wherever the temporary path ends.
    assert result.exit_code == 2 and "newsetl run" in " ".join(result.output.split())


def test_query_prints_rows(small_warehouse):
    result = runner.invoke(app, ["query", "select answer from t", "--warehouse", str(small_warehouse)])
    assert result.exit_code == 0 and "42" in result.output


def test_a_second_run_is_refused_with_one_line_naming_the_first(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from newsetl.transforms.warehouse import RunLock\n"
        "with RunLock(sys.argv[1], 'first-run'):\n    print('locked', flush=True); time.sleep(60)"),
        str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        landing = tmp_path / "landing"
        landing.mkdir()
        result = runner.invoke(app, ["run", "--input", str(landing), "--warehouse", str(tmp_path)])
        assert result.exit_code == 2
        assert "run first-run" in result.output and "Traceback" not in result.output
    finally:
        holder.kill()
        holder.wait()


def test_bad_batch_sizes_are_refused_in_one_line(tmp_path, monkeypatch):
    for flag in ("-5", "0"):
        result = runner.invoke(app, ["run", "--batch-size", flag, "--warehouse", str(tmp_path)])
        assert result.exit_code == 2 and "--batch-size must be at least 1" in result.output
    monkeypatch.setenv("NEWSETL_BATCH_SIZE", "many")
    result = runner.invoke(app, ["run", "--warehouse", str(tmp_path)])
    assert result.exit_code == 2 and "NEWSETL_BATCH_SIZE must be a whole number" in result.output
    assert "Traceback" not in result.output


def test_query_prints_csv_and_json_rows_only(small_warehouse):
    query = ["query", "select answer, text from t", "--warehouse", str(small_warehouse)]
    csv_out = runner.invoke(app, [*query, "--format", "csv"])
    json_out = runner.invoke(app, [*query, "--format", "json"])
    assert csv_out.output == 'answer,text\n42,"x,y"\n'
    assert json_out.output == '{"answer": 42, "text": "x,y"}\n'


def test_query_output_keeps_brackets(small_warehouse):
    result = runner.invoke(app, ["query", "select pattern from t", "--warehouse", str(small_warehouse)])
    assert "[a-z]{2}" in result.output


@pytest.mark.e2e
def test_run_in_ephemeral_mode_loads_the_seeds_and_stops_its_server(seeds_dir, tmp_path):
    env = {**os.environ, "NEWSETL_STATE_DIR": str(tmp_path / "state")}
    env.pop("PREFECT_API_URL", None)
    result = subprocess.run([sys.executable, "-m", "newsetl.flows.cli", "run", "--input", str(seeds_dir),
                             "--warehouse", str(tmp_path / "wh"), "--verbose"], env=env, capture_output=True, text=True,
                            timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Logs and events reach the server before it stops.
    assert "Error logging to API" not in output and "Traceback" not in output
    assert "Starting temporary server" not in output  # Prefect used our server and started none of its own
    with warehouse.connect(tmp_path / "wh", read_only=True) as con:
        assert con.sql("select count(*) from articles").fetchone()[0] == 5
    port = int(re.search(r"http://127\.0\.0\.1:(\d+)/runs/flow-run/", output).group(1))
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # the temporary server is gone
