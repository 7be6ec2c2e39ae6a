"""`newsetl run` as a person sees it in a terminal, and as cron sees it through a pipe."""
import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import load_benchmark

pytestmark = pytest.mark.e2e
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _env(columns: int = 80) -> dict:
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "COLUMNS": str(columns), "TERM": "xterm"}


def _in_terminal(args: list[str], columns: int = 80) -> str:
    """Run the CLI on a pseudo-terminal; everything it wrote, control characters included."""
    code, screen = load_benchmark("common").on_terminal([sys.executable, "-m", "newsetl.flows.cli", *args], _env(columns))
    assert code == 0, screen[-3000:]
    return screen


@pytest.fixture(scope="module")
def landing(prefect_harness, seeds_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("landing")
    for seed in seeds_dir.iterdir():
        shutil.copy(seed, folder / seed.name)
    return folder


def test_a_run_in_a_terminal_shows_a_progress_bar_and_ends_with_the_summary(landing, tmp_path):
    screen = _in_terminal(["run", "--input", str(landing), "--warehouse", str(tmp_path / "wh"), "--batch-size", "2"])
    text = ANSI.sub("", screen)
    assert "\x1b[" in screen  # drawn, not printed line by line
    assert "starting: 5 files to look at" in text
    assert "documents" in text and "5/5" in text and "docs/s" in text and re.search(r"elapsed \d+:\d\d", text)
    assert re.search(r"(PASS|WARN|FAIL) newsetl run \S+", text)
    assert "5 loaded, 0 quarantined" in text and "report.html" in text
    assert "Task run" not in text  # Prefect's task log lines stay off the terminal
    assert "/runs/flow-run/" not in text  # no link to a server that is gone after the run


def test_a_piped_run_prints_plain_lines_without_control_characters(landing, tmp_path):
    result = subprocess.run([sys.executable, "-m", "newsetl.flows.cli", "run", "--input", str(landing), "--warehouse",
                             str(tmp_path / "wh"), "--batch-size", "2"], env=_env(), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "\x1b" not in result.stdout and "\r" not in result.stdout
    assert re.search(r"^\d\d:\d\d:\d\d starting: 5 files to look at$", result.stdout.splitlines()[0])
    assert re.search(r"^\d\d:\d\d:\d\d 5/5 documents, [\d.]+ documents/s, elapsed \d+:\d\d · about 0:00 left$",
                     result.stdout, re.M)
    assert "5 loaded, 0 quarantined" in result.stdout


def test_query_fits_an_80_column_terminal(landing, tmp_path):
    warehouse = tmp_path / "wh"
    subprocess.run([sys.executable, "-m", "newsetl.flows.cli", "run", "--input", str(landing), "--warehouse", str(warehouse)],
                   env=_env(), capture_output=True, timeout=600, check=True)
    screen = ANSI.sub("", _in_terminal(["query", "select * from articles limit 3", "--warehouse", str(warehouse)]))
    lines = [line for line in screen.replace("\r", "").split("\n") if line.strip()]
    assert max(len(line) for line in lines) <= 80
    assert "…" in screen and re.search(r"3 rows in \d+\.\d\d s", screen)
