"""Where the warehouse's DuckLake catalog lives: a SQLite file in the warehouse folder (one machine), or a
PostgreSQL database a team shares, with the data files in the warehouse folder every host mounts.

The warehouse folder says which catalog it has: a PostgreSQL catalog leaves its address (never a
password) in catalog.url there, so every process that mounts the folder (a Dask worker, an analyst's
laptop, the next run) finds the same catalog, and a run given another catalog is refused rather than
starting a second, diverging history. The address given (--catalog, NEWSETL_CATALOG) supplies the role
and password; libpq's PGPASSWORD and ~/.pgpass serve too.
"""
from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

SQLITE_FILE = "lake.sqlite"
POINTER = "catalog.url"
SCHEMES = ("postgresql://", "postgres://")
# The wheel ships the extension as postgres.duckdb_extension, but DuckDB derives the entry point it looks
# for from the file name: loaded by path it must be called postgres_scanner.
_PG_EXTENSION_NAME = "postgres_scanner"
_pg_extension_dir: tuple[int, Path] | None = None  # (the process that made it, the folder)


class CatalogError(ValueError):
    """A catalog that cannot be used for this warehouse; the message says why and what to do."""


def is_postgres(url: str | None) -> bool:
    return bool(url) and url.startswith(SCHEMES)


def _parts(url: str) -> dict:
    from psycopg.conninfo import conninfo_to_dict

    try:
        return conninfo_to_dict(url)
    except Exception as exc:  # psycopg raises ProgrammingError for a malformed address
        raise CatalogError(f"not a PostgreSQL address: {public_address(url)} ({exc})") from None


def public_address(url: str) -> str:
    """The address without its password: what may be shown and written down."""
    if not is_postgres(url):
        return url
    scheme, rest = url.split("://", 1)
    userinfo, at, host = rest.rpartition("@")
    return f"{scheme}://{userinfo.split(':', 1)[0]}{at}{host}" if at else url


def _identity(url: str) -> tuple[str, str, str]:
    """Which database an address names, whoever connects: host, port and database name."""
    parts = _parts(url)
    return parts.get("host", ""), str(parts.get("port", "5432")), parts.get("dbname", parts.get("user", ""))


@dataclass(frozen=True)
class Catalog:
    """The catalog of one warehouse folder: url None is the SQLite file in the folder."""

    warehouse: Path
    url: str | None = None

    @property
    def postgres(self) -> bool:
        return self.url is not None

    @property
    def sqlite_path(self) -> Path:
        return self.warehouse.resolve() / SQLITE_FILE

    def describe(self) -> str:
        return public_address(self.url) if self.postgres else str(self.sqlite_path)

    def attach_target(self) -> str:
        """What DuckDB's ATTACH takes for this catalog (quoted for a SQL string literal)."""
        target = f"ducklake:postgres:{self.url}" if self.postgres else f"ducklake:sqlite:{self.sqlite_path}"
        return target.replace("'", "''")

    def extensions(self) -> list[str]:
        """Paths of the DuckDB extensions this catalog needs besides DuckLake's."""
        return [postgres_extension_path()] if self.postgres else []

    def exists(self) -> bool:
        """Whether a DuckLake catalog is there already (a run has created it)."""
        if not self.postgres:
            return self.sqlite_path.exists()
        with self.session() as session:
            return session.execute("select to_regclass('ducklake_metadata') is not null").fetchone()[0]

    def prepare(self) -> None:
        """Before the first writable attach: SQLite goes into WAL mode (a reader's open transaction must
        not hold up a commit); a PostgreSQL catalog leaves its address in the folder."""
        self.warehouse.mkdir(parents=True, exist_ok=True)
        if self.postgres:
            pointer = self.warehouse / POINTER
            if not pointer.exists():
                partial = pointer.with_suffix(".partial")
                partial.write_text(public_address(self.url) + "\n", encoding="utf-8")
                os.replace(partial, pointer)
        elif not self.sqlite_path.exists():
            with sqlite3.connect(self.sqlite_path) as catalog:
                catalog.execute("pragma journal_mode=wal")

    def session(self, application_name: str = "newsetl", **options):
        """A PostgreSQL session on the catalog's database (autocommit)."""
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=True, application_name=application_name, **options)
        except psycopg.OperationalError as exc:
            first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise CatalogError(f"cannot reach the catalog {self.describe()}: {first}") from None


def pointer_url(warehouse: str | Path) -> str | None:
    """The PostgreSQL catalog address a warehouse folder records, if any."""
    pointer = Path(warehouse) / POINTER
    return pointer.read_text(encoding="utf-8").strip() or None if pointer.exists() else None


def catalog_for(warehouse: str | Path, given: str | None = None) -> Catalog:
    """The catalog of a warehouse folder: the one given (flag or NEWSETL_CATALOG), checked against the one
    the folder records; else the recorded one; else the SQLite file in the folder."""
    from newsetl.transforms.settings import Settings

    warehouse = Path(warehouse)
    given = given or Settings.resolve().catalog
    recorded = pointer_url(warehouse)
    if given is None or given == "sqlite":
        if given == "sqlite" and recorded:
            raise CatalogError(f"the warehouse {warehouse} has its catalog in {recorded}: "
                               "`newsetl migrate --catalog sqlite` moves it back")
        return Catalog(warehouse, recorded)
    if recorded is None and (warehouse / SQLITE_FILE).exists():
        raise CatalogError(f"the warehouse {warehouse} has a SQLite catalog: "
                           f"`newsetl migrate --catalog {public_address(given)}` moves it")
    if recorded is not None and _identity(recorded) != _identity(given):
        raise CatalogError(f"the warehouse {warehouse} has its catalog in {recorded}, not {public_address(given)}")
    return Catalog(warehouse, given)


def postgres_extension_path() -> str:
    """DuckDB's postgres extension from its wheel, under the name DuckDB loads it by (a private folder)."""
    global _pg_extension_dir
    import duckdb

    if _pg_extension_dir is None or _pg_extension_dir[0] != os.getpid():  # a forked process makes its own
        folder = Path(import_module("duckdb_extension_postgres").__file__).parent
        found = sorted(folder.glob(f"extensions/v{duckdb.__version__}/postgres.duckdb_extension"))
        if not found:
            raise RuntimeError(f"duckdb-extension-postgres has no build for duckdb {duckdb.__version__}: "
                               "pin both to the same version")
        # A folder of this process's own (mode 0700), so nobody can put another file in its place.
        private = Path(tempfile.mkdtemp(prefix="newsetl-ext-"))
        _pg_extension_dir = (os.getpid(), private)
        atexit.register(_remove_own, *_pg_extension_dir)
        (private / f"{_PG_EXTENSION_NAME}.duckdb_extension").symlink_to(found[0])
    return (_pg_extension_dir[1] / f"{_PG_EXTENSION_NAME}.duckdb_extension").as_posix()


def _remove_own(pid: int, folder: Path) -> None:
    if os.getpid() == pid:  # not in a forked child that inherited the exit handler
        shutil.rmtree(folder, ignore_errors=True)
