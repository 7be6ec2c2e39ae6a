"""Scaling: `newsetl run` on 1 and 2 worker processes, and over an archive grown by incremental runs.

    python benchmarks/scaling.py [--articles 2000] [--workers 1,2]
                                 [--archive-step 1000 --archive-max 4000] [--skip-workers | --skip-archive]

Workers: the same landing folder as benchmarks/throughput.py (2,000 real articles and pages), one
fresh warehouse per worker count; wall, CPU, peak memory of the process tree (RSS sum and PSS), articles per second
and the speed-up over the first count (target: 2 workers >= 1.7x the throughput of 1).

Archive: each run adds --archive-step new files to the landing folder and runs `newsetl run` with
its defaults on the growing warehouse, up to --archive-max documents. New files are real articles
first, then republications of them made by benchmarks/eval_stories.py (cut, re-headlined, edited:
the same kind of text, and new stories to find). Per run: the cost per new article of each phase
the flow logs (listing and hashing the folder, the batches, stories, load, report), wall, and peak
memory, so a phase whose cost grows with the archive shows (target: cost per new article and peak
memory change <= 20 % from the first run to the last). The issue's full size is
`--archive-step 10000 --archive-max 100000` (hours on 2 cores); the default is what runs here.
"""
from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from pathlib import Path

from common import CORPORA, argument_parser, corpus_missing, newsetl_run, run_env, work_folder
from eval_stories import load_originals, make_variant
from throughput import build_landing, measured, warm_up

_PHASES = re.compile(r"phase seconds: (\{.*?\})")
_REPORT = re.compile(r"report seconds: ([0-9.]+)")


def phases_of(log: Path) -> dict[str, float]:
    """The phase seconds the flow logged (Prefect's log lines reach the output with --verbose only)."""
    text = log.read_text(encoding="utf-8", errors="replace")
    phases = json.loads(_PHASES.findall(text)[-1])
    phases["report"] = float(_REPORT.findall(text)[-1])
    return phases


def workers_scaling(workdir: Path, env: dict, articles: int, counts: list[int]) -> dict:
    landing = workdir / "landing"
    built = build_landing(landing, articles)
    rows = {}
    for workers in counts:
        log = workdir / f"workers-{workers}.log"
        row = measured(newsetl_run(landing, workdir / f"wh-{workers}", "--workers", str(workers), "--verbose"), env, log)
        row["articles_per_s"] = round(built["files"] / row["wall_s"], 1)
        row["phases_s"] = phases_of(log)
        rows[workers] = row
    first = rows[counts[0]]
    for row in rows.values():
        row["speedup"] = round(row["articles_per_s"] / first["articles_per_s"], 2)
    return {**built, "runs": rows}


def new_texts(count: int, rng: random.Random):
    """count article texts: real originals first, then republications of them."""
    originals = load_originals(CORPORA)
    for number in range(count):
        if number < len(originals):
            yield originals[number]["text"]
        else:
            yield make_variant(originals, rng.randrange(len(originals)), rng)[0]


def archive_growth(workdir: Path, env: dict, step: int, maximum: int) -> list[dict]:
    landing, warehouse = workdir / "archive-landing", workdir / "archive-wh"
    texts = new_texts(maximum, random.Random(11))
    rows = []
    for run, start in enumerate(range(0, maximum, step)):
        folder = landing / f"run-{run:03d}"
        folder.mkdir(parents=True)
        for number in range(start, min(start + step, maximum)):
            (folder / f"n{number:06d}.txt").write_text(next(texts) + "\n", encoding="utf-8")
        log = workdir / f"archive-{run}.log"
        row = measured(newsetl_run(landing, warehouse, "--verbose"), env, log)
        new = min(start + step, maximum) - start
        phases = phases_of(log)
        rows.append({"archive_after": start + new, "new_files": new, **row,
                     "ms_per_new_article": {k: round(1000 * v / new, 1) for k, v in phases.items()},
                     "wall_ms_per_new_article": round(1000 * row["wall_s"] / new, 1)})
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)  # hours at full size: each run shows as it ends
    return rows


def main() -> int:
    parser = argument_parser(__doc__, articles=2000, workdir=True)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--archive-step", type=int, default=1000)
    parser.add_argument("--archive-max", type=int, default=4000)
    parser.add_argument("--skip-workers", action="store_true")
    parser.add_argument("--skip-archive", action="store_true")
    args = parser.parse_args()
    if corpus_missing():
        return 0
    with work_folder(args.workdir, "newsetl-scaling-") as workdir:
        env = run_env(workdir)
        warm_up(workdir, env)
        result = {"load_before": round(os.getloadavg()[0], 2), "started": time.strftime("%H:%M:%S")}
        if not args.skip_workers:
            result["workers"] = workers_scaling(workdir, env, args.articles, [int(w) for w in args.workers.split(",")])
        if not args.skip_archive:
            result["archive"] = archive_growth(workdir, env, args.archive_step, args.archive_max)
        result["load_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))
    if "workers" in result:
        print(f"\nworkers, {result['workers']['files']} files")
        print(f"  {'workers':>7} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'PSS MB':>7} {'art/s':>6} {'speedup':>7}  phases s")
        for workers, row in result["workers"]["runs"].items():
            print(f"  {workers:>7} {row['wall_s']:>7} {row['cpu_s']:>7} {row['peak_mb']:>8} {row['peak_pss_mb']:>7} "
                  f"{row['articles_per_s']:>6} "
                  f"{row['speedup']:>7}  {row['phases_s']}")
    if "archive" in result:
        phases = list(result["archive"][0]["ms_per_new_article"])
        print("\narchive growth: ms per new article by phase")
        print(f"  {'archive':>8} {'new':>6} {'wall s':>7} {'peak MB':>8} {'PSS MB':>7} " + " ".join(f"{p:>13}" for p in phases))
        for row in result["archive"]:
            print(f"  {row['archive_after']:>8} {row['new_files']:>6} {row['wall_s']:>7} {row['peak_mb']:>8} {row['peak_pss_mb']:>7} "
                  + " ".join(f"{row['ms_per_new_article'][p]:>13}" for p in phases))
    print(f"\nload average {result['load_before']} before, {result['load_after']} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
