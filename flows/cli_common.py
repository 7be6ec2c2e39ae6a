"""What the `newsetl` commands share: settings read or refused on one line, the catalog in use,
and the loading that overlaps a Prefect server's start."""
from __future__ import annotations

import os

import typer

from newsetl.flows.command_group import error_line


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


def use_sound_catalog(catalog: str | None, warehouse: str) -> None:
    """Before a command writes: a damaged catalog is a one-line error naming the fix; then use_catalog."""
    _check_catalog(warehouse)
    use_catalog(catalog, warehouse)


def _check_catalog(warehouse: str) -> None:
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


def load_in_background(here: bool, dask_address: str | None) -> None:
    """Load the models (where batches run in this process, else in the process local workers fork from) and
    Great Expectations in a thread, while Prefect's server starts. Call import_prefect() first."""
    import threading

    threading.Thread(target=_preload, args=(here, not here and not dask_address), daemon=True).start()


def _preload(models: bool, local_workers: bool) -> None:
    from newsetl.flows.batches import fork_workers_from_loaded_process
    from newsetl.flows.process_preload import preload_process

    if local_workers:
        fork_workers_from_loaded_process()
    preload_process(models)
