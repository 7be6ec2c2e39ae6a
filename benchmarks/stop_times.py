"""Stopping a run or a reprocess: for each signal and point, the seconds to exit, the exit code and the processes left.

Each case is a `newsetl run` of the seeds (two local workers, batches of two files), or a `newsetl reprocess
--stage tag` of a warehouse of them, in a session of its own, paused at a named point (transforms/faults.py
NEWSETL_PAUSE_AT), then sent a signal: SIGINT to its whole process group (Ctrl-C in a terminal), SIGTERM to
its main process alone (`kill PID`, systemd, supervisors), SIGINT twice, or SIGKILL to its main process. A
process is left when it carries the run's marker in its environment (every process the command started
does) and is alive 2 s after the command has exited.

Standard library only, so that tests/test_stopping.py can load it (tests/conftest.py load_benchmark).
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, argument_parser, newsetl_reprocess, newsetl_run, run_env, work_folder  # noqa: E402

SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGKILL": signal.SIGKILL}
# Each signal as it mostly comes: Ctrl-C to the terminal's process group; `kill PID` (systemd, supervisors) to the
# main process; a second Ctrl-C 0.3 s after the first; `kill -9 PID`.
SENDS = {"SIGINT": ("SIGINT", "group", None), "SIGTERM": ("SIGTERM", "main", None),
         "SIGINTx2": ("SIGINT", "group", 0.3), "SIGKILL": ("SIGKILL", "main", None)}
# Listing the landing folder, a batch on a worker, the load's transaction before its commit, just after it.
POINTS = ("list", "tag", "load:inserted", "load:committed")
# A reprocess batch on a worker; a batch's swap before its commit.
REPROCESS_POINTS = ("reprocess", "reprocess:inserted")
MARKER = "NEWSETL_STOP_PROBE"


class Stopped(NamedTuple):
    """What one signalled run did."""

    point: str
    signal_name: str
    target: str
    exit_code: int | None
    seconds: float  # from the signal to the command's exit
    output: str
    after_signal: str  # what it wrote from the signal on
    left: list[str]  # "pid command" of each process still alive
    ports_left: list[int]  # ports its processes listened on, still listening
    run_status: str | None


def marked_processes(marker: str) -> list[str]:
    """Live processes (not zombies) whose environment carries MARKER=marker, as "pid command"."""
    found = []
    needle = f"{MARKER}={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if state != "Z":
            found.append(f"{entry.name} {command[:120]}")
    return found


def _listening() -> dict[str, int]:
    """Socket inode -> port of every TCP socket listening now (Linux's /proc)."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                found[fields[9]] = int(fields[1].rsplit(":", 1)[1], 16)
    return found


def listening_sockets(pids: list[int]) -> dict[str, int]:
    """Socket inode -> port of the TCP sockets these processes listen on."""
    inodes = set()
    for pid in pids:
        try:
            inodes |= {os.readlink(fd)[8:-1] for fd in Path(f"/proc/{pid}/fd").iterdir()
                       if os.readlink(fd).startswith("socket:[")}
        except OSError:  # gone meanwhile
            continue
    return {inode: port for inode, port in _listening().items() if inode in inodes}


def still_listening(sockets: dict[str, int]) -> list[int]:
    """The ports of these sockets that still listen (the same sockets: another process may take a port since)."""
    return sorted(port for inode, port in _listening().items() if inode in sockets)


def last_run_status(warehouse: Path) -> str | None:
    """The status of the newest run in the warehouse, or None."""
    from newsetl.transforms.warehouse import catalog_exists, connect

    if not catalog_exists(warehouse):
        return None
    with connect(warehouse, read_only=True) as lake:
        row = lake.execute("select status from runs order by started_at desc limit 1").fetchone()
    return row[0] if row else None


def wait_for(path: Path, process: subprocess.Popen, timeout: float) -> bool:
    """True once path exists; False when the process ended or the time ran out first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def _outliving(marker: str, sockets: dict[str, int], grace: float) -> tuple[list[str], list[int]]:
    """The processes and listening ports of a run still there grace seconds after its command exited (they
    are looked at until then: children that exit with the command have that moment to do so)."""
    deadline = time.monotonic() + grace
    while True:
        left, ports_left = marked_processes(marker), still_listening(sockets)
        if not left and not ports_left or time.monotonic() > deadline:
            return left, ports_left
        time.sleep(0.1)


def stop_run(landing: Path, warehouse: Path, work: Path, point: str, signal_name: str, target: str,
             exit_timeout: float = 300, extra_flags: tuple[str, ...] = (), again_after: float | None = None,
             grace: float = 2.0, what: str = "run") -> Stopped:
    """Run (or reprocess the tag stage of the warehouse, when what is "reprocess"), pause at point, send the
    signal to the target (and again again_after seconds later, when given), and see what the command does and
    leaves."""
    marker = uuid.uuid4().hex
    paused = work / f"paused-{marker}"
    flags = ("--batch-size", "2", "--workers", "2", *extra_flags)
    env = run_env(work, NEWSETL_PAUSE_AT=point, NEWSETL_PAUSED_FILE=str(paused), **{MARKER: marker})
    command = (newsetl_run(landing, warehouse, *flags) if what == "run" else
               newsetl_reprocess(warehouse, "--stage", "tag", *flags))
    with open(work / f"output-{marker}.txt", "w+b") as output:
        process = subprocess.Popen(command, env=env, cwd=work, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            if not wait_for(paused, process, timeout=300):
                process.kill()
                process.wait()
                output.seek(0)
                raise RuntimeError(f"the run never reached {point}:\n{output.read()[-3000:].decode(errors='replace')}")
            sockets = listening_sockets([int(line.split()[0]) for line in marked_processes(marker)])
            signalled_at = os.lseek(output.fileno(), 0, os.SEEK_CUR)  # the command shares this offset
            sent = time.monotonic()
            for delay in (0, again_after) if again_after is not None else (0,):
                time.sleep(delay)
                if process.poll() is None:
                    (os.killpg if target == "group" else os.kill)(process.pid, SIGNALS[signal_name])
            try:
                code = process.wait(timeout=exit_timeout)
            except subprocess.TimeoutExpired:
                code = None
            seconds = time.monotonic() - sent
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        left, ports_left = _outliving(marker, sockets, grace)
        for line in left:  # leave nothing behind for the next case
            try:
                os.kill(int(line.split()[0]), signal.SIGKILL)
            except ProcessLookupError:
                pass
        output.seek(0)
        raw = output.read()
    text, after = raw.decode(errors="replace"), raw[signalled_at:].decode(errors="replace")
    return Stopped(point, signal_name, target, code, seconds, text, after, left, ports_left,
                   last_run_status(warehouse))


def _seeds_warehouse(work: Path) -> Path:
    """A warehouse holding the seeds, made once by a plain run: what each reprocess case starts from."""
    base = work / "base"
    shutil.copytree(ROOT / "seeds", base / "landing")
    subprocess.run(newsetl_run(base / "landing", base / "wh", "--workers", "2"), env=run_env(base), cwd=base,
                   check=True, capture_output=True, timeout=600)
    return base / "wh"


def main() -> None:
    parser = argument_parser(__doc__, articles=5, workdir=True)
    parser.add_argument("--commands", default="run,reprocess", help="run, reprocess or both")
    parser.add_argument("--signals", default=",".join(SENDS), help="comma-separated, of " + ", ".join(SENDS))
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} at the start")
    print(f"{'command':<10} {'point':<19} {'signal':<9} {'to':<6} {'exit':>5} {'seconds':>8} {'cpu s':>6} "
          f"{'lines after':>11} {'run':<10} {'processes left':>14} {'ports left':>10}")
    with work_folder(args.workdir, "newsetl-stop-") as work:
        seeds = _seeds_warehouse(work) if "reprocess" in args.commands else None
        for what in args.commands.split(","):
            for point in POINTS if what == "run" else REPROCESS_POINTS:
                for sent in args.signals.split(","):
                    signal_name, target, again_after = SENDS[sent]
                    case = work / f"{what}-{point.replace(':', '-')}-{sent}"
                    shutil.copytree(ROOT / "seeds", case / "landing")
                    if seeds is not None and what == "reprocess":
                        shutil.copytree(seeds, case / "wh")
                    cpu = _children_cpu()
                    result = stop_run(case / "landing", case / "wh", case, point, signal_name, target,
                                      again_after=again_after, what=what)
                    lines = len(result.after_signal.strip().splitlines())
                    print(f"{what:<10} {point:<19} {sent:<9} {target:<6} {result.exit_code!s:>5} "
                          f"{result.seconds:>8.1f} {_children_cpu() - cpu:>6.1f} {lines:>11} {result.run_status!s:<10} "
                          f"{len(result.left):>14} {len(result.ports_left):>10}"
                          + "".join(f"\n    left: {line}" for line in result.left), flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


def _children_cpu() -> float:
    """CPU seconds of this process's waited-for children so far (the command, and what it waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
