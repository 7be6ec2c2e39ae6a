"""Moving a warehouse's catalog between SQLite and PostgreSQL; its data files stay where they are.

DuckLake keeps the same catalog tables on either database, so a move copies them row by row (history,
snapshots and time travel included). First the rows DuckLake keeps inside the catalog (small inserts are
"inlined" there, in tables whose column types differ between the two databases) are flushed to Parquet
files in the data folder; the inlined tables are then empty and DuckLake makes new ones as it needs them.
Every table is compared (count and checksum) through DuckLake on both sides before the warehouse folder
switches to the new catalog; the old one is kept, so a move can be undone by moving back.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import duckdb

from newsetl.transforms.catalog import POINTER, SQLITE_FILE, Catalog, CatalogError
from newsetl.transforms.lake import _EXTENSIONS, DATA, DUCKDB_CONFIG, _extension_path, _quote

# The SQLite catalog a move to PostgreSQL leaves behind, for a look back (a move back writes a new one).
SQLITE_LEFT = SQLITE_FILE + ".before-postgresql"
_INLINED = "ducklake_inlined_data_"


class MigrationFailed(RuntimeError):
    """The copy does not match its source; the warehouse keeps its old catalog."""


@dataclass(frozen=True)
class TableCheck:
    table: str
    rows: int
    checksum: str


def _connection(*catalogs: Catalog) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config=DUCKDB_CONFIG)
    paths = [_extension_path(module, name) for module, name in _EXTENSIONS]
    for catalog in catalogs:
        paths += [p for p in catalog.extensions() if p not in paths]
    for path in paths:
        con.execute(f"load '{path}'")
    return con


def _data_path(warehouse: Path) -> str:
    return f"{_quote(warehouse.resolve() / DATA)}/"


def _attach_raw(con: duckdb.DuckDBPyConnection, catalog: Catalog, alias: str, path: Path | None = None,
                read_only: bool = False) -> None:
    """The catalog's own database (not as a DuckLake): its tables as they are."""
    kind, where = ("postgres", catalog.url) if catalog.postgres else ("sqlite", str(path or catalog.sqlite_path))
    con.execute(f"attach '{_quote(where)}' as {alias} (type {kind}{', read_only' if read_only else ''})")


def migrate(warehouse: str | Path, target_url: str) -> list[TableCheck]:
    """Move the warehouse's catalog to target_url (postgresql://..., or sqlite for the file in the folder).

    Holds the warehouse's run lock throughout; returns each lake table's rows and checksum, equal on both
    sides. The target must be empty: a PostgreSQL database without a DuckLake, or no lake.sqlite.
    NEWSETL_CATALOG may name the current catalog (to give its role and password), never the target.
    """
    from newsetl.transforms.catalog import catalog_for
    from newsetl.transforms.warehouse import RunLock, connect

    warehouse = Path(warehouse)
    source = catalog_for(warehouse)
    if target_url == "sqlite":
        if not source.postgres:
            raise CatalogError(f"the warehouse {warehouse} has a SQLite catalog already")
        target, staging = Catalog(warehouse), warehouse / (SQLITE_FILE + ".partial")
        staging.unlink(missing_ok=True)
    else:
        if source.postgres:
            raise CatalogError(f"the warehouse {warehouse} has its catalog in {source.describe()} already")
        target, staging = Catalog(warehouse, target_url), None
        if target.exists():
            raise CatalogError(f"the catalog {target.describe()} holds a DuckLake already: give an empty database")
    if not source.exists():
        raise CatalogError(f"no warehouse at {warehouse}: nothing to move")

    with RunLock(warehouse, "migrate"):
        with connect(warehouse) as con:  # the schema is current, and inlined rows go to Parquet files
            con.execute("call ducklake_flush_inlined_data('lake')")
        if staging is not None:
            with sqlite3.connect(staging) as created:  # WAL, as for every SQLite catalog (transforms/catalog.py)
                created.execute("pragma journal_mode=wal")
        with _connection(source, target) as con:
            fresh = target.attach_target() if staging is None else f"ducklake:sqlite:{_quote(staging)}"
            # DuckLake makes its tables, with the types it expects on that database; then they are filled.
            con.execute(f"attach '{fresh}' as fresh (data_path '{_data_path(warehouse)}')")
            con.execute("detach fresh")
            _attach_raw(con, source, "src", read_only=True)
            _attach_raw(con, target, "dst", staging)
            _copy(con)
        checks = _compare(warehouse, source, target, staging)
        if staging is not None:
            os.replace(staging, warehouse / SQLITE_FILE)
            (warehouse / POINTER).unlink()
        else:
            target.prepare()  # the folder now names the PostgreSQL catalog ...
            os.replace(warehouse / SQLITE_FILE, warehouse / SQLITE_LEFT)  # ... and keeps the old one aside
            for suffix in ("-wal", "-shm"):
                (warehouse / (SQLITE_FILE + suffix)).unlink(missing_ok=True)
    return checks


def _catalog_tables(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    return [t for (t,) in con.execute(
        "select table_name from duckdb_tables() where database_name = ? and table_name like 'ducklake%' "
        "order by table_name", [database]).fetchall()]


def _copy(con: duckdb.DuckDBPyConnection) -> None:
    """Every catalog table of src into dst, in one transaction (the inlined tables are empty after the flush)."""
    tables = [t for t in _catalog_tables(con, "src") if not t.startswith(_INLINED)]
    missing = set(tables) - set(_catalog_tables(con, "dst"))
    if missing:
        raise MigrationFailed(f"the new catalog lacks {', '.join(sorted(missing))}: a different DuckLake version?")
    con.execute("begin")
    con.execute("delete from dst.ducklake_inlined_data_tables")
    for table in tables:
        con.execute(f"delete from dst.{table}")
        if table != "ducklake_inlined_data_tables":
            con.execute(f"insert into dst.{table} by name select * from src.{table}")
    con.execute("commit")


def table_checks(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, TableCheck]:
    """Rows and a checksum (md5 over the sorted md5 of each row's text) of every table of a lake."""
    checks = {}
    for (table,) in con.execute("select table_name from duckdb_tables() where database_name = ? "
                                "order by table_name", [database]).fetchall():
        rows, checksum = con.execute(
            f"select count(*), coalesce(md5(string_agg(h, '' order by h)), md5('')) "
            f"from (select md5(x::varchar) as h from {database}.{table} as x)").fetchone()
        checks[table] = TableCheck(table, rows, checksum)
    return checks


def _compare(warehouse: Path, source: Catalog, target: Catalog, staging: Path | None) -> list[TableCheck]:
    with _connection(source, target) as con:
        options = f"data_path '{_data_path(warehouse)}', override_data_path true, read_only"
        con.execute(f"attach '{source.attach_target()}' as before ({options})")
        moved = target.attach_target() if staging is None else f"ducklake:sqlite:{_quote(staging)}"
        con.execute(f"attach '{moved}' as after ({options})")
        before, after = table_checks(con, "before"), table_checks(con, "after")
        snapshots = [con.execute(f"select max(snapshot_id), count(*) from {d}.snapshots()").fetchone()
                     for d in ("before", "after")]
    if before != after or snapshots[0] != snapshots[1]:
        differ = sorted({*before, *after} - {t for t in before if before[t] == after.get(t)})
        raise MigrationFailed(f"the copy differs from the source in {', '.join(differ) or 'its snapshots'}; "
                              "the warehouse keeps its catalog")
    return list(before.values())
