"""What a backfill costs: `reprocess --stage tag --outdated` on a warehouse of N real articles, against
tagging the same articles.

    python benchmarks/reprocess_cost.py [--articles 2000] [--repeat 3]

Loads N articles with `newsetl run`, then, in a child process whose tag stage is one rule version up,
runs `newsetl reprocess --stage tag --outdated --workers 1` (against a running Prefect server): the
tag stage and quote, which reads its mentions, over the outdated documents, all of them. The
reference is what the reprocess recomputes, `tag.tag_batch` plus `quote.quotes_of`, over the same
articles in one process, the models' loading included. Prints both times and their ratio (target:
at most 1.10), as one JSON line and a table.

A shared VM's wall times vary by a tenth from one run to the next, so each side runs --repeat times,
alternating, each reprocess on a fresh copy of the same warehouse; the ratio is of the medians. The
CPU seconds (user + sys) of each child are printed beside, as a second, steadier view.
"""
from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from common import ROOT, argument_parser, corpus_missing, landing_of_articles, newsetl_run, prefect_server, run_env

REPROCESS_AT_V2 = """
import sys, time
from newsetl.transforms import versions
versions.RULES["tag"] = str(int(versions.RULES["tag"]) + 1)
versions.stage_versions.cache_clear()
from newsetl.flows.cli import app
from newsetl.transforms.warehouse import connect
started = time.perf_counter()
# The command an operator types; one worker, as the reference tags in one process (and the patched
# version lives in this process only).
app(["reprocess", "--stage", "tag", "--outdated", "--workers", "1", "--warehouse", sys.argv[1]], standalone_mode=False)
seconds = time.perf_counter() - started
with connect(sys.argv[1], read_only=True) as con:
    replaced = con.execute("select sum(documents) from reprocessed where stage = 'tag'").fetchone()[0]
print("REPROCESS", seconds, replaced, flush=True)
"""
TAG_ONLY = """
import sys, time
from newsetl.transforms import quote, tag
from newsetl.transforms.warehouse import connect
with connect(sys.argv[1], read_only=True) as con:
    articles = con.execute("select * exclude (story_id) from articles").df()
# Loading the models and the gazetteer counts, as it does in a run's tag stage.
started = time.perf_counter()
for start in range(0, len(articles), 250):
    batch = articles.iloc[start:start + 250]
    mentions, _, _ = tag.tag_batch(batch)
    quote.quotes_of(batch, mentions)
print("TAG", time.perf_counter() - started, len(articles), flush=True)
"""


def _child(code: str, warehouse: Path, env: dict) -> tuple[list[str], float]:
    """The child's result line, split, and its CPU seconds (user + sys)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([sys.executable, "-c", code, str(warehouse)], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return next(line for line in out.splitlines() if line.startswith(("REPROCESS", "TAG"))).split(), cpu


def _arguments():
    parser = argument_parser(__doc__, articles=2000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the ratio is of the medians")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    if corpus_missing():
        return
    tag_runs, reprocess_runs = [], []
    with landing_of_articles(args.articles) as work:
        env = run_env(work)
        subprocess.run(newsetl_run(work / "landing", work / "built"), cwd=ROOT, env=env, check=True,
                       capture_output=True)
        # Against a running Prefect server, as scheduled runs have: no server start in the figure.
        with prefect_server(work) as api:
            for _ in range(args.repeat):
                (_, seconds, _), cpu = _child(TAG_ONLY, work / "built", env)
                tag_runs.append({"seconds": float(seconds), "cpu_seconds": cpu})
                shutil.rmtree(work / "wh", ignore_errors=True)
                shutil.copytree(work / "built", work / "wh")
                (_, seconds, replaced), cpu = _child(REPROCESS_AT_V2, work / "wh", {**env, "PREFECT_API_URL": api})
                reprocess_runs.append({"seconds": float(seconds), "cpu_seconds": cpu, "replaced": int(replaced)})

    def median(runs: list[dict], key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 1)

    figures = {"articles": args.articles, "repeat": args.repeat, "replaced": reprocess_runs[0]["replaced"],
               "tag_seconds": median(tag_runs, "seconds"), "reprocess_seconds": median(reprocess_runs, "seconds"),
               "tag_cpu_seconds": median(tag_runs, "cpu_seconds"),
               "reprocess_cpu_seconds": median(reprocess_runs, "cpu_seconds"),
               "runs": {"tag": [round(r["seconds"], 1) for r in tag_runs],
                        "reprocess": [round(r["seconds"], 1) for r in reprocess_runs]}}
    figures["ratio"] = round(figures["reprocess_seconds"] / figures["tag_seconds"], 3)
    figures["cpu_ratio"] = round(figures["reprocess_cpu_seconds"] / figures["tag_cpu_seconds"], 3)
    print(json.dumps(figures))
    print(f"\n{'':34} {'wall s (median)':>16} {'CPU s (median)':>15}  runs (wall s)")
    print(f"{'tag + quote, ' + str(args.articles) + ' articles':34} {figures['tag_seconds']:>16} "
          f"{figures['tag_cpu_seconds']:>15}  {figures['runs']['tag']}")
    print(f"{'reprocess --stage tag --outdated':34} {figures['reprocess_seconds']:>16} "
          f"{figures['reprocess_cpu_seconds']:>15}  {figures['runs']['reprocess']}")
    print(f"ratio {figures['ratio']} (target <= 1.10), CPU ratio {figures['cpu_ratio']}; "
          f"{figures['replaced']} documents replaced in each reprocess")


if __name__ == "__main__":
    main()
