"""Incremental runs: a first run over N real articles, a second over the unchanged folder, a third with 10 new files.

    python benchmarks/incremental_runs.py [--articles 2000] [--workdir DIR]

Articles come from ../shared/corpora (10kgnad, wikinews-de), written as .txt files with a title
line; each run is the real `newsetl run` command (ephemeral Prefect included). Prints wall time,
peak memory of each run, throughput, and the ratios the issue sets (second <= 10 % of the first,
+10 files <= 15 %), as one JSON line and a table.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("NEWSETL_CORPORA", ROOT.parent / "shared" / "corpora"))


def corpus_articles() -> list[tuple[str, str]]:
    """(title, body) of the real articles of 10kgnad and wikinews-de."""
    articles = []
    with open(CORPORA / "10kgnad" / "test.csv", encoding="utf-8") as handle:
        for _, text in csv.reader(handle, delimiter=";", quotechar="'"):
            first, _, rest = text.partition(". ")
            articles.append((first.strip(), rest.strip()))
    with open(CORPORA / "wikinews-de" / "articles.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            articles.append((record["title"], record["text"]))
    return [(t, b) for t, b in articles if len(b.split()) >= 30]


def write_articles(folder: Path, articles: list[tuple[str, str]], prefix: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number, (title, body) in enumerate(articles):
        (folder / f"{prefix}{number:05d}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")


def timed_run(landing: Path, warehouse: Path) -> dict:
    """Wall time and peak resident memory (MB) of one `newsetl run` in a child process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "flows.cli", "run", "--input", str(landing), "--warehouse", str(warehouse)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    # ru_maxrss of children is the largest single child so far, in KB on Linux.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(seconds, 2), "peak_rss_mb_so_far": round(peak_mb)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    if not CORPORA.is_dir():
        print(f"skipped: corpus not found at {CORPORA}")
        return 0
    articles = corpus_articles()
    if len(articles) < args.articles + 10:
        print(f"only {len(articles)} articles in the corpora; asked for {args.articles} + 10")
        return 1
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsetl-incremental-"))
    landing, warehouse = workdir / "landing", workdir / "warehouse"
    shutil.rmtree(workdir, ignore_errors=True)
    write_articles(landing, articles[: args.articles], "a")
    words = sum(len(b.split()) for _, b in articles[: args.articles])

    first = timed_run(landing, warehouse)
    second = timed_run(landing, warehouse)
    write_articles(landing / "new", articles[args.articles: args.articles + 10], "n")
    third = timed_run(landing, warehouse)
    result = {
        "articles": args.articles, "words": words,
        "first_run_s": first["seconds"], "unchanged_rerun_s": second["seconds"], "plus_10_files_s": third["seconds"],
        "rerun_ratio": round(second["seconds"] / first["seconds"], 3),
        "plus_10_ratio": round(third["seconds"] / first["seconds"], 3),
        "articles_per_s_first_run": round(args.articles / first["seconds"], 1),
        "peak_rss_mb": third["peak_rss_mb_so_far"],
    }
    print(json.dumps(result))
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
