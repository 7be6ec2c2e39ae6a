"""One run at a time per warehouse: an flock on run.lock, or a lock held in a team's PostgreSQL catalog."""
from __future__ import annotations

import fcntl
import os
import socket
from datetime import datetime, timezone
from pathlib import Path

from newsetl.transforms.catalog import catalog_for
from newsetl.transforms.runlock import PostgresRunLock, WarehouseLocked

LOCK = "run.lock"


class RunLock:
    """An exclusive lock on the warehouse for one run; the kernel drops it when the process dies.

    The lock file names its holder, so a refused run can say which run it waits for. Taken again in
    the process that holds it (the command line, then its flow), it is the same lock.
    """

    _held: dict[Path, list] = {}  # lock path -> [open file, depth] in this process

    def __new__(cls, warehouse: str | Path, run_id: str):
        catalog = catalog_for(warehouse)
        if catalog.postgres:  # runs on other machines share the catalog, not this machine's files
            return PostgresRunLock(catalog, run_id)
        return super().__new__(cls)

    def __init__(self, warehouse: str | Path, run_id: str):
        self.path = (Path(warehouse) / LOCK).resolve()
        self.run_id = run_id

    def __enter__(self) -> "RunLock":
        held = self._held.get(self.path)
        if held is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+", encoding="utf-8")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                handle.close()
                raise WarehouseLocked(f"another newsetl run holds the warehouse {self.path.parent}: {holder}") from None
            held = self._held[self.path] = [handle, 0]
        held[1] += 1
        handle = held[0]
        handle.seek(0)
        handle.truncate()
        handle.write(f"run {self.run_id}, pid {os.getpid()} on {socket.gethostname()}, "
                     f"since {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        held = self._held[self.path]
        held[1] -= 1
        if held[1]:
            return
        del self._held[self.path]
        held[0].truncate(0)
        fcntl.flock(held[0], fcntl.LOCK_UN)
        held[0].close()
