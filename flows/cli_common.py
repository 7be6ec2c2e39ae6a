"""What the `newsetl` commands share: settings read or refused on one line, the catalog in use, help texts,
and the loading that overlaps a Prefect server's start."""
from __future__ import annotations

import os

import typer

from newsetl.flows.command_group import error_line

WAREHOUSE_HELP = "Warehouse folder (lake.sqlite, lake/, parquet/, quality/); env NEWSETL_WAREHOUSE."
CATALOG_HELP = ("The warehouse's catalog: postgresql://user@host/db for a catalog a team shares (data files stay in "
                "the warehouse folder); default the SQLite file in the folder; env NEWSETL_CATALOG.")


WORKERS_HELP = "Batch worker processes on this machine (default: one per core; 1 runs batches in this process); env NEWSETL_WORKERS."
DASK_ADDRESS_HELP = "Run the batches on the workers of this Dask scheduler (tcp://host:8786); env NEWSETL_DASK_ADDRESS."
VERBOSE_HELP = ("Show Prefect's own log lines (task runs, links, tracebacks) here instead of in the command's log file "
                "(logs/ in the state folder, NEWSETL_STATE_DIR).")
NOTIFY_HELP = ("Apprise URL (mailto://, json://, slack://, ...; repeat the flag for several) told of a FAIL verdict, a failed "
               "or crashed run and a stale warehouse; env NEWSETL_NOTIFY (URLs separated by spaces).")


NOTIFY_ON_HELP = "fail (the default), warn (WARN verdicts too) or all (every run); env NEWSETL_NOTIFY_ON."


def settings_for(**given):
    from newsetl.transforms.settings import Settings, SettingsError

    try:
        return Settings.resolve(**given)
    except SettingsError as exc:
        fail(str(exc))


def warehouse_folder(value: str | None) -> str:
    return settings_for(warehouse_dir=value).warehouse_dir


def use_catalog(catalog: str | None, warehouse: str) -> None:
    """Check the catalog against the warehouse folder and pass it on to the flow, its workers and children."""
    from newsetl.transforms.catalog import CatalogError, catalog_for

    chosen = settings_for(catalog=catalog).catalog
    try:
        catalog_for(warehouse, chosen).exists()
    except CatalogError as exc:
        fail(str(exc))
    if chosen:
        os.environ["NEWSETL_CATALOG"] = chosen


def fail(message: str) -> None:
    error_line(message)
    raise typer.Exit(code=2)


def check_catalog(warehouse: str) -> None:
    """A damaged catalog is a one-line error naming the fix, before anything starts."""
    from newsetl.transforms.lake import catalog_exists, open_reader
    from newsetl.transforms.sqlite_catalog import CatalogDamaged

    if catalog_exists(warehouse):
        try:
            open_reader(warehouse).close()
        except CatalogDamaged as exc:
            fail(str(exc))


def import_prefect() -> None:
    """Import Prefect in this thread before the preload thread imports it too: its package start runs plugin
    hooks, and two threads importing it at once leave them a partly imported module ("Failed to initialize
    plugins" on the terminal)."""
    import prefect  # noqa: F401


def preload(models: bool, local_workers: bool) -> None:
    # Imports Prefect: in the preload thread, not before the server starts.
    from newsetl.flows.batches import fork_workers_from_loaded_process
    from newsetl.flows.process_preload import preload_process

    if local_workers:
        fork_workers_from_loaded_process()
    preload_process(models)
