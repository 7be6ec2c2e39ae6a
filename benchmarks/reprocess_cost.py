"""What a backfill costs: `reprocess --stage tag --outdated` on a warehouse of N real articles, against
tagging the same articles.

    python benchmarks/reprocess_cost.py [--articles 2000]

Loads N articles with `newsetl run`, then, in a child process whose tag stage is one rule version up,
runs `newsetl reprocess --stage tag --outdated --workers 1` (against a running Prefect server): the
tag stage and quote, which reads its mentions, over the outdated documents, all of them. The
reference is what the reprocess recomputes, `tag.tag_batch` plus `quote.quotes_of`, over the same
articles in one process, the models' loading included. Prints both times and their ratio (target:
at most 1.10), as one JSON line and a table.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, argument_parser, corpus_missing, landing_of_articles, newsetl_run, prefect_server, run_env

REPROCESS_AT_V2 = """
import sys, time
from transforms import versions
versions.RULES["tag"] = str(int(versions.RULES["tag"]) + 1)
versions.stage_versions.cache_clear()
from flows.cli import app
from transforms.warehouse import connect
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
from transforms import quote, tag
from transforms.warehouse import connect
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


def _child(code: str, warehouse: Path, env: dict) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code, str(warehouse)], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout
    return next(line for line in out.splitlines() if line.startswith(("REPROCESS", "TAG"))).split()


def main() -> None:
    args = argument_parser(__doc__, articles=2000).parse_args()
    if corpus_missing():
        return
    with landing_of_articles(args.articles) as work:
        env = run_env(work)
        subprocess.run(newsetl_run(work / "landing", work / "wh"), cwd=ROOT, env=env, check=True, capture_output=True)
        tag_seconds = float(_child(TAG_ONLY, work / "wh", env)[1])
        # Against a running Prefect server, as scheduled runs have: no server start in the figure.
        with prefect_server(work) as api:
            started = time.perf_counter()
            _, reprocess_seconds, replaced = _child(REPROCESS_AT_V2, work / "wh", {**env, "PREFECT_API_URL": api})
            wall = time.perf_counter() - started
    figures = {"articles": args.articles, "replaced": int(replaced), "tag_seconds": round(tag_seconds, 1),
               "reprocess_seconds": round(float(reprocess_seconds), 1), "reprocess_process_seconds": round(wall, 1),
               "ratio": round(float(reprocess_seconds) / tag_seconds, 3)}
    print(json.dumps(figures))
    print(f"\ntag + quote over {args.articles} articles: {figures['tag_seconds']} s; reprocess --stage tag --outdated: "
          f"{figures['reprocess_seconds']} s in the command ({figures['reprocess_process_seconds']} s with start-up), "
          f"{figures['replaced']} documents replaced; ratio {figures['ratio']} (target <= 1.10)")


if __name__ == "__main__":
    main()
