"""A real PostgreSQL server for the tests: started in a temporary folder as the postgres user, on a free port."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

# Debian keeps each PostgreSQL version's server programs in a folder of its own, off PATH.
PG_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
             default=Path("/usr/lib/postgresql/15/bin"))


def unavailable(bin_dir: Path = PG_BIN) -> str | None:
    """Why a server cannot be started here, or None."""
    if not (bin_dir / "pg_ctl").exists():
        return f"PostgreSQL is not installed ({bin_dir}/pg_ctl absent) and NEWSETL_TEST_POSTGRES is not set"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "PostgreSQL refuses to run as root and runuser is absent"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TemporaryPostgres:
    """initdb + pg_ctl start in a folder of its own (owned by postgres when run as root); stopped and removed on exit.

    durable=False turns fsync off: quicker tests, and the tests kill clients, never the server.
    """

    def __init__(self, bin_dir: Path = PG_BIN, durable: bool = False):
        self.bin_dir, self.durable = bin_dir, durable
        self.folder = Path(tempfile.mkdtemp(prefix="newsetl-pg-"))
        self.port = free_port()

    def _as_server_user(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def __enter__(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        data = self.folder / "data"
        self._as_server_user(str(self.bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
        self._as_server_user(str(self.bin_dir / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"), "-o",
                             f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
                             + ("" if self.durable else " -c fsync=off"), "-w", "start")
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def __exit__(self, *exc) -> None:
        self._as_server_user(str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def create_database(admin_url: str) -> str:
    """A new, empty database on the server; returns its address."""
    import psycopg

    name = f"newsetl_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"create database {name}")
    return admin_url.rsplit("/", 1)[0] + "/" + name
