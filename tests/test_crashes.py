"""Crashes, readers and concurrent runs: the warehouse always opens and the next run recovers.

Each run here is a real `newsetl run` in a child process against the session's Prefect server,
killed with SIGKILL at a named point (transforms/faults.py) where the test says so. Each test runs with
the SQLite catalog and with a PostgreSQL catalog, and compares with the contents the SQLite runs left.
"""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import use_catalog

from newsetl.transforms import warehouse as wh

pytestmark = pytest.mark.e2e
DATA_TABLES = ["documents", "articles", "mentions", "entities", "entity_aliases", "themes", "stories",
               "signatures", "search_terms", "search_docs", "quarantine"]
# Every stage, inside the load's transaction, just after its commit, and after the load.
CRASH_POINTS = ["ingest", "clean", "tag", "validate", "stage", "cluster", "load:begin", "load:inserted"]
LATE_CRASH_POINTS = ["load:committed", "report"]


def _env(**extra) -> dict:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    env.pop("NEWSETL_CRASH_AT", None)
    return {**env, **extra}


def _run(landing, warehouse, cwd=None, **extra) -> subprocess.CompletedProcess:
    # Batches in the run's own process (--workers 1), so that a kill at a stage's point kills the run.
    result = subprocess.run([sys.executable, "-m", "newsetl.flows.cli", "run", "--input", str(landing), "--warehouse",
                           str(warehouse), "--batch-size", "2", "--workers", "1"], env=_env(**extra), capture_output=True, text=True,
                          timeout=600, cwd=cwd)
    if os.environ.get("NEWSETL_DEBUG_DIR"):
        Path(os.environ["NEWSETL_DEBUG_DIR"], f"{time.time()}-{extra}.txt").write_text(result.stdout + result.stderr)
    return result


# Columns that say when and in which run a row came, not what it holds.
RUN_COLUMNS = {"documents": "exclude (run_id, ingested_at)", "quarantine": "exclude (run_id)",
               "stories": "exclude (run_id)"}


def _contents(warehouse) -> dict:
    """A digest of each data table's rows."""
    with wh.connect(warehouse, read_only=True) as con:
        return {t: con.execute(f"select md5(string_agg(x::varchar, '|' order by x::varchar)) "
                               f"from (select * {RUN_COLUMNS.get(t, '')} from {t}) x").fetchone()[0]
                for t in DATA_TABLES}


def _counts(warehouse) -> dict:
    with wh.connect(warehouse, read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in DATA_TABLES}


def _assert_sound(warehouse) -> None:
    """No key twice, no row without its article, no staged folder of a run that never committed."""
    with wh.connect(warehouse, read_only=True) as con:
        for table, key in wh.KEYS.items():
            doubled = con.execute(f"select count(*) from (select {', '.join(key)} from {table} "
                                  f"group by all having count(*) > 1)").fetchone()[0]
            assert doubled == 0, table
        for table in ("mentions", "themes", "signatures", "search_terms", "search_docs", "stories"):
            orphans = con.execute(f"select count(*) from {table} where doc_id not in "
                                  f"(select doc_id from articles)").fetchone()[0]
            assert orphans == 0, table
        completed = {r for (r,) in con.execute("select run_id from runs where status = 'completed'").fetchall()}
        assert con.execute("select count(*) from runs where status = 'running'").fetchone()[0] == 0
    for folder in (warehouse / "parquet").glob("*/run_id=*"):
        if folder.parent.name != "runs":
            assert folder.name.removeprefix("run_id=") in completed, folder


def _landing(seeds_dir, tmp_path, name="landing"):
    landing = tmp_path / name
    shutil.copytree(seeds_dir, landing)
    return landing


@pytest.fixture(scope="module")
def clean_run(prefect_harness, seeds_dir, tmp_path_factory):
    """The seeds, and the seeds plus two later files, each run once without faults."""
    tmp = tmp_path_factory.mktemp("clean")
    landing = _landing(seeds_dir, tmp)
    first = _run(landing, tmp / "wh")
    assert first.returncode == 0, first.stdout + first.stderr
    seeds_only = _contents(tmp / "wh")
    _add_later_files(landing, seeds_dir)
    assert _run(landing, tmp / "wh").returncode == 0
    return seeds_only, _contents(tmp / "wh"), _counts(tmp / "wh")


def _add_later_files(landing, seeds_dir) -> None:
    text = next(seeds_dir.glob("004_*.txt")).read_text(encoding="utf-8")
    (landing / "later_1.txt").write_text(text.replace("Pistorius", "Der Minister Pistorius"), encoding="utf-8")
    (landing / "later_2.txt").write_text(text + "\nEin Nachsatz zum Schluss.\n", encoding="utf-8")


def _host(tmp_path, name: str) -> tuple[Path, dict]:
    """A "machine" of its own: a working folder and a state folder nobody else uses."""
    home = tmp_path / name
    (home / "state").mkdir(parents=True)
    return home, {"NEWSETL_STATE_DIR": str(home / "state")}


def test_a_run_killed_at_any_point_recovers_to_a_clean_runs_warehouse(clean_run, seeds_dir, tmp_path, request,
                                                                       catalog_kind):
    seeds_only, with_later, counts = clean_run
    landing, warehouse = _landing(seeds_dir, tmp_path), use_catalog(request, catalog_kind, tmp_path / "wh")
    # Each run is killed at the next point; each start recovers from the kill before it.
    for point in CRASH_POINTS:
        killed = _run(landing, warehouse, NEWSETL_CRASH_AT=point)
        assert killed.returncode == -9, (point, killed.stdout[-2000:], killed.stderr[-2000:])
        assert _counts(warehouse)["articles"] == 0  # the lake opens, without the killed run's rows
    recovered = _run(landing, warehouse)
    assert recovered.returncode == 0, recovered.stdout[-3000:] + recovered.stderr[-3000:]
    assert _contents(warehouse) == seeds_only
    _assert_sound(warehouse)

    # Killed after the commit, the run counts; the next run finds nothing new and mends the end marker.
    _add_later_files(landing, seeds_dir)
    for point in LATE_CRASH_POINTS:
        killed = _run(landing, warehouse, NEWSETL_CRASH_AT=point)
        assert killed.returncode == -9, point
    assert _run(landing, warehouse).returncode == 0
    assert _contents(warehouse) == with_later and _counts(warehouse) == counts
    _assert_sound(warehouse)
    with wh.connect(warehouse, read_only=True) as con:
        statuses = dict(con.execute("select status, count(*) from runs group by all").fetchall())
    assert statuses["failed"] == len(CRASH_POINTS)  # the late kills came after their commits: those runs count
    # Every command works on the recovered warehouse, and a rebuild gives the same content.
    for command in (["query", "select count(*) from articles"], ["search", "Rakete"], ["rebuild"]):
        result = subprocess.run([sys.executable, "-m", "newsetl.flows.cli", *command, "--warehouse", str(warehouse)],
                                env=_env(), capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    assert _contents(warehouse) == with_later


def test_a_reader_holding_the_warehouse_open_never_blocks_a_run(clean_run, seeds_dir, tmp_path, request, catalog_kind):
    landing, warehouse = _landing(seeds_dir, tmp_path), use_catalog(request, catalog_kind, tmp_path / "wh")
    assert _run(landing, warehouse).returncode == 0
    _add_later_files(landing, seeds_dir)
    reader = subprocess.Popen([sys.executable, "-c", (
        # newsetl's own reader: the sandbox of connect(read_only=True) refuses BEGIN.
        "import sys; from newsetl.transforms.lake import open_reader\n"
        "con = open_reader(sys.argv[1])\n"
        "con.execute('begin')\n"
        "for line in sys.stdin:\n"
        "    if line.strip() == 'commit': con.execute('commit'); continue\n"
        "    print(con.execute('select count(*) from articles').fetchone()[0], flush=True)\n"), str(warehouse)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env())
    try:
        reader.stdin.write("count\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "5"
        run = subprocess.Popen([sys.executable, "-m", "newsetl.flows.cli", "run", "--input", str(landing), "--warehouse",
                                str(warehouse)], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
        # Other readers come and go while the run works and commits.
        while run.poll() is None:
            query = subprocess.run([sys.executable, "-m", "newsetl.flows.cli", "query", "select count(*) from articles",
                                    "--format", "csv", "--warehouse", str(warehouse)], env=_env(),
                                   capture_output=True, text=True, timeout=120)
            assert query.returncode == 0, query.stderr
            assert query.stdout.splitlines()[1] in ("5", "7")
            time.sleep(0.5)
        assert run.returncode == 0, run.stdout.read()[-3000:]
        reader.stdin.write("count\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "5"  # its snapshot holds for its transaction
        reader.stdin.write("commit\ncount\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "7"  # the next transaction sees the new run
    finally:
        reader.kill()
        reader.wait()


def test_two_runs_started_together_load_once(clean_run, seeds_dir, tmp_path, request, catalog_kind):
    seeds_only = clean_run[0]
    landing, warehouse = _landing(seeds_dir, tmp_path), use_catalog(request, catalog_kind, tmp_path / "wh")
    # Two "machines": each its own working and state folder; they share the warehouse folder and the catalog.
    hosts = [_host(tmp_path, name) for name in ("host-a", "host-b")]
    runs = [subprocess.Popen([sys.executable, "-m", "newsetl.flows.cli", "run", "--input", str(landing), "--warehouse",
                              str(warehouse)], env=_env(**state), cwd=home, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True) for home, state in hosts]
    outputs = [(run.wait(timeout=600), run.stdout.read()) for run in runs]
    assert sorted(code for code, _ in outputs) == [0, 2], outputs
    refused = next(out for code, out in outputs if code == 2)
    assert "another newsetl run holds the warehouse" in refused and "Traceback" not in refused
    assert _contents(warehouse) == seeds_only
    _assert_sound(warehouse)
    if catalog_kind == "postgresql":  # the lock lived in PostgreSQL, on no machine's disk
        assert not (warehouse / wh.LOCK).exists()
