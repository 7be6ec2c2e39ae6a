"""Room on the disks a run writes to, and one line naming the folder when one of them is full.

A run writes under three folders: the warehouse (its catalog, lake files and staged Parquet), its
quality folder (Great Expectations results, Data Docs, the report; a mount of its own, perhaps) and
the state folder (Prefect's database). A run checks their room before it starts, and an error that
says a disk is full (on any of them, in any process) is told in one line that names the folder and
the room a run needs there.
"""
from __future__ import annotations

import errno
import shutil
from dataclasses import dataclass
from pathlib import Path

MiB = 1 << 20
# What a run needs free, in a fixed part and per byte of new landing files (measured on the seeds and
# the 2,000 articles of benchmarks/throughput.py, with room to spare): the warehouse keeps each text
# twice (staged Parquet, lake) beside its tags; Great Expectations writes a result per table and batch;
# Prefect's database grows with every task run and log line.
NEEDS = {"warehouse": (4 * MiB, 3.0), "quality": (8 * MiB, 0.5), "state": (8 * MiB, 0.1)}
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_FULL_WORDS = ("no space left on device", "database or disk is full", "disk quota exceeded")


@dataclass(frozen=True)
class Folder:
    """A folder a run writes to: its role (warehouse, quality, state), where it is, and the room it needs."""

    role: str
    path: Path
    needs: int

    def free(self) -> int:
        """Bytes free on the folder's file system."""
        return shutil.disk_usage(self._existing()).free

    def device(self) -> int:
        """The file system the folder is on."""
        return self._existing().stat().st_dev

    def _existing(self) -> Path:
        """The folder, or its nearest parent that exists (a first run makes it)."""
        path = self.path.resolve()
        while not path.exists():
            path = path.parent
        return path


class DiskFull(OSError):
    """A folder a run writes to has too little room; the message says which, and how much it needs."""

    def __init__(self, folder: Folder, free: int):
        super().__init__(errno.ENOSPC, f"the {folder.role} folder {folder.path} is full: {_size(free)} free, a run "
                                       f"needs about {_size(folder.needs)} there; make room or move it, then run again")
        self.folder = folder

    def __str__(self) -> str:
        return self.strerror


def run_folders(warehouse_dir: str | Path, state_dir: str | Path, new_bytes: int = 0) -> list[Folder]:
    """The folders a run of new_bytes of new landing files writes to, with the room each needs."""
    paths = {"warehouse": Path(warehouse_dir), "quality": Path(warehouse_dir) / "quality", "state": Path(state_dir)}
    return [Folder(role, paths[role], int(fixed + per_byte * new_bytes)) for role, (fixed, per_byte) in NEEDS.items()]


def check_room(folders: list[Folder]) -> None:
    """DiskFull for the first folder with less room than it needs."""
    for folder in folders:
        free = folder.free()
        if free < folder.needs:
            raise DiskFull(folder, free)


def is_disk_full(error: BaseException) -> bool:
    """True when the error, or one it came from, says a disk or quota is full (OSError, DuckDB, SQLite, HTTP text)."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
            return True
        if any(words in str(error).lower() for words in _FULL_WORDS):
            return True
        error = error.__cause__ or error.__context__
    return False


def full_folder(folders: list[Folder]) -> DiskFull:
    """After an error that says a disk is full: the folder that ran out (the least room for what it needs; of
    folders on the same file system, the first, so the warehouse rather than its quality folder)."""
    short = min(folders, key=lambda folder: folder.free() / folder.needs)
    folder = next(folder for folder in folders if folder.device() == short.device())
    return DiskFull(folder, folder.free())


RESERVE = ".newsetl-reserve"
RESERVE_BYTES = MiB


def hold_reserve(folder: str | Path) -> None:
    """Keep RESERVE_BYTES in a file under the folder, for release_reserve to give back on a full disk."""
    reserve = Path(folder) / RESERVE
    if not reserve.exists() or reserve.stat().st_size < RESERVE_BYTES:
        with open(reserve, "wb") as handle:
            handle.write(bytes(RESERVE_BYTES))  # written, not sparse: the room is really taken


def release_reserve(folder: str | Path) -> None:
    """Give the reserve's room back: a run that filled the disk still records that it failed, and why."""
    (Path(folder) / RESERVE).unlink(missing_ok=True)


def _size(count: float) -> str:
    if count < 1024:
        return f"{count:.0f} bytes"
    for unit in ("KiB", "MiB", "GiB"):
        count /= 1024
        if count < 1024 or unit == "GiB":
            break
    return f"{count:.1f} {unit}"
