"""`newsetl run` over N real articles as a person sees it in a terminal, and as cron sees it through a pipe.

    python benchmarks/terminal_run.py [--articles 2000]

Runs the command twice on fresh warehouses: on a pseudo-terminal (80 columns), then piped. Prints,
as one JSON line and a summary: the progress bar states seen on the terminal (batches done of all),
whether the summary ended the run, and whether the piped output holds any control character.
"""
from __future__ import annotations

import json
import re
import subprocess
import time

from common import ROOT, argument_parser, corpus_missing, landing_of_articles, newsetl_run, on_terminal, run_env

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def main() -> None:
    args = argument_parser(__doc__, articles=2000).parse_args()
    if corpus_missing():
        return
    with landing_of_articles(args.articles) as work:
        env = run_env(work, COLUMNS="80", TERM="xterm")
        started = time.perf_counter()
        code, screen = on_terminal(newsetl_run(work / "landing", work / "wh-terminal"), env, cwd=ROOT)
        terminal_seconds = time.perf_counter() - started
        text = ANSI.sub("", screen)
        states = sorted({(int(done), int(total)) for done, total in re.findall(r"batches[^\r\n]*?(\d+)/(\d+)", text)})
        piped = subprocess.run(newsetl_run(work / "landing", work / "wh-piped"), env=env, cwd=ROOT, capture_output=True,
                               text=True)
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
