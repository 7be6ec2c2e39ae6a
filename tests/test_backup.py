"""`newsetl backup`: a consistent copy of the last committed state, taken while a run writes, that stands alone."""
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from lifecycle import lake_run
from typer.testing import CliRunner

from newsetl.expectations.status import read_status
from newsetl.flows.cli import app
from newsetl.transforms import warehouse
from newsetl.transforms.backup import backup

pytestmark = pytest.mark.e2e  # each test runs the pipeline or the command line: seconds apiece

runner = CliRunner()


def _data_path(folder) -> str:
    with sqlite3.connect(folder / "lake.sqlite") as catalog:
        return catalog.execute("select value from ducklake_metadata where key = 'data_path'").fetchone()[0]


def test_a_backup_taken_while_a_run_writes_holds_the_last_committed_state_and_stands_alone(tmp_path):
    source, copy = tmp_path / "warehouse", tmp_path / "backup"
    lake_run(source, "r1", datetime.now(timezone.utc))
    warehouse.begin_run(source, {"run_id": "r2", "flow_run_id": "", "started_at": datetime.now(timezone.utc), "kind": "run"})
    with warehouse.connect(source) as writer:  # a run in the middle of its load: Parquet written, not committed
        writer.execute("begin")
        writer.execute("insert into texts select md5(i::varchar) || md5(i::varchar), 'text', repeat('x', 200) "
                       "from range(20000) t(i)")
        made = backup(source, copy)
        writer.execute("commit")
    assert (made.last_run, made.archived_runs) == ("r1", 1)
    assert _data_path(copy) == f"{copy.resolve() / 'lake'}/"
    shutil.rmtree(source)
    with warehouse.connect(copy, read_only=True) as con:
        assert con.execute("select count(*) from texts").fetchone()[0] == 0
        assert con.execute("select run_id, status from runs order by run_id").fetchall() == [("r1", "completed"),
                                                                                              ("r2", "running")]
        assert con.execute("select count(*) from documents").fetchone()[0] == 1
    assert (copy / "parquet" / "documents" / "run_id=r1" / "batch-0.parquet").is_file()
    lake_run(copy, "r3", datetime.now(timezone.utc))  # the next run on the backup marks the unfinished r2 failed
    with warehouse.connect(copy, read_only=True) as con:
        assert dict(con.execute("select run_id, status from runs").fetchall()) == {"r1": "completed", "r2": "failed",
                                                                                 "r3": "completed"}
    assert read_status(copy, timedelta(hours=2)).run_id == "r3"
    assert warehouse.rebuild(copy)["documents"] == 2


def test_newsetl_backup_refuses_a_folder_in_use_and_a_missing_warehouse(tmp_path):
    lake_run(tmp_path / "warehouse", "r1", datetime.now(timezone.utc))
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine", encoding="utf-8")
    refused = runner.invoke(app, ["backup", str(tmp_path / "used"), "--warehouse", str(tmp_path / "warehouse")])
    assert refused.exit_code == 2 and "not empty" in " ".join(refused.output.split())
    missing = runner.invoke(app, ["backup", str(tmp_path / "b"), "--warehouse", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no warehouse" in " ".join(missing.output.split())


def test_a_moved_warehouse_folder_keeps_working(tmp_path):
    lake_run(tmp_path / "here", "r1", datetime.now(timezone.utc))
    (tmp_path / "here").rename(tmp_path / "there")
    with warehouse.connect(tmp_path / "there", read_only=True) as con:
        assert con.execute("select count(*) from documents").fetchone()[0] == 1
    lake_run(tmp_path / "there", "r2", datetime.now(timezone.utc))
    with warehouse.connect(tmp_path / "there", read_only=True) as con:
        assert con.execute("select count(*) from documents").fetchone()[0] == 2


def test_a_backup_of_a_flow_warehouse_is_queried_and_run_after_the_original_is_gone(copy_of_seeds_run, tmp_path):
    from newsetl.flows.news_etl import news_etl

    landing, original = copy_of_seeds_run
    with warehouse.connect(original, read_only=True) as con:
        articles = con.execute("select count(*) from articles").fetchone()[0]
    made = runner.invoke(app, ["backup", str(tmp_path / "backup"), "--warehouse", str(original)])
    assert made.exit_code == 0, made.output
    shutil.rmtree(original)
    queried = runner.invoke(app, ["query", "select count(*) as n from articles", "--format", "csv",
                                  "--warehouse", str(tmp_path / "backup")])
    assert queried.output.splitlines() == ["n", str(articles)]
    assert (tmp_path / "backup" / "quality" / "report.html").is_file()
    counts = news_etl(input_dir=str(landing), warehouse_dir=str(tmp_path / "backup"))
    assert counts["new_documents"] == 0 and counts["already_in_warehouse"] == len(list(landing.iterdir()))
