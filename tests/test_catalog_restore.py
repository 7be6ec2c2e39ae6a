"""A damaged or missing catalog (lake.sqlite) is named in one line, and `newsetl rebuild` restores it."""
from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from newsetl.flows.cli import app
from newsetl.transforms import warehouse

runner = CliRunner()
GARBAGE = bytes(range(256)) * 64  # 16 KB


def garbage_at_the_start(path):
    with open(path, "r+b") as file:
        file.write(GARBAGE)


def garbage_at_64_kb(path):
    with open(path, "r+b") as file:
        file.seek(64 * 1024)
        file.write(GARBAGE)


def truncated(path):
    os.truncate(path, path.stat().st_size // 3)


def counts(path) -> dict[str, int]:
    with warehouse.connect(path, read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("documents", "articles", "mentions", "entities", "runs")}


def assert_one_line_naming_rebuild(result) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error:") and result.output.count("\n") == 1, result.output
    assert "newsetl rebuild" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("damage", [garbage_at_the_start, garbage_at_64_kb, truncated])
def test_a_damaged_catalog_is_named_in_one_line_and_rebuild_restores_it_keeping_the_damaged_file(
        copy_of_seeds_run, damage):
    landing, path = copy_of_seeds_run
    before = counts(path)
    catalog = path / "lake.sqlite"
    assert catalog.stat().st_size > 80 * 1024  # the damage at 64 KB falls inside the file
    damage(catalog)
    damaged = catalog.read_bytes()

    assert_one_line_naming_rebuild(runner.invoke(app, ["query", "select count(*) from articles",
                                                       "--warehouse", str(path)]))
    assert_one_line_naming_rebuild(runner.invoke(app, ["search", "Nordkorea", "--warehouse", str(path)]))
    assert_one_line_naming_rebuild(runner.invoke(app, ["run", "--input", str(landing), "--warehouse", str(path)]))
    assert_one_line_naming_rebuild(runner.invoke(app, ["reprocess", "--warehouse", str(path)]))

    result = runner.invoke(app, ["rebuild", "--warehouse", str(path)])
    assert result.exit_code == 0, result.output
    assert "moved aside" in result.output
    (aside,) = path.glob("damaged-*")
    assert (aside / "lake.sqlite").read_bytes() == damaged and (aside / "lake").is_dir()
    assert counts(path) == before


def test_a_missing_catalog_names_rebuild_and_rebuild_restores_it(copy_of_seeds_run):
    _, path = copy_of_seeds_run
    before = counts(path)
    (path / "lake.sqlite").unlink()
    assert_one_line_naming_rebuild(runner.invoke(app, ["query", "select 1", "--warehouse", str(path)]))
    assert runner.invoke(app, ["rebuild", "--warehouse", str(path)]).exit_code == 0
    assert counts(path) == before
