"""What the benchmarks share: the real articles of the corpora, landing folders of them, work folders, the
environment of a measured `newsetl run`, a Prefect server, and a terminal to run a command on.

Standard library only, so that tests/test_cli_terminal.py can load it (tests/conftest.py load_benchmark).
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import pty
import select
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


def argument_parser(doc: str, articles: int, workdir: bool = False) -> argparse.ArgumentParser:
    """A benchmark's command line: described by its docstring's first line, with --articles (how many real
    articles) and, where asked, --workdir (a folder to keep its files in)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--articles", type=int, default=articles, help="how many real articles of the corpora")
    if workdir:
        parser.add_argument("--workdir", type=Path, default=None)
    return parser


def corpus_missing(path: Path = CORPORA) -> bool:
    """True, having said so, when a benchmark's corpus is not there (the benchmark then skips)."""
    if path.exists():
        return False
    print(f"skipped: corpus not found at {path}")
    return True


def corpus_articles() -> list[tuple[str, str]]:
    """(title, body) of the real articles of 10kgnad and wikinews-de."""
    articles = []
    with open(CORPORA / "10kgnad" / "test.csv", encoding="utf-8") as handle:
        for _, text in csv.reader(handle, delimiter=";", quotechar="'"):
            first, _, rest = text.partition(". ")
            articles.append((first.strip(), rest.strip()))
    for record in wikinews_records():
        articles.append((record["title"], record["text"]))
    return [(t, b) for t, b in articles if len(b.split()) >= 30]


def wikinews_records() -> list[dict]:
    with open(CORPORA / "wikinews-de" / "articles.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def wikinews_bodies(count: int) -> list[str] | None:
    """The first count article texts of wikinews-de; None, having said so, when the corpus is missing."""
    if corpus_missing(CORPORA / "wikinews-de" / "articles.jsonl"):
        return None
    return [record["text"] for record in wikinews_records()[:count]]


def write_articles(folder: Path, articles: list[tuple[str, str]], prefix: str) -> None:
    """Each article as <prefix><number>.txt: its title line, a blank line, its body."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, (title, body) in enumerate(articles):
        (folder / f"{prefix}{number:05d}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")


@contextlib.contextmanager
def landing_of_articles(count: int):
    """A temporary work folder whose landing/ holds the first count real articles as .txt files."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_articles(work / "landing", corpus_articles()[:count], "a")
        yield work


def run_env(work: Path, **extra: str) -> dict:
    """The environment of a measured `newsetl run`: Prefect's state under work, this checkout first on the path,
    no API server of the caller's (extra may name one)."""
    env = {**os.environ, "NEWSETL_STATE_DIR": str(work / "state"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("PREFECT_API_URL", None)
    env.pop("PREFECT_HOME", None)  # the state folder decides it, not a caller's (a test harness sets one)
    return {**env, **extra}


def newsetl_run(landing: Path, warehouse: Path, *flags: str) -> list[str]:
    return [sys.executable, "-m", "newsetl.flows.cli", "run", "--input", str(landing), "--warehouse", str(warehouse), *flags]


def newsetl_reprocess(warehouse: Path, *flags: str) -> list[str]:
    return [sys.executable, "-m", "newsetl.flows.cli", "reprocess", "--warehouse", str(warehouse), *flags]


@contextlib.contextmanager
def work_folder(given: Path | None, prefix: str):
    """An empty folder to work in: the one given (emptied first, kept), else a temporary one, removed after
    a benchmark that ends normally (a failed one leaves it, with its logs)."""
    folder = given or Path(tempfile.mkdtemp(prefix=prefix))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    yield folder
    if given is None:
        shutil.rmtree(folder, ignore_errors=True)


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


def on_terminal(command: list[str], env: dict, cwd: Path | None = None, timeout: float = 600) -> tuple[int, str]:
    """Run a command on a pseudo-terminal; its exit code (negative when killed after timeout seconds of silence)
    and everything it wrote, control characters included."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env=env, cwd=cwd,
                               close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], timeout)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return process.returncode, b"".join(chunks).decode("utf-8", errors="replace")
