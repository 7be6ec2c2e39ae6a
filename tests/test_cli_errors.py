"""Errors a person can act on: one `error:` line that ends with what to do; help that names values readably."""
import re

import pytest
from typer.testing import CliRunner

from newsetl.flows.cli import app

runner = CliRunner()


def _error(args: list[str], **env: str) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": "80", **env}, prog_name="newsetl")
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


def test_a_missing_landing_folder_says_how_to_name_another(tmp_path):
    line = _error(["run", "--input", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "wh")])
    assert line.endswith(": use --input DIR or set NEWSETL_INPUT")


def test_a_missing_warehouse_says_to_run_first_or_name_another(tmp_path):
    assert _error(["query", "select 1", "--warehouse", str(tmp_path / "a" / "long" / "path" / ("x" * 50))]).endswith(
        "run `newsetl run` first, or name another with --warehouse DIR or NEWSETL_WAREHOUSE")


def test_bad_numbers_say_which_flag_or_variable_to_set(tmp_path):
    assert _error(["run", "--batch-size", "0", "--warehouse", str(tmp_path)]) == (
        "error: --batch-size must be at least 1, not 0: give --batch-size N or set NEWSETL_BATCH_SIZE (default 250)")
    assert _error(["run", "--warehouse", str(tmp_path)], NEWSETL_WORKERS="many").endswith(
        ": give --workers N or set NEWSETL_WORKERS (default one per core)")


@pytest.mark.parametrize("args, ending", [
    (["run", "--batch-size", "x"], ": see `newsetl run --help`"),
    (["search"], "missing argument 'WORDS': see `newsetl search --help`"),
    (["no-such-command"], "no such command 'no-such-command': see `newsetl --help`"),
    (["query", "select 1", "--format", "wide"], "unknown --format 'wide': use table, vertical, csv, json or markdown"),
    (["reprocess", "--since", "May"], "use --since YYYY-MM-DD, like 2025-01-31"),
])
def test_usage_errors_are_one_error_line_that_says_what_to_do(args, ending):
    assert _error(args).endswith(ending)


def test_a_failed_query_is_one_line(tmp_path):
    from newsetl.transforms import warehouse

    with warehouse.connect(tmp_path):
        pass
    line = _error(["query", "select * from nope", "--warehouse", str(tmp_path)])
    assert line.startswith("error: query failed: Catalog Error") and line.endswith('`newsetl query "show tables"`')


@pytest.mark.parametrize("command", [[], ["run"], ["query"], ["search"], ["reprocess"], ["report"], ["rebuild"]])
def test_help_names_values_as_a_person_reads_them_and_nothing_after_a_flag(command):
    text = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "120"}).output
    assert not re.search(r"<\w+>", text)
    assert re.search(r"--help\s+Show this message", text)
    if command == ["run"]:
        for flag, metavar in (("--input", "DIR"), ("--batch-size", "N"), ("--dask-address", "URL")):
            assert re.search(rf"{flag}\s+{metavar}\s", text), flag
        assert re.search(r"--verbose\s+Show", text)
