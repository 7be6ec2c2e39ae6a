"""A history no clock can scramble: runs in commit order, STALE from the last commit, wrong clocks flagged."""
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from contract import DOC_A, DOC_B, NOW, add_article, contract_warehouse
from lifecycle import lake_run

from newsetl.expectations.health import HealthSettings, failing_rows_sql, health_checks
from newsetl.expectations.status import read_status
from newsetl.transforms import run_history
from newsetl.transforms import storage as warehouse
from newsetl.transforms.report import build_report

pytestmark = pytest.mark.e2e  # each test runs the pipeline or the command line: seconds apiece

TESTS = Path(__file__).parent
needs_faketime = pytest.mark.skipif(shutil.which("faketime") is None, reason="faketime is not installed (apt-get install faketime)")


def _run_with_clock(offset: str, path: Path, run_id: str) -> None:
    """A run in a process whose clock (Python's and DuckDB's, the catalog's commit times) is offset by faketime."""
    script = ("import sys; sys.path.insert(0, sys.argv[1])\n"
              "from datetime import datetime, timezone\nfrom lifecycle import lake_run\n"
              "lake_run(sys.argv[2], sys.argv[3], datetime.now(timezone.utc))")
    subprocess.run(["faketime", offset, sys.executable, "-c", script, str(TESTS), str(path), run_id],
                   check=True, timeout=300)


@needs_faketime
def test_a_run_whose_clock_ran_three_days_ahead_neither_stays_latest_nor_hides_staleness(tmp_path):
    lake_run(tmp_path, "before", datetime.now(timezone.utc))
    _run_with_clock("+3 days", tmp_path, "ahead")
    lake_run(tmp_path, "after", datetime.now(timezone.utc))
    with warehouse.connect(tmp_path, read_only=True) as con:
        runs = run_history.runs_by_commit(con)
        assert list(runs["run_id"]) == ["after", "ahead", "before"]
        flags = dict(zip(runs["run_id"], runs["clock_flag"]))
        assert (flags["ahead"], flags["after"]) == ("ahead_of_now", "behind_previous_run")
        # Three hours later and nothing ran since "after": stale, though "ahead" claims to be days younger.
        later = datetime.now(timezone.utc) + timedelta(hours=3)
        _, markdown = build_report(con, tmp_path / "quality", now=later, stale_after=timedelta(hours=2))
    assert "**STALE:** The newest run after committed 3.0 hours ago" in markdown
    assert markdown.index("| `after` |") < markdown.index("| `ahead` |") < markdown.index("| `before` |")
    history = [line for line in markdown.splitlines() if line.startswith("| `")]
    assert history[0].endswith("| behind the previous run's |") and history[1].endswith("| ahead of now |")
    assert read_status(tmp_path, timedelta(hours=2), now=later).stale


@needs_faketime
def test_a_run_whose_clock_is_behind_the_previous_runs_is_flagged(tmp_path):
    lake_run(tmp_path, "first", datetime.now(timezone.utc))
    _run_with_clock("-3 days", tmp_path, "behind")
    with warehouse.connect(tmp_path, read_only=True) as con:
        runs = run_history.runs_by_commit(con)
    assert list(runs["run_id"]) == ["behind", "first"] and runs["clock_flag"].iloc[0] == "behind_previous_run"
    status = read_status(tmp_path, timedelta(hours=2))
    assert status.run_id == "behind" and status.stale  # its commit says three days ago: nothing vouches for later


def test_a_run_that_died_is_ordered_by_the_recovery_that_marked_it(tmp_path):
    warehouse.begin_run(tmp_path, {"run_id": "dead", "flow_run_id": "", "started_at": NOW + timedelta(days=9), "kind": "run"})
    lake_run(tmp_path, "next", datetime.now(timezone.utc))
    with warehouse.connect(tmp_path, read_only=True) as con:
        runs = run_history.runs_by_commit(con)
    assert list(runs["run_id"]) == ["next", "dead"] and list(runs["status"]) == ["completed", "failed"]


def test_articles_dated_more_than_a_day_after_their_run_are_a_warning():
    con = contract_warehouse([("r1", NOW, 2, 2, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "a.txt", published=NOW.replace(tzinfo=None) + timedelta(hours=20))
    found = health_checks(con, "r1", HealthSettings()).set_index("expectation").loc["health_future_dates"]
    assert found.success and not found.critical
    add_article(con, "r1", DOC_B, "b.txt", published=NOW.replace(tzinfo=None) + timedelta(days=2))
    found = health_checks(con, "r1", HealthSettings()).set_index("expectation").loc["health_future_dates"]
    assert (found.success, found.critical, found.unexpected_count, found.element_count) == (False, False, 1, 2)
    listed = con.execute(failing_rows_sql("r1", "health_future_dates", "published_at")).fetchall()
    assert [(doc, path) for doc, path, _ in listed] == [(DOC_B, "b.txt")]
