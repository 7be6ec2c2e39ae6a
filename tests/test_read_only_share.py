"""A warehouse on a read-only share: queries, search, status and --as-of work with or without SQLite's side
files (lake.sqlite-wal, -shm), and `newsetl report` writes where it is told or says it cannot write.

chmod does not stop root, so the share is a read-only bind mount of a copy of the seeds warehouse.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
from contextlib import closing

import pytest
from typer.testing import CliRunner

from newsetl.flows.cli import app

pytestmark = pytest.mark.e2e  # each test runs the pipeline or the command line: seconds apiece

runner = CliRunner()


@pytest.fixture
def share(copy_of_seeds_run, tmp_path):
    """(the owner's writable warehouse, the same folder mounted read-only)."""
    _, owned = copy_of_seeds_run
    mounted = tmp_path / "share"
    mounted.mkdir()
    for command in (["mount", "--bind", str(owned), str(mounted)], ["mount", "-o", "remount,ro,bind", str(mounted)]):
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            subprocess.run(["umount", str(mounted)], capture_output=True)
            pytest.skip(f"a read-only bind mount is not permitted here: {done.stderr.strip()}")
    yield owned, mounted
    subprocess.run(["umount", str(mounted)], check=True)


def rows(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


@pytest.mark.parametrize("side_files", [False, True], ids=["without -wal and -shm", "with -wal and -shm"])
def test_queries_search_status_and_as_of_read_a_read_only_share(share, side_files):
    owned, mounted = share
    with closing(sqlite3.connect(owned / "lake.sqlite")) as owner:
        owner.execute("select count(*) from sqlite_master").fetchone()
        if not side_files:
            owner.close()  # the last close removes them; with them, the owner holds the catalog open as in a run
        assert (mounted / "lake.sqlite-shm").exists() == side_files
        assert (mounted / "lake.sqlite-wal").exists() == side_files
        listing = sorted(p.name for p in mounted.iterdir())

        query = ["query", "--warehouse", str(mounted), "--format", "json"]
        (count,) = rows(runner.invoke(app, [*query, "select count(*) as n from articles"]))
        assert count["n"] > 0
        runs = rows(runner.invoke(app, [*query, "select run_id from runs where status = 'completed' order by run_id"]))
        (then,) = rows(runner.invoke(app, [*query, "--as-of", runs[0]["run_id"], "select count(*) as n from articles"]))
        assert then["n"] == count["n"]  # the seeds come in one run
        found = rows(runner.invoke(app, ["search", "Nordkorea", "--warehouse", str(mounted), "--format", "json"]))
        assert found
        status = runner.invoke(app, ["status", "--warehouse", str(mounted), "--format", "json"])
        assert json.loads(status.output)["run_id"] == runs[-1]["run_id"] and status.exit_code != 3, status.output
        assert sorted(p.name for p in mounted.iterdir()) == listing


def test_report_on_a_read_only_share_writes_where_it_is_told_or_says_in_one_line_that_it_cannot(share, tmp_path):
    _, mounted = share
    result = runner.invoke(app, ["report", "--warehouse", str(mounted)])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert result.output.startswith("error: cannot write the report") and "--out" in result.output
    result = runner.invoke(app, ["report", "--warehouse", str(mounted), "--out", str(tmp_path / "mine")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mine" / "report.html").is_file() and (tmp_path / "mine" / "report.md").is_file()
