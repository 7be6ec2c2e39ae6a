"""SQLite catalog against PostgreSQL catalog: a run's commit time, and readers' query latency during a run.

    python benchmarks/team_catalog.py [--articles 2000] [--new 3] [--readers 1 4 16] [--workdir DIR]

Builds a warehouse of N real articles with `newsetl run` (untimed), copies it, and moves the copy's catalog
to a PostgreSQL database (`newsetl migrate`; a server of its own in a temporary folder, or the one
NEWSETL_TEST_POSTGRES names). Then, for each catalog and each number of readers, runs `newsetl run` over
--new more articles while that many reader processes query the warehouse in a loop, each on its own open
connection, each query in a transaction of its own (a dashboard's way: every query sees the last commit).
Prints one JSON line and a table: the run's commit time (the load transaction, timed inside the run's
process), its wall time, and the readers' query latency (median, 95th percentile) and failures.
With --workdir, the built warehouse is kept there and a later call with the same --articles reuses it.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import (
    ROOT,
    argument_parser,
    corpus_articles,
    corpus_missing,
    newsetl_run,
    prefect_server,
    run_env,
    write_articles,
)

sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

# `newsetl run` with the load transaction timed: what the catalog changes is the commit.
TIMED_RUN = """
import os, sys, time
from newsetl.transforms import warehouse
load = warehouse.load_run
def timed(*args, **kwargs):
    started = time.perf_counter()
    try:
        return load(*args, **kwargs)
    finally:
        with open(os.environ["BENCH_COMMIT_FILE"], "w") as out:
            out.write(f"{time.perf_counter() - started:.3f}")
warehouse.load_run = timed
from newsetl.flows.cli import app
sys.argv = ["newsetl", *sys.argv[1:]]
app()
"""
QUERY = ("select outlet, count(*) as articles, count(distinct story_id) as stories from articles "
         "group by outlet order by articles desc limit 10")
READER = f"""
import json, signal, sys, time
from newsetl.transforms.warehouse import connect
stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
con = connect(sys.argv[1], read_only=True)
latencies, failures = [], 0
print("ready", flush=True)
while not stop:
    started = time.perf_counter()
    try:
        con.execute({QUERY!r}).fetchall()
        latencies.append(time.perf_counter() - started)
    except Exception as exc:
        failures += 1
        print(repr(exc), file=sys.stderr)
    time.sleep(0.05)
print(json.dumps({{"latencies": latencies, "failures": failures}}))
"""


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


def _measured_run(landing: Path, warehouse: Path, env: dict, readers: int) -> dict:
    procs = [subprocess.Popen([sys.executable, "-c", READER, str(warehouse)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(readers)]
    for proc in procs:  # every reader connected before the run starts
        proc.stdout.readline()
    timing = warehouse.with_name(f"{warehouse.name}-commit-{readers}.txt")
    timing.unlink(missing_ok=True)
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", TIMED_RUN, *newsetl_run(landing, warehouse)[3:]], cwd=ROOT,
                         env={**env, "BENCH_COMMIT_FILE": str(timing)}, capture_output=True, text=True)
    wall = time.perf_counter() - started
    latencies, failures = [], 0
    for proc in procs:
        proc.terminate()
        out, _ = proc.communicate()
        found = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
        latencies += found["latencies"]
        failures += found["failures"]
    commit = [float(timing.read_text())] if timing.exists() else []
    return {"readers": readers, "run_ok": run.returncode == 0, "run_wall_s": round(wall, 1),
            "commit_s": commit[-1] if commit else None, "queries": len(latencies), "failures": failures,
            "median_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(1000 * _percentile(latencies, 0.95), 1) if latencies else None,
            "error": "" if run.returncode == 0 else run.stderr[-500:]}


def main() -> None:
    parser = argument_parser(__doc__, articles=2000, workdir=True)
    parser.add_argument("--new", type=int, default=3, help="new articles in each measured run (an hourly run's few)")
    parser.add_argument("--readers", type=int, nargs="+", default=[1, 4, 16])
    args = parser.parse_args()
    if corpus_missing():
        return
    from pg_server import create_database

    articles = corpus_articles()
    needed = args.articles + args.new * len(args.readers)
    if len(articles) < needed:
        sys.exit(f"the corpora hold {len(articles)} articles, {needed} are needed")
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp, _postgres() as admin, prefect_server(Path(tmp)) as api:
        kept = args.workdir / f"base-{args.articles}" if args.workdir else None
        work = Path(tmp)
        # Against one running Prefect server, as scheduled runs are: no temporary server to start per run.
        env = run_env(work, PREFECT_API_URL=api)
        # Kept beside the warehouse: the documents' paths must not change between calls.
        base, landing = kept or work / "base", (kept or work / "base").with_name(f"landing-{args.articles}")
        write_articles(landing, articles[: args.articles], "a")
        if not list((base / "parquet" / "runs").glob("run_id=*/run.parquet")):  # no complete build kept
            shutil.rmtree(base, ignore_errors=True)
            subprocess.run(newsetl_run(landing, base), cwd=ROOT, env=env, check=True, capture_output=True)
        results = []
        for kind in ("sqlite", "postgresql"):
            warehouse = work / kind
            shutil.copytree(base, warehouse, ignore=shutil.ignore_patterns("run.lock"))
            if kind == "postgresql":
                subprocess.run([sys.executable, "-m", "newsetl.flows.cli", "migrate", "--warehouse", str(warehouse),
                                "--catalog", create_database(admin)], cwd=ROOT, env=env, check=True,
                               capture_output=True)
            run_landing = work / f"landing-{kind}"
            shutil.copytree(landing, run_landing)
            for number, readers in enumerate(args.readers):
                start = args.articles + number * args.new
                write_articles(run_landing, articles[start: start + args.new], f"n{number}-")
                results.append({"catalog": kind, **_measured_run(run_landing, warehouse, env, readers)})
    figures = {"articles": args.articles, "new_per_run": args.new, "cpus": os.cpu_count(),
               "load_average_before": [round(x, 2) for x in load],
               "load_average_after": [round(x, 2) for x in os.getloadavg()], "runs": results}
    print(json.dumps(figures))
    print(f"\n{args.articles}-article warehouse, runs of {args.new} new articles; load average before "
          f"{figures['load_average_before'][0]}, after {figures['load_average_after'][0]} on {os.cpu_count()} CPUs")
    print(f"{'catalog':11} {'readers':>7} {'commit s':>9} {'run s':>7} {'queries':>8} {'failures':>8} "
          f"{'median ms':>10} {'p95 ms':>8}")
    for r in results:
        print(f"{r['catalog']:11} {r['readers']:>7} {r['commit_s']!s:>9} {r['run_wall_s']:>7} {r['queries']:>8} "
              f"{r['failures']:>8} {r['median_ms']!s:>10} {r['p95_ms']!s:>8}" + ("" if r["run_ok"] else "  RUN FAILED"))


@contextlib.contextmanager
def _postgres():
    """NEWSETL_TEST_POSTGRES's server, else one of this benchmark's own (fsync on, as in production)."""
    from pg_server import TemporaryPostgres, unavailable

    if os.environ.get("NEWSETL_TEST_POSTGRES"):
        yield os.environ["NEWSETL_TEST_POSTGRES"]
        return
    reason = unavailable()
    if reason:
        sys.exit(f"skipped: {reason}")
    with TemporaryPostgres(durable=True) as url:
        yield url


if __name__ == "__main__":
    main()
