"""A Dask cluster of separate processes: the flow run on its workers loads the same warehouse as a local run.

A real `dask scheduler` and two `dask worker` processes on loopback (ports the kernel picks), each
its own process as on separate machines sharing the landing folder and the warehouse path.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsetl.transforms import warehouse as wh

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent
TABLES = ["documents", "articles", "mentions", "entities", "entity_aliases", "themes", "stories", "signatures",
          "search_terms", "search_docs", "quarantine", "quality_results"]
# Columns that say when and in which run a row came, not what it holds.
RUN_COLUMNS = {"documents": "exclude (run_id, ingested_at)", "quarantine": "exclude (run_id)",
               "stories": "exclude (run_id)", "quality_results": "exclude (run_id)"}


def _start(command: list[str], log: Path, env: dict) -> subprocess.Popen:
    with open(log, "w") as handle:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    """Stop a process and its children: SIGTERM, then SIGKILL when it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A scheduler and two single-thread workers; yields the scheduler's address."""
    folder = tmp_path_factory.mktemp("dask")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    scheduler_file = folder / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    processes = [_start([*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                         "--scheduler-file", str(scheduler_file)], folder / "scheduler.log", env)]
    try:
        deadline = time.monotonic() + 120
        while not scheduler_file.exists():
            assert processes[0].poll() is None, (folder / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
        for name in ("w1", "w2"):
            processes.append(_start([*dask, "worker", "--scheduler-file", str(scheduler_file), "--name", name,
                                     "--nthreads", "1", "--no-dashboard", "--local-directory", str(folder / name)],
                                    folder / f"{name}.log", env))
        from distributed import Client

        address = json.loads(scheduler_file.read_text())["address"]
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=180)
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)


def _landing(seeds_dir: Path, folder: Path) -> Path:
    """The seeds, a second copy of one under another name, an empty file and a gzipped seed."""
    import gzip

    landing = folder / "landing"
    shutil.copytree(seeds_dir, landing)
    seed = sorted(seeds_dir.iterdir())[0]
    # Next to its original in the listing, so both fall in one batch (a copy in another batch of the
    # same run is not recognised as a duplicate: a known limit, in local runs too).
    shutil.copy(seed, landing / f"{seed.name[:4]}copy.txt")
    (landing / "empty.txt").write_bytes(b"")
    text = sorted(seeds_dir.iterdir())[1].read_text(encoding="utf-8") + "\nNachtrag der Redaktion.\n"
    (landing / "later.txt.gz").write_bytes(gzip.compress(text.encode("utf-8")))
    return landing


def _contents(warehouse: Path) -> dict:
    """Each table's rows, run ids and times left out, sorted."""
    with wh.connect(warehouse, read_only=True) as con:
        rows = {t: sorted(map(str, con.execute(f"select * {RUN_COLUMNS.get(t, '')} from {t}").fetchall()))
                for t in TABLES}
        rows["runs"] = con.execute("select files_seen, loaded, quarantined, duplicates, status from runs").fetchall()
    return rows


def test_a_run_on_a_dask_clusters_workers_loads_what_a_local_run_loads(prefect_harness, dask_cluster, seeds_dir,
                                                                           tmp_path):
    from distributed import Client

    from newsetl.flows.news_etl import news_etl

    landing = _landing(seeds_dir, tmp_path)
    local = news_etl(input_dir=str(landing), warehouse_dir=str(tmp_path / "local"), batch_size=2, workers=1)
    remote = news_etl(input_dir=str(landing), warehouse_dir=str(tmp_path / "cluster"), batch_size=2,
                      dask_address=dask_cluster)
    assert {k: v for k, v in remote.items() if k not in ("run_id", "report")} == \
        {k: v for k, v in local.items() if k not in ("run_id", "report")}
    assert local["loaded"] == 6 and local["quarantined"] == 1 and local["duplicates"] == 1
    assert _contents(tmp_path / "cluster") == _contents(tmp_path / "local")
    # The batches ran on both workers, and each worker's GX results are in the one Data Docs site.
    with Client(dask_cluster, timeout=30) as client:
        loaded = client.run(lambda: "newsetl.transforms.tag" in sys.modules)
    assert len(loaded) == 2 and all(loaded.values())
    assert (tmp_path / "cluster" / "quality" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()


def test_a_second_run_on_the_same_workers_adds_only_the_new_file(prefect_harness, dask_cluster, seeds_dir, tmp_path):
    from newsetl.flows.news_etl import news_etl

    landing = _landing(seeds_dir, tmp_path)
    warehouse = tmp_path / "cluster"
    news_etl(input_dir=str(landing), warehouse_dir=str(warehouse), batch_size=2, dask_address=dask_cluster)
    (landing / "new.txt").write_text(sorted(seeds_dir.iterdir())[2].read_text(encoding="utf-8")
                                     + "\nEin neuer Schlusssatz.\n", encoding="utf-8")
    again = news_etl(input_dir=str(landing), warehouse_dir=str(warehouse), batch_size=2, dask_address=dask_cluster)
    assert again["new_documents"] == 1 and again["loaded"] == 1
    with wh.connect(warehouse, read_only=True) as con:
        assert con.execute("select count(*) from articles").fetchone()[0] == 7
