"""`newsetl run` over N real articles as a person sees it in a terminal, and as cron sees it through a pipe.

    python benchmarks/terminal_run.py [--articles 2000]

Runs the command twice on fresh warehouses: on a pseudo-terminal (80 columns), then piped. Prints,
as one JSON line and a summary: the progress bar states seen on the terminal (batches done of all),
whether the summary ended the run, and whether the piped output holds any control character.
"""
from __future__ import annotations

import argparse
import json
import os
import pty
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from incremental_runs import CORPORA, ROOT, corpus_articles, write_articles

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_terminal(command: list[str], env: dict) -> tuple[int, str]:
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env=env, cwd=ROOT)
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        screen += chunk
    process.wait()
    os.close(leader)
    return process.returncode, screen.decode("utf-8", errors="replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    if not CORPORA.is_dir():
        print(f"skipped: corpus not found at {CORPORA}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_articles(work / "landing", corpus_articles()[: args.articles], "a")
        env = {**os.environ, "NEWSETL_STATE_DIR": str(work / "state"), "PYTHONPATH": str(ROOT), "COLUMNS": "80",
               "TERM": "xterm"}
        run = [sys.executable, "-m", "flows.cli", "run", "--input", str(work / "landing"), "--warehouse"]
        started = time.perf_counter()
        code, screen = on_terminal(run + [str(work / "wh-terminal")], env)
        terminal_seconds = time.perf_counter() - started
        text = ANSI.sub("", screen)
        states = sorted({(int(done), int(total)) for done, total in re.findall(r"batches[^\r\n]*?(\d+)/(\d+)", text)})
        piped = subprocess.run(run + [str(work / "wh-piped")], env=env, cwd=ROOT, capture_output=True, text=True)
    figures = {"articles": args.articles, "terminal_exit": code, "terminal_seconds": round(terminal_seconds, 1),
               "bar_states": states, "summary_shown": bool(re.search(r"(PASS|WARN|FAIL) newsetl run", text)),
               "piped_exit": piped.returncode, "piped_control_characters": len(re.findall(r"[\x1b\r]", piped.stdout)),
               "piped_progress_lines": len(re.findall(r"^\d\d:\d\d:\d\d batch \d+/\d+", piped.stdout, re.M))}
    print(json.dumps(figures))
    print(f"\nterminal: exit {code}, {terminal_seconds:.0f} s, bar states {states}, summary shown: {figures['summary_shown']}")
    print(f"piped: exit {piped.returncode}, {figures['piped_progress_lines']} progress lines, "
          f"{figures['piped_control_characters']} control characters")


if __name__ == "__main__":
    main()
