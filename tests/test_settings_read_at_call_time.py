"""Every NEWSETL_* setting is read when a command starts or a function is called, never at import: a bad value
cannot break an import, and a command names it on one line before it starts anything."""
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from contract import NOW, contract_warehouse
from typer.testing import CliRunner

from newsetl.flows.cli import app
from newsetl.transforms.report import build_report

BOGUS = {"NEWSETL_REPORT_STALE_HOURS": "soon", "NEWSETL_HEALTH_MAX_AGE_DAYS": "a week",
         "NEWSETL_HEALTH_VOLUME_LOW": "low", "NEWSETL_HEALTH_VOLUME_HIGH": "-2", "NEWSETL_HEALTH_MAX_NON_GERMAN": "lots",
         "NEWSETL_STATE_DIR": "/nonexistent/state", "NEWSETL_CACHE_DIR": "/nonexistent/cache"}
# forkserver_preload is the forkserver's start script: importing it is running it (it loads the models).
IMPORT_ALL = """
import importlib, pkgutil
names = []
for package in ("flows", "transforms", "expectations"):
    module = importlib.import_module("newsetl." + package)
    names += [m.name for m in pkgutil.walk_packages(module.__path__, module.__name__ + ".")]
for name in names:
    if not name.endswith(".forkserver_preload"):
        importlib.import_module(name)
print(len(names))
"""


@pytest.mark.e2e  # a child process imports every module: seconds
def test_importing_every_module_with_bad_threshold_values_raises_nothing(tmp_path):
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, timeout=300,
                            cwd=tmp_path, env={**os.environ, **BOGUS})
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) > 80  # every module was found, not an empty walk
    assert list(tmp_path.iterdir()) == []  # and importing wrote nothing


def _error(args: list[str], **env: str) -> str:
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200", **env}, prog_name="newsetl")
    assert result.exit_code == 2, result.output
    assert len(result.output.splitlines()) == 1, result.output
    return result.output.strip()


def test_a_bad_report_staleness_is_one_error_line_when_a_command_starts(tmp_path):
    assert _error(["report", "--warehouse", str(tmp_path)], NEWSETL_REPORT_STALE_HOURS="soon") == (
        "error: NEWSETL_REPORT_STALE_HOURS must be a number of at least 0, not 'soon': "
        "set NEWSETL_REPORT_STALE_HOURS (default 48)")


def test_a_bad_health_threshold_stops_a_run_before_it_starts(tmp_path):
    assert _error(["run", "--input", str(tmp_path), "--warehouse", str(tmp_path / "wh")],
                  NEWSETL_HEALTH_MAX_NON_GERMAN="1.5") == (
        "error: NEWSETL_HEALTH_MAX_NON_GERMAN must be a share from 0 to 1, not '1.5': "
        "set NEWSETL_HEALTH_MAX_NON_GERMAN (default 0.1)")
    assert not (tmp_path / "wh").exists()


def test_the_report_reads_its_staleness_when_it_is_built_not_when_it_was_imported(tmp_path, monkeypatch):
    con = contract_warehouse([("old", NOW - timedelta(hours=3), 2, 2, 0, 0, "completed")])
    _, markdown = build_report(con, tmp_path, now=NOW)
    assert "STALE" not in markdown  # 3 hours is within the default 48
    monkeypatch.setenv("NEWSETL_REPORT_STALE_HOURS", "2")
    _, markdown = build_report(con, tmp_path, now=NOW)
    assert "**STALE:** The newest run old committed 3.0 hours ago (more than 2.0 hours)" in markdown
