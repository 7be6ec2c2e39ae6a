"""One run at a time across machines: with a PostgreSQL catalog, the run lock is a PostgreSQL advisory lock.

The lock belongs to a session that lives as long as the run: when the run's process dies, or its host
drops off the network (TCP keepalives notice within about a minute), PostgreSQL ends the session and the
lock is free. Nothing is kept on any machine's disk. The holder writes who it is into a small table of
the catalog's database, so a refused run can say which run, process and host it waits for.
"""
from __future__ import annotations

import os
import socket
from datetime import datetime, timezone

from newsetl.transforms.catalog import Catalog

HOLDERS = "newsetl_run_lock"
# One lock per catalog database: a fixed key in the advisory lock space of that database.
LOCK_KEY = 0x6E657773_65746C  # "newsetl"
# A host that vanishes without closing its connection loses the lock after about idle + interval * count.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


class WarehouseLocked(RuntimeError):
    """Another newsetl run holds the warehouse."""


def holder_line(run_id: str) -> str:
    return (f"run {run_id}, pid {os.getpid()} on {socket.gethostname()}, "
            f"since {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC")


class PostgresRunLock:
    """The warehouse's run lock as an advisory lock in its PostgreSQL catalog.

    Taken again in the process that holds it (the command line, then its flow), it is the same lock.
    """

    _held: dict[tuple, list] = {}  # catalog -> [session, depth] in this process

    def __init__(self, catalog: Catalog, run_id: str):
        self.catalog = catalog
        self.key = catalog.describe()
        self.run_id = run_id

    def __enter__(self) -> "PostgresRunLock":
        held = self._held.get(self.key)
        if held is None:
            session = self.catalog.session(application_name=f"newsetl run lock {os.getpid()}", **KEEPALIVES)
            if not session.execute("select pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()[0]:
                holder = self._holder(session)
                session.close()
                raise WarehouseLocked(f"another newsetl run holds the warehouse {self.catalog.warehouse} "
                                      f"(catalog {self.key}): {holder}")
            # Made while holding the lock: two first runs never race to create it.
            session.execute(f"create table if not exists {HOLDERS} (lock_key bigint primary key, holder text, "
                            "backend_pid integer)")
            held = self._held[self.key] = [session, 0]
        held[1] += 1
        held[0].execute(f"insert into {HOLDERS} values (%s, %s, pg_backend_pid()) on conflict (lock_key) "
                        "do update set holder = excluded.holder, backend_pid = excluded.backend_pid",
                        [LOCK_KEY, holder_line(self.run_id)])
        return self

    @staticmethod
    def _holder(session) -> str:
        """Who holds the lock, as its holder wrote it (if the holder is still alive)."""
        if session.execute(f"select to_regclass('{HOLDERS}') is null").fetchone()[0]:
            return "unknown"
        found = session.execute(f"select h.holder from {HOLDERS} h join pg_locks l on l.pid = h.backend_pid "
                                "where h.lock_key = %s and l.locktype = 'advisory' and l.granted",
                                [LOCK_KEY]).fetchone()
        return found[0] if found else "unknown"

    def __exit__(self, *exc) -> None:
        held = self._held[self.key]
        held[1] -= 1
        if held[1]:
            return
        del self._held[self.key]
        # Closing the session releases the lock; unlocking first frees it even if the close is slow.
        held[0].execute("select pg_advisory_unlock(%s)", [LOCK_KEY])
        held[0].close()
