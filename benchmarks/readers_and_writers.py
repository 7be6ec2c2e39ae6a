"""Readers and a run at the same time: does either block the other?

    python benchmarks/readers_and_writers.py [--articles 300] [--readers 2]

Loads N real articles with `newsetl run` (untimed), then runs `newsetl run` over N more while
reader processes query the warehouse in a loop: one holding a single read transaction open for the
whole run (a notebook that never closes its connection), the others opening a fresh read-only
connection for each query (`newsetl query`, dashboards). Prints, as one JSON line and a table: the
run's wall time and its commit time with readers (from the Prefect log), each reader's queries,
failures, and query latency (median, 95th percentile, max), and what the long-held reader saw.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, argument_parser, corpus_articles, corpus_missing, newsetl_run, run_env, write_articles

READER = """
import json, signal, sys, time
from newsetl.transforms.warehouse import connect
stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
hold = sys.argv[2] == "hold"
con = connect(sys.argv[1], read_only=True) if hold else None
if hold:
    con.execute("begin")
latencies, failures, seen = [], 0, set()
deadline = time.time() + float(sys.argv[3])
while time.time() < deadline and not stop:
    started = time.perf_counter()
    try:
        if hold:
            seen.add(con.execute("select count(*) from articles").fetchone()[0])
        else:
            with connect(sys.argv[1], read_only=True) as fresh:
                seen.add(fresh.execute("select count(*) from articles").fetchone()[0])
        latencies.append(time.perf_counter() - started)
    except Exception as exc:
        failures += 1
        print(repr(exc), file=sys.stderr)
    time.sleep(0.1)
print(json.dumps({"latencies": latencies, "failures": failures, "seen": sorted(seen)}))
"""


def main() -> None:
    parser = argument_parser(__doc__, articles=300)
    parser.add_argument("--readers", type=int, default=2, help="readers with a fresh connection per query")
    args = parser.parse_args()
    if corpus_missing():
        return
    articles = corpus_articles()[: 2 * args.articles]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        landing, warehouse = work / "landing", work / "wh"
        env = run_env(work)
        write_articles(landing, articles[: args.articles], "a")
        run = newsetl_run(landing, warehouse, "--verbose")
        subprocess.run(run, cwd=ROOT, env=env, check=True, capture_output=True)
        write_articles(landing, articles[args.articles:], "b")
        budget = "900"
        readers = [subprocess.Popen([sys.executable, "-c", READER, str(warehouse), "hold" if i == 0 else "fresh",
                                     budget], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True) for i in range(args.readers + 1)]
        started = time.perf_counter()
        result = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        for reader in readers:
            reader.terminate()
        outputs = []
        for number, reader in enumerate(readers):
            out, err = reader.communicate()
            lines = [line for line in out.splitlines() if line.startswith("{")]
            outputs.append({"reader": "held transaction" if number == 0 else f"fresh connection {number}",
                            **(json.loads(lines[-1]) if lines else {"latencies": [], "failures": -1, "seen": []}),
                            "errors": err.strip().splitlines()[-3:]})
    load = next((line for line in result.stdout.splitlines() + result.stderr.splitlines()
                 if "load_run" in line and "Finished" in line), "")
    figures = {"articles_per_run": args.articles, "run_ok": result.returncode == 0, "run_wall_s": round(wall, 1),
               "readers": [{"reader": o["reader"], "queries": len(o["latencies"]), "failures": o["failures"],
                            "median_ms": round(1000 * statistics.median(o["latencies"]), 1) if o["latencies"] else None,
                            "p95_ms": round(1000 * sorted(o["latencies"])[int(0.95 * (len(o["latencies"]) - 1))], 1)
                            if o["latencies"] else None,
                            "max_ms": round(1000 * max(o["latencies"]), 1) if o["latencies"] else None,
                            "article_counts_seen": o["seen"], "errors": o["errors"]} for o in outputs],
               "load_log": load.strip()}
    print(json.dumps(figures))
    print(f"\nrun over {args.articles} new articles with {len(readers)} readers: "
          f"{'ok' if figures['run_ok'] else 'FAILED'} in {figures['run_wall_s']} s")
    print(f"{'reader':24} {'queries':>8} {'failures':>8} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}  counts seen")
    for r in figures["readers"]:
        print(f"{r['reader']:24} {r['queries']:>8} {r['failures']:>8} {r['median_ms']!s:>10} {r['p95_ms']!s:>8} "
              f"{r['max_ms']!s:>8}  {r['article_counts_seen']}")


if __name__ == "__main__":
    main()
