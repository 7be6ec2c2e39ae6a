"""Connections to the warehouse's DuckLake: what a reader needs, importing DuckDB and the standard library only.

`newsetl query` and `newsetl search` open the warehouse through this module alone, so that they start in a
fraction of a second; transforms/warehouse.py (pandas, pyarrow) re-exports these names and holds the rest.
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

import duckdb

from newsetl.transforms import extension_checks, sandbox, sqlite_catalog
from newsetl.transforms.catalog import SQLITE_FILE as CATALOG  # noqa: F401 - re-exported
from newsetl.transforms.catalog import catalog_for

DATA = "lake"
# Nothing may try to download an extension at run time: each is loaded by path from its wheel.
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_EXTENSIONS = (("duckdb_extension_ducklake", "ducklake"), ("duckdb_extension_sqlite_scanner", "sqlite_scanner"),
               ("duckdb_extension_fts", "fts"))


def _extension_path(module: str, name: str) -> str:
    """An extension shipped in its PyPI wheel for this duckdb release (INSTALL would need the internet)."""
    folder = Path(import_module(module).__file__).parent
    found = sorted(folder.glob(f"extensions/v{duckdb.__version__}/{name}.duckdb_extension"))
    if not found:
        raise RuntimeError(f"{module} has no build for duckdb {duckdb.__version__}: pin both to the same version")
    return found[0].as_posix()


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def catalog_exists(warehouse: str | Path) -> bool:
    return catalog_for(warehouse).exists()


# Checking an extension's signature hashes its whole file: 0.3 s each, 0.7 s a connection. The first
# connection of a process checks them, unless an earlier process checked the same unchanged files
# (transforms/extension_checks.py; the wheels' files only: a PostgreSQL catalog's extension is a copy made
# per process); later ones get the library the process already holds (dlopen hands back the code loaded
# first), so checking the file again would prove nothing.
_extensions_checked: set[str] = set()


def _attach(warehouse: Path, read_only: bool, snapshot: int | None = None) -> duckdb.DuckDBPyConnection:
    """The lake attached as `lake`. A damaged SQLite catalog is a CatalogDamaged naming the fix; one in a
    read-only folder that SQLite cannot open there is read from a private copy (transforms/sqlite_catalog.py)."""
    catalog = catalog_for(warehouse)
    shipped = [_extension_path(module, name) for module, name in _EXTENSIONS]
    extensions = shipped + catalog.extensions()
    checked = _extensions_checked.issuperset(extensions) or extension_checks.checked_before(extensions)
    con = duckdb.connect(config={**DUCKDB_CONFIG, "allow_unsigned_extensions": checked})
    for path in extensions:
        con.execute(f"load '{path}'")
    if not checked:
        extension_checks.remember(shipped)
    _extensions_checked.update(extensions)
    # The data path is given at every attach, so a warehouse folder can be moved or mounted elsewhere.
    options = [f"data_path '{_quote(warehouse.resolve() / DATA)}/'", "override_data_path true"]
    if read_only:
        options.append("read_only")
    if snapshot is not None:
        options.append(f"snapshot_version {int(snapshot)}")
    attach = f"attach '{{}}' as lake ({', '.join(options)})"
    try:
        try:
            con.execute(attach.format(catalog.attach_target()))
        except duckdb.Error as exc:
            if (catalog.postgres or not read_only or sqlite_catalog.damage(exc)
                    or sqlite_catalog.writable(warehouse)):
                raise
            con.execute(attach.format(_quote(f"ducklake:sqlite:{sqlite_catalog.private_copy(warehouse)}")))
        con.execute("use lake")  # reads the catalog's tables: damage past the first pages shows here
    except duckdb.Error as exc:
        con.close()
        detail = None if catalog.postgres else sqlite_catalog.damage(exc)
        if detail:
            raise sqlite_catalog.damaged(warehouse, detail) from None
        raise
    return con


def connect(warehouse: str | Path = "warehouse", read_only: bool = False,
            as_of_run: str | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to the warehouse with every table, view and search macro in place.

    The entry point for scripts and notebooks: `connect("warehouse", read_only=True)` never blocks a
    run and sees the last committed run; as_of_run gives the warehouse as that run left it. Read-only
    connections run reading SQL only and read no file outside the warehouse (transforms/sandbox.py).
    """
    warehouse = Path(warehouse)
    if read_only or as_of_run:
        con = open_reader(warehouse, as_of_run)
        sandbox.lock_down(con, warehouse)
        return sandbox.ReadingConnection(con)
    catalog_for(warehouse).prepare()
    con = _attach(warehouse, read_only=False)
    from newsetl.transforms.warehouse import ensure_schema  # pandas and pyarrow: only writers need them

    ensure_schema(con)
    return con


def open_reader(warehouse: str | Path, as_of_run: str | None = None) -> duckdb.DuckDBPyConnection:
    """newsetl's own read-only connection, without the sandbox (its SQL reads Python frames by name)."""
    warehouse = Path(warehouse)
    if not catalog_exists(warehouse):
        raise FileNotFoundError(sqlite_catalog.missing(warehouse))
    if as_of_run is None:
        return _attach(warehouse, read_only=True)
    with _attach(warehouse, read_only=True) as con:
        found = con.execute("select max(snapshot_id) from lake.snapshots() where commit_message = ?",
                            [f"run {as_of_run}"]).fetchone()[0]
    if found is None:
        raise LookupError(f"no committed run {as_of_run} in {warehouse}: see its runs with "
                          "`newsetl query \"select run_id, status from runs\"`")
    return _attach(warehouse, read_only=True, snapshot=found)
