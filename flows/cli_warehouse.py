"""The warehouse's upkeep from the command line: reprocess, rebuild, report, status, migrate, backup."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from newsetl.flows import cli_help
from newsetl.flows.cli_common import (
    fail,
    import_prefect,
    load_in_background,
    settings_for,
    use_catalog,
    use_sound_catalog,
    warehouse_folder,
)
from newsetl.flows.cli_prefect import call_flow, holding
from newsetl.flows.command_group import console

STAGES_HELP = ("clean, tag, themes, quote or stories (repeat the flag for several), or all; downstream stages run "
               "too. stories clusters the whole archive again, in one commit.")


def reprocess(stage: list[str] = typer.Option(["all"], "--stage", help=STAGES_HELP),
              outdated: bool = typer.Option(False, "--outdated", help="Only documents whose recorded stage version "
                                                                      "differs from the installed one."),
              since: str = typer.Option(None, "--since", help="Only articles published on or after this date (YYYY-MM-DD)."),
              limit: int = typer.Option(None, "--limit", min=1, help="At most this many documents."),
              batch_size: int = typer.Option(None, "--batch-size", help="Documents per batch, one commit each (1000); "
                                                                        "env NEWSETL_REPROCESS_BATCH_SIZE."),
              warehouse: str = typer.Option(None, "--warehouse", help=cli_help.WAREHOUSE),
              workers: int = typer.Option(None, "--workers", help=cli_help.WORKERS),
              dask_address: str = typer.Option(None, "--dask-address", help=cli_help.DASK_ADDRESS),
              catalog: str = typer.Option(None, "--catalog", help=cli_help.CATALOG),
              verbose: bool = typer.Option(False, "--verbose", help=cli_help.VERBOSE)) -> None:
    """Run stages again on the texts the warehouse keeps, after an upgrade: a backfill, one commit per batch."""
    import datetime as dt

    from newsetl.transforms.codes import CLEAN, STAGES

    settings = settings_for(warehouse_dir=warehouse, reprocess_batch_size=batch_size, workers=workers,
                         dask_address=dask_address)
    stages = [CLEAN] if "all" in stage else stage
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        fail(f"unknown --stage {', '.join(unknown)}: use clean, tag, themes, quote, stories or all")
    if since:
        try:
            dt.date.fromisoformat(since)
        except ValueError:
            fail(f"--since takes a date, not {since!r}: use --since YYYY-MM-DD, like 2025-01-31")
    from newsetl.transforms.storage import catalog_exists

    use_sound_catalog(catalog, settings.warehouse_dir)
    if not catalog_exists(settings.warehouse_dir):
        fail(f"no warehouse at {settings.warehouse_dir}: run `newsetl run` first, or name another with --warehouse DIR")
    here = not settings.dask_address and settings.workers == 1
    from newsetl.flows.disk_full import told_in_one_line
    from newsetl.flows.stopping import stoppable

    with stoppable(settings.warehouse_dir), told_in_one_line(settings.warehouse_dir, verbose, "reprocess"):
        import_prefect()
        # Models (where batches run here, or in local workers) and Great Expectations load while the server starts.
        load_in_background(here, settings.dask_address)
        with holding(settings) as server:
            from newsetl.flows.reprocess import news_etl_reprocess

            result = call_flow(news_etl_reprocess, server, verbose, stages=stages,
                               warehouse_dir=settings.warehouse_dir, outdated=outdated, since=since, limit=limit,
                               batch_size=settings.reprocess_batch_size, workers=settings.workers,
                               dask_address=settings.dask_address)
    console(highlight=False).print(
        f"reprocess {result['run_id']}: stages {', '.join(result['stages'])}; {result['selected']} documents selected, "
        f"{result['reprocessed']} replaced", soft_wrap=True)


def rebuild(warehouse: str = typer.Option(None, "--warehouse", help=cli_help.WAREHOUSE),
            catalog: str = typer.Option(None, "--catalog", help=cli_help.CATALOG)) -> None:
    """Recreate the warehouse's tables from the staged Parquet archive alone, in one commit.

    A damaged SQLite catalog (lake.sqlite) is moved aside with its lake/ data files, never deleted, and made anew.
    """
    from newsetl.transforms import sqlite_catalog
    from newsetl.transforms import storage as wh

    folder = warehouse_folder(warehouse)
    use_catalog(catalog, folder)
    try:
        with wh.RunLock(folder, "rebuild"):
            damage = sqlite_catalog.health(folder)
            if damage:
                aside = sqlite_catalog.move_aside(folder)
                console(highlight=False).print(f"the catalog was damaged ({damage}): moved aside to {aside}",
                                               soft_wrap=True)
            counts = wh.rebuild(folder)
    except wh.WarehouseLocked as exc:
        fail(f"{exc}: wait for it to end, then rebuild")
    for table, count in counts.items():
        console().print(f"{table}: {count}")


def report(runs: int = typer.Option(30, "--runs", help="How many of the latest runs the history and trends show."),
           open_page: bool = typer.Option(False, "--open", help="Open the page in the default browser."),
           out: Path = typer.Option(None, "--out", help="Write report.html and report.md into this folder instead "
                                                        "of the warehouse's quality/ (a read-only warehouse)."),
           warehouse: str = typer.Option(None, "--warehouse", help=cli_help.WAREHOUSE),
           catalog: str = typer.Option(None, "--catalog", help=cli_help.CATALOG)) -> None:
    """Rebuild the data-quality report (quality/report.html and report.md) from the warehouse alone."""
    import webbrowser

    from newsetl.transforms.report import build_report
    from newsetl.transforms.sqlite_catalog import CatalogDamaged
    from newsetl.transforms.storage import WarehouseLocked, connect

    folder = warehouse_folder(warehouse)
    use_catalog(catalog, folder)
    try:
        con = connect(folder, read_only=True)
    except (WarehouseLocked, FileNotFoundError, CatalogDamaged) as exc:
        fail(str(exc))
    target = out or Path(folder) / "quality"
    with con:
        try:
            page, _ = build_report(con, target, runs, warehouse=Path(folder).resolve())
        except OSError as exc:
            fail(f"cannot write the report into {target} ({exc.strerror}): name a folder you can write with --out DIR")
    console().print(f"report: {page.resolve()}")
    if open_page:
        webbrowser.open(page.resolve().as_uri())


STATUS_FORMAT_HELP = ("text (one line), json (one object) or prometheus (OpenMetrics for node_exporter's textfile "
                      "collector).")


def status(max_age: str = typer.Option(None, "--max-age", help="STALE when the last commit is older (2h); 90s, 30m, "
                                                                "2h, 1d; env NEWSETL_STATUS_MAX_AGE."),
           output: str = typer.Option("text", "--format", help=STATUS_FORMAT_HELP),
           warehouse: str = typer.Option(None, "--warehouse", help=cli_help.WAREHOUSE),
           catalog: str = typer.Option(None, "--catalog", help=cli_help.CATALOG)) -> None:
    """The last committed run's verdict, age and counts in one line, for probes and cron.

    Exit status: 0 PASS, 1 WARN, 2 FAIL (a failed run, a critical failure, or STALE), 3 no warehouse or no
    finished run.
    """
    from newsetl.expectations.status import FORMATS, parse_age, read_status

    settings = settings_for(warehouse_dir=warehouse, status_max_age=max_age)
    if output not in FORMATS:
        fail(f"--format must be text, json or prometheus, not {output!r}")
    try:
        allowed = parse_age(settings.status_max_age)
    except ValueError as exc:
        fail(f"--max-age: {exc}")
    use_catalog(catalog, settings.warehouse_dir)  # an unreachable catalog is critical (2)
    found = read_status(settings.warehouse_dir, allowed)
    sys.stdout.write(FORMATS[output](found).rstrip("\n") + "\n")
    raise typer.Exit(code=found.exit_code)


def migrate(catalog: str = typer.Option(..., "--catalog", help="Where the catalog goes: postgresql://user@host/db "
                                                              "(an empty database), or sqlite to move it back."),
            warehouse: str = typer.Option(None, "--warehouse", help=cli_help.WAREHOUSE)) -> None:
    """Move the warehouse's catalog to PostgreSQL, or back to SQLite; the data files stay where they are.

    Every table's rows and checksum are compared on both sides before the warehouse switches over.
    """
    from newsetl.transforms.catalog import CatalogError, public_address
    from newsetl.transforms.migrate import MigrationFailed
    from newsetl.transforms.migrate import migrate as move
    from newsetl.transforms.storage import WarehouseLocked

    target = settings_for(catalog=catalog).catalog
    folder = warehouse_folder(warehouse)
    if target != "sqlite":
        os.environ.pop("NEWSETL_CATALOG", None)  # names the target here, not the catalog in use
    try:
        checks = move(folder, target)
    except (CatalogError, MigrationFailed, WarehouseLocked) as exc:
        fail(str(exc))
    out = console(highlight=False)
    for check in checks:
        out.print(f"{check.table}: {check.rows} rows, checksum {check.checksum[:12]}, the same in both catalogs")
    out.print(f"catalog: {public_address(target)}")


def backup(dest: Path = typer.Argument(..., help="A new or empty folder: the backup, a warehouse of its own."),
           warehouse: str = typer.Option(None, "--warehouse", help=cli_help.WAREHOUSE)) -> None:
    """Copy the warehouse's last committed state to DEST, consistent while a run goes on; restore by using DEST
    (`--warehouse DEST`) or moving it into the warehouse's place."""
    from newsetl.transforms.backup import backup as take_backup
    from newsetl.transforms.report import build_report
    from newsetl.transforms.storage import connect

    try:
        made = take_backup(warehouse_folder(warehouse), dest)
    except (FileNotFoundError, FileExistsError) as exc:
        fail(str(exc))
    with connect(dest, read_only=True) as con:
        build_report(con, dest / "quality", warehouse=dest.resolve())
    console(highlight=False).print(
        f"backup of snapshot {made.snapshot} (last run {made.last_run}) in {dest.resolve()}: {made.data_files} data "
        f"files, {made.data_bytes / 1e6:.1f} MB, {made.archived_runs} runs archived", soft_wrap=True)
