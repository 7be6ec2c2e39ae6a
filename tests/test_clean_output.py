"""Output for pipes: CSV lines end with LF, and a one-line error stays one line however long."""
from __future__ import annotations

import os
import subprocess
import sys

from typer.testing import CliRunner

from newsetl.flows.cli import app
from newsetl.transforms import warehouse

runner = CliRunner()


def test_csv_rows_end_with_lf_so_a_captured_value_has_no_carriage_return(tmp_path):
    with warehouse.connect(tmp_path) as con:
        con.execute("create table t as select 'run-1' as run_id")
    result = runner.invoke(app, ["query", "select run_id from t", "--format", "csv", "--warehouse", str(tmp_path)])
    assert result.exit_code == 0
    # Click's result.output turns CRLF into LF: the bytes are what a shell's $(...) keeps.
    assert result.stdout_bytes == b"run_id\nrun-1\n"


def test_a_long_error_stays_on_one_line_when_piped(tmp_path):
    deep = tmp_path / ("a-folder-with-a-long-name-" * 6) / "warehouse"
    result = subprocess.run([sys.executable, "-m", "newsetl.flows.cli", "query", "select 1", "--warehouse", str(deep)],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and str(deep) in result.stderr, result.stderr
