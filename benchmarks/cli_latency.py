"""Command-line latency on a 1,000-article warehouse: query, search, --version, empty and small runs, first line.

    python benchmarks/cli_latency.py [--articles 1000] [--repeats 5] [--workdir DIR] [--keep]

Builds the warehouse once from real articles of ../shared/corpora (one `newsetl run`, untimed; with
--workdir and --keep a later call reuses it), then times each command --repeats times in a child
process, as a person types it, and prints the medians as one JSON line and a table beside the targets:
- `newsetl query "select count(*) from articles"`, `newsetl search "Regierung"`, `newsetl --version`;
- `newsetl run` over the unchanged landing folder (nothing new), and with 10 new files each time;
- the first output line of `newsetl run` (seconds from the command's start).
Runs use Prefect's ephemeral mode (no PREFECT_API_URL), as `newsetl run` does by default. The load
averages before and after are printed: on a busy machine every figure grows.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, argument_parser, corpus_articles, corpus_missing, run_env, write_articles

TARGETS = {"query_s": 0.4, "search_s": 0.5, "version_s": 0.3, "run_nothing_new_s": 5.0, "run_10_new_s": 10.0,
           "run_first_line_s": 1.0}


def newsetl(*args: str) -> list[str]:
    """The installed `newsetl` script next to this interpreter, else the module."""
    script = Path(sys.executable).parent / "newsetl"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "flows.cli", *args]


def timed(command: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds of a command and seconds to its first line of output; fails on a non-zero exit."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    first_line = time.perf_counter() - started
    rest, errors = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: {(first + rest + errors).decode()[-2000:]}")
    return seconds, first_line


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def build(workdir: Path, articles: list[tuple[str, str]], count: int, env: dict) -> tuple[Path, Path]:
    landing, warehouse = workdir / "landing", workdir / "warehouse"
    if not (warehouse / "lake.sqlite").exists():
        shutil.rmtree(workdir, ignore_errors=True)
        write_articles(landing, articles[:count], "a")
        print(f"building the warehouse of {count} articles (untimed) ...", flush=True)
        subprocess.run(newsetl("run", "--input", str(landing), "--warehouse", str(warehouse)), cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(landing / "new", ignore_errors=True)
    return landing, warehouse


def measure(workdir: Path, articles: list[tuple[str, str]], count: int, repeats: int) -> dict:
    env = run_env(workdir, COLUMNS="80")
    env.pop("NEWSETL_WAREHOUSE", None)
    landing, warehouse = build(workdir, articles, count, env)
    where = ("--warehouse", str(warehouse))
    samples: dict[str, list[float]] = {name: [] for name in TARGETS}
    # One untimed call each: the first use of the extensions is checked and remembered, as on an installed system.
    timed(newsetl("query", "select 1", *where), env)
    for _ in range(repeats):
        samples["query_s"].append(timed(newsetl("query", "select count(*) from articles", *where), env)[0])
        samples["search_s"].append(timed(newsetl("search", "Regierung", *where), env)[0])
        samples["version_s"].append(timed(newsetl("--version"), env)[0])
    run = newsetl("run", "--input", str(landing), *where)
    for _ in range(repeats):
        seconds, first_line = timed(run, env)
        samples["run_nothing_new_s"].append(seconds)
        samples["run_first_line_s"].append(first_line)
    fresh = iter(articles[count:])
    for number in range(repeats):
        write_articles(landing / "new" / f"{number}", [next(fresh) for _ in range(10)], "n")
        seconds, first_line = timed(run, env)
        samples["run_10_new_s"].append(seconds)
        samples["run_first_line_s"].append(first_line)
    return {name: round(statistics.median(values), 2) for name, values in samples.items()} | {
        "samples": {name: [round(v, 2) for v in values] for name, values in samples.items()}}


def main() -> int:
    parser = argument_parser(__doc__, articles=1000, workdir=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (and its warehouse) for a later call")
    args = parser.parse_args()
    if corpus_missing():
        return 0
    articles = corpus_articles()
    if len(articles) < args.articles + 10 * args.repeats:
        print(f"only {len(articles)} articles in the corpora; asked for {args.articles} + {10 * args.repeats}")
        return 1
    workdir = args.workdir or Path(os.environ.get("TMPDIR", "/tmp")) / "newsetl-cli-latency"
    before = load_average()
    result = {"articles": args.articles, "repeats": args.repeats, "load_before": before}
    try:
        result |= measure(workdir, articles, args.articles, args.repeats)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    result["load_after"] = load_average()
    result["cpus"] = os.cpu_count()
    print(json.dumps(result))
    print(f"\nmedian of {args.repeats}, 1-min load average {before[0]} before, {result['load_after'][0]} after, "
          f"{result['cpus']} cores")
    print(f"{'measure':<22} {'median s':>9} {'target s':>9}  samples")
    for name, target in TARGETS.items():
        verdict = "ok" if result[name] <= target else "OVER"
        print(f"{name:<22} {result[name]:>9.2f} {target:>9.2f}  {result['samples'][name]}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
