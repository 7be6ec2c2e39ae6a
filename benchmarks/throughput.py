"""Throughput: `newsetl run` with its defaults beside a plain one-process script, on the same 2,000 real articles.

    python benchmarks/throughput.py [--articles 2000] [--workdir DIR] [--newsetl-args "--workers 2"]

The landing folder holds the extraction-de pages (.html.gz, as scraped) and, for the rest, real
articles of 10kgnad and wikinews-de as .txt files (benchmarks/incremental_runs.py writes them).
The plain script (`plain` below, run in its own process) is what a team would write without the
product: read and decode the files (trafilatura for the pages), the product's shipped NER model
through spaCy's `nlp.pipe`, datasketch MinHash LSH stories, one DuckDB file. No cleaning rules,
no gazetteer, no themes, no search index, no validation, no orchestration.

Each side runs in a child process; measured per side: wall time, CPU (user + sys of every process of
the tree, each as last sampled with psutil: worker processes forked from a forkserver are not
children the run waits for, so getrusage(RUSAGE_CHILDREN) misses them; a process's last 0.5 s can go
uncounted), peak memory (the sum of the resident sizes of the process tree: shared pages count once
per process, so the sum overstates), the peak of the summed proportional set sizes (PSS, from
/proc/PID/smaps_rollup: a page shared by n processes counts 1/n in each, so the sum is the memory
the tree takes from the machine, as smem reports it; Linux only), and each process's own peak RSS.
Sampled every 0.5 s: reading smaps_rollup walks a process's page tables, and at 0.2 s the benchmark's
own process took 18 % of a core beside a run of five processes.
Before timing, one untimed newsetl run over an empty folder creates
Prefect's database and the gazetteer cache, as on an installed system. Prints one JSON line and a table.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
from common import CORPORA, ROOT, argument_parser, corpus_articles, corpus_missing, newsetl_run, run_env, work_folder, write_articles

PAGES = CORPORA / "extraction-de" / "pages"
FULL_SIZE = 2000
TARGET_WALL_RATIO = 0.6
TARGET_PEAK_MB = 2048


def build_landing(folder: Path, count: int) -> dict:
    """count files: extraction-de pages (all of them in 2,000 files, as large a share in fewer), then real
    articles as .txt; returns what went in."""
    pages = sorted(PAGES.glob("*.html*"))
    pages = pages[:len(pages) * min(count, FULL_SIZE) // FULL_SIZE]
    folder.mkdir(parents=True, exist_ok=True)
    for page in pages:
        shutil.copy(page, folder / page.name)
    articles = corpus_articles()[: count - len(pages)]
    write_articles(folder, articles, "a")
    return {"files": len(pages) + len(articles), "html_pages": len(pages), "text_articles": len(articles)}


def proportional_set_size(pid: int) -> int:
    """Bytes of the process's PSS; 0 where the kernel does not say (not Linux, or the process is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            return next((int(line.split()[1]) << 10 for line in handle if line.startswith("Pss:")), 0)
    except OSError:
        return 0


class TreeMemory:
    """Peaks of the summed resident memory (RSS) and proportional set size (PSS) of a process and its
    descendants, and the CPU seconds each used, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.5):
        self.peak = 0
        self.peak_pss = 0
        self.by_process: dict[int, dict] = {}  # pid -> what it runs, its own peak and its CPU seconds
        self._root = psutil.Process(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(every,), daemon=True)
        self._thread.start()

    def _sample(self, every: float) -> None:
        while not self._stop.is_set():
            total = total_pss = 0
            try:
                for process in [self._root, *self._root.children(recursive=True)]:
                    try:
                        rss = process.memory_info().rss
                        times = process.cpu_times()
                        # The command line read last: a child seen between fork and exec shows its parent's.
                        command = " ".join(process.cmdline()[1:4])[:80]
                    except psutil.Error:
                        continue
                    total += rss
                    total_pss += proportional_set_size(process.pid)
                    seen = self.by_process.setdefault(process.pid, {"peak_mb": 0})
                    seen.update(command=command, peak_mb=max(seen["peak_mb"], rss >> 20),
                                cpu_s=times.user + times.system)
            except psutil.Error:
                return
            self.peak = max(self.peak, total)
            self.peak_pss = max(self.peak_pss, total_pss)
            self._stop.wait(every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak

    def cpu_seconds(self) -> float:
        return sum(process["cpu_s"] for process in self.by_process.values())


def measured(command: list[str], env: dict, log: Path) -> dict:
    """Wall, CPU of the process tree and peak tree memory of one command, run to its end."""
    started = time.perf_counter()
    with open(log, "w") as handle:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        memory = TreeMemory(process.pid)
        code = process.wait()
    wall = time.perf_counter() - started
    peak = memory.stop()
    if code != 0:
        raise RuntimeError(f"{' '.join(command[:4])} ... exited with {code}; see {log}")
    cpu = memory.cpu_seconds()
    processes = [{"peak_mb": p["peak_mb"], "command": p["command"]}
                 for p in sorted(memory.by_process.values(), key=lambda p: -p["peak_mb"])]
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_mb": round(peak / 2**20),
            "peak_pss_mb": round(memory.peak_pss / 2**20),
            "process_peaks_mb": [p for p in processes if p["peak_mb"] >= 50]}


def warm_up(workdir: Path, env: dict) -> None:
    """Prefect's database and the gazetteer cache, as an installed system has them."""
    (workdir / "empty").mkdir(parents=True, exist_ok=True)
    subprocess.run(newsetl_run(workdir / "empty", workdir / "scratch"), cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-c", "from transforms import gazetteer; gazetteer.countries()"],
                   cwd=ROOT, check=True, env=env)


def main() -> int:
    parser = argument_parser(__doc__, articles=2000, workdir=True)
    parser.add_argument("--newsetl-args", default="", help="extra flags for `newsetl run` (default: none)")
    args = parser.parse_args()
    if corpus_missing():
        return 0
    with work_folder(args.workdir, "newsetl-throughput-") as workdir:
        landing = workdir / "landing"
        result = {"cores": os.cpu_count(), "load_before": round(os.getloadavg()[0], 2),
                  **build_landing(landing, args.articles)}
        env = run_env(workdir)
        warm_up(workdir, env)
        result["plain"] = measured([sys.executable, str(Path(__file__).with_name("plain_script.py")), str(landing),
                                    str(workdir / "plain.duckdb")], env, workdir / "plain.log")
        result["newsetl"] = measured(newsetl_run(landing, workdir / "warehouse", *args.newsetl_args.split()), env,
                                     workdir / "newsetl.log")
    plain, ours = result["plain"], result["newsetl"]
    result["ratios"] = {key: round(ours[key] / plain[key], 2) for key in ("wall_s", "cpu_s", "peak_mb", "peak_pss_mb")}
    result["targets_met"] = {"wall_ratio<=0.6": result["ratios"]["wall_s"] <= TARGET_WALL_RATIO,
                             "newsetl_peak_rss_sum<=2GB": ours["peak_mb"] <= TARGET_PEAK_MB,
                             "newsetl_peak_pss<=2GB": ours["peak_pss_mb"] <= TARGET_PEAK_MB}
    result["load_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))
    print(f"\n{result['files']} files ({result['html_pages']} HTML pages), {result['cores']} cores, "
          f"load average {result['load_before']} before, {result['load_after']} after")
    print(f"  {'':<10} {'wall s':>8} {'CPU s':>8} {'peak MB (RSS sum)':>18} {'peak MB (PSS)':>14}")
    for name in ("plain", "newsetl"):
        row = result[name]
        print(f"  {name:<10} {row['wall_s']:>8} {row['cpu_s']:>8} {row['peak_mb']:>18} {row['peak_pss_mb']:>14}")
    ratios = result["ratios"]
    print(f"  {'ratio':<10} {ratios['wall_s']:>8} {ratios['cpu_s']:>8} {ratios['peak_mb']:>18} {ratios['peak_pss_mb']:>14}")
    for name in ("plain", "newsetl"):
        print(f"  {name} processes, own peak MB: "
              + "; ".join(f"{p['command']} {p['peak_mb']}" for p in result[name]["process_peaks_mb"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
