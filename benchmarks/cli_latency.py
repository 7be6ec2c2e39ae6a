"""Command-line latency on a 1,000-article warehouse: query, search, --version, empty and small runs, first line.

    python benchmarks/cli_latency.py [--articles 1000] [--repeats 5] [--new-file-runs 5] [--workdir DIR] [--keep]

Builds the warehouse once from real articles of ../shared/corpora (one `newsetl run`, untimed; with
--workdir and --keep a later call reuses it), then times each command --repeats times in a child
process, as a person types it, and prints the medians as one JSON line and a table beside the targets:
- `newsetl query "select count(*) from articles"`, `newsetl search "Regierung"`, `newsetl --version`;
- `newsetl run` over the unchanged landing folder (nothing new), and with 10 new files each time;
- the first output line of `newsetl run` (seconds from the command's start).
Runs use Prefect's ephemeral mode (no PREFECT_API_URL), as `newsetl run` does by default. The load
averages before and after are printed: on a busy machine every wall figure grows. Beside each wall time,
the CPU seconds the command and its children used (user + system): close to what it would take on an
idle machine, where it waits for nothing else.
"""
from __future__ import annotations

import json
import os
import resource
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
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "newsetl.flows.cli", *args]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict, cpu: list[float] | None = None) -> tuple[float, float]:
    """Wall seconds of a command and seconds to its first line of output (its CPU seconds appended to cpu);
    fails on a non-zero exit."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    first_line = time.perf_counter() - started
    rest, errors = process.communicate()
    seconds = time.perf_counter() - started
    if cpu is not None:
        cpu.append(_children_cpu() - cpu_before)
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


def measure(workdir: Path, articles: list[tuple[str, str]], count: int, repeats: int, new_file_runs: int) -> dict:
    env = run_env(workdir, COLUMNS="80")
    env.pop("NEWSETL_WAREHOUSE", None)
    landing, warehouse = build(workdir, articles, count, env)
    where = ("--warehouse", str(warehouse))
    samples: dict[str, list[float]] = {name: [] for name in TARGETS}
    cpu: dict[str, list[float]] = {name: [] for name in TARGETS if name != "run_first_line_s"}
    # One untimed call each: the first use of the extensions is checked and remembered, as on an installed system.
    timed(newsetl("query", "select 1", *where), env)
    for _ in range(repeats):
        samples["query_s"].append(timed(newsetl("query", "select count(*) from articles", *where), env, cpu["query_s"])[0])
        samples["search_s"].append(timed(newsetl("search", "Regierung", *where), env, cpu["search_s"])[0])
        samples["version_s"].append(timed(newsetl("--version"), env, cpu["version_s"])[0])
    run = newsetl("run", "--input", str(landing), *where)
    for _ in range(repeats):
        seconds, first_line = timed(run, env, cpu["run_nothing_new_s"])
        samples["run_nothing_new_s"].append(seconds)
        samples["run_first_line_s"].append(first_line)
    # Articles the warehouse has not seen: a kept warehouse holds the new files of earlier calls.
    stored = int(subprocess.run(newsetl("query", "--format", "csv", "select count(*) from documents", *where), cwd=ROOT,
                                env=env, check=True, capture_output=True, text=True).stdout.splitlines()[1])
    fresh = iter(articles[stored:])
    for number in range(new_file_runs):
        write_articles(landing / "new" / f"{number}", [next(fresh) for _ in range(10)], "n")
        seconds, first_line = timed(run, env, cpu["run_10_new_s"])
        samples["run_10_new_s"].append(seconds)
        samples["run_first_line_s"].append(first_line)
    return {name: round(statistics.median(values), 2) for name, values in samples.items()} | {
        "cpu_s": {name: round(statistics.median(values), 2) for name, values in cpu.items()},
        "samples": {name: [round(v, 2) for v in values] for name, values in samples.items()}}


def main() -> int:
    parser = argument_parser(__doc__, articles=1000, workdir=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--new-file-runs", type=int, default=5, help="runs with 10 new files (each adds 10)")
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
        result |= measure(workdir, articles, args.articles, args.repeats, args.new_file_runs)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    result["load_after"] = load_average()
    result["cpus"] = os.cpu_count()
    print(json.dumps(result))
    print(f"\nmedian of {args.repeats}, 1-min load average {before[0]} before, {result['load_after'][0]} after, "
          f"{result['cpus']} cores")
    print(f"{'measure':<22} {'median s':>9} {'target s':>9} {'CPU s':>6}  samples")
    for name, target in TARGETS.items():
        verdict = "ok" if result[name] <= target else "OVER"
        cpu = result["cpu_s"].get(name)
        print(f"{name:<22} {result[name]:>9.2f} {target:>9.2f} {'' if cpu is None else f'{cpu:.2f}':>6}  "
              f"{result['samples'][name]}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
