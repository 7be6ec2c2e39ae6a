"""Incremental runs: a first run over N real articles, a second over the unchanged folder, a third with 10 new files.

    python benchmarks/incremental_runs.py [--articles 2000] [--workdir DIR] [--modes ephemeral,server]

Articles come from ../shared/corpora (10kgnad, wikinews-de), written as .txt files with a title
line; each run is the real `newsetl run` command in a child process. Two modes, each with its own
landing folder copy and warehouse:
- ephemeral: no PREFECT_API_URL, so every run starts Prefect's temporary server (the quick start);
- server: a `prefect server start` on a loopback port stays up across the runs, as it does for
  scheduled runs (schedules need a real server).
Before timing, each mode makes one untimed run over an empty folder (Prefect's database is
created) and builds the gazetteer cache, as an installed system has them. Prints, per mode, wall
time and peak memory of each run, throughput, and the ratios the issue sets (second <= 10 % of the
first, +10 files <= 15 %), as one JSON line and a table.
"""
from __future__ import annotations

import contextlib
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, argument_parser, corpus_articles, corpus_missing, newsetl_run, prefect_server, run_env, work_folder, write_articles


def timed_run(landing: Path, warehouse: Path, env: dict) -> dict:
    """Wall time and peak resident memory (MB) of one `newsetl run` in a child process."""
    started = time.perf_counter()
    subprocess.run(newsetl_run(landing, warehouse), cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    seconds = time.perf_counter() - started
    # ru_maxrss of children is the largest single child so far, in KB on Linux.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(seconds, 2), "peak_rss_mb_so_far": round(peak_mb)}


def measure(mode: str, workdir: Path, articles: list[tuple[str, str]], count: int) -> dict:
    """The three runs of one mode in its own landing folder and warehouse."""
    landing, warehouse = workdir / mode / "landing", workdir / mode / "warehouse"
    write_articles(landing, articles[:count], "a")
    env = run_env(workdir / mode)
    with contextlib.ExitStack() as stack:
        if mode == "server":
            env["PREFECT_API_URL"] = stack.enter_context(prefect_server(workdir / mode))
        # Untimed warm-up, as on an installed system: Prefect's database exists and the gazetteer is cached.
        (workdir / mode / "empty").mkdir()
        timed_run(workdir / mode / "empty", workdir / mode / "scratch", env)
        subprocess.run([sys.executable, "-c", "from transforms import gazetteer; gazetteer.countries()"],
                       cwd=ROOT, check=True, env=env)
        first = timed_run(landing, warehouse, env)
        second = timed_run(landing, warehouse, env)
        write_articles(landing / "new", articles[count: count + 10], "n")
        third = timed_run(landing, warehouse, env)
    return {
        "first_run_s": first["seconds"], "unchanged_rerun_s": second["seconds"], "plus_10_files_s": third["seconds"],
        "rerun_ratio": round(second["seconds"] / first["seconds"], 3),
        "plus_10_ratio": round(third["seconds"] / first["seconds"], 3),
        "articles_per_s_first_run": round(count / first["seconds"], 1),
        "peak_rss_mb": third["peak_rss_mb_so_far"],
    }


def main() -> int:
    parser = argument_parser(__doc__, articles=2000, workdir=True)
    parser.add_argument("--modes", default="ephemeral,server", help="comma-separated: ephemeral, server")
    args = parser.parse_args()
    if corpus_missing():
        return 0
    articles = corpus_articles()
    if len(articles) < args.articles + 10:
        print(f"only {len(articles)} articles in the corpora; asked for {args.articles} + 10")
        return 1
    result = {"articles": args.articles, "words": sum(len(b.split()) for _, b in articles[: args.articles])}
    with work_folder(args.workdir, "newsetl-incremental-") as workdir:
        for mode in args.modes.split(","):
            result[mode] = measure(mode, workdir, articles, args.articles)
    print(json.dumps(result))
    for mode in args.modes.split(","):
        print(f"\n{mode} ({args.articles} articles, {result['words']} words)")
        width = max(map(len, result[mode]))
        for key, value in result[mode].items():
            print(f"  {key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
