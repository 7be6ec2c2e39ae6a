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

import argparse
import contextlib
import csv
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
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


def timed_run(landing: Path, warehouse: Path, env: dict) -> dict:
    """Wall time and peak resident memory (MB) of one `newsetl run` in a child process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "flows.cli", "run", "--input", str(landing), "--warehouse", str(warehouse)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    seconds = time.perf_counter() - started
    # ru_maxrss of children is the largest single child so far, in KB on Linux.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(seconds, 2), "peak_rss_mb_so_far": round(peak_mb)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def prefect_server(workdir: Path):
    """A `prefect server start` on a free loopback port; yields its API URL, kills it on exit."""
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(workdir / "prefect-server"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    with open(workdir / "server.log", "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                   "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.time() > deadline:
                    raise TimeoutError("the Prefect server did not become healthy") from None
                time.sleep(0.5)
        yield api
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def measure(mode: str, workdir: Path, articles: list[tuple[str, str]], count: int) -> dict:
    """The three runs of one mode in its own landing folder and warehouse."""
    landing, warehouse = workdir / mode / "landing", workdir / mode / "warehouse"
    write_articles(landing, articles[:count], "a")
    env = {**os.environ, "NEWSETL_STATE_DIR": str(workdir / mode / "state")}
    env.pop("PREFECT_API_URL", None)
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--modes", default="ephemeral,server", help="comma-separated: ephemeral, server")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        print(f"skipped: corpus not found at {CORPORA}")
        return 0
    articles = corpus_articles()
    if len(articles) < args.articles + 10:
        print(f"only {len(articles)} articles in the corpora; asked for {args.articles} + 10")
        return 1
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsetl-incremental-"))
    shutil.rmtree(workdir, ignore_errors=True)
    result = {"articles": args.articles, "words": sum(len(b.split()) for _, b in articles[: args.articles])}
    for mode in args.modes.split(","):
        result[mode] = measure(mode, workdir, articles, args.articles)
    print(json.dumps(result))
    for mode in args.modes.split(","):
        print(f"\n{mode} ({args.articles} articles, {result['words']} words)")
        width = max(map(len, result[mode]))
        for key, value in result[mode].items():
            print(f"  {key:<{width}}  {value}")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
