"""`newsetl run`: the news-etl flow once over a landing folder, with progress and a summary."""
from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from newsetl.flows import cli_help
from newsetl.flows.cli_clock import STARTED
from newsetl.flows.cli_common import (
    fail,
    import_prefect,
    load_in_background,
    settings_for,
    use_sound_catalog,
)
from newsetl.flows.cli_prefect import call_flow, prefect_server, run_lock
from newsetl.flows.command_group import console

if TYPE_CHECKING:
    from newsetl.flows.server import TemporaryServer

def run(input_dir: str = typer.Option(None, "--input", help="Landing folder of raw article files; env NEWSETL_INPUT (default seeds/)."),
        warehouse: str = typer.Option(None, "--warehouse", help=cli_help.WAREHOUSE),
        batch_size: int = typer.Option(None, "--batch-size", help="Files per batch task; env NEWSETL_BATCH_SIZE."),
        max_file_bytes: int = typer.Option(None, "--max-file-bytes",
                                           help="Larger files are quarantined unread (16 MiB); env NEWSETL_MAX_FILE_BYTES."),
        max_decompressed_bytes: int = typer.Option(
            None, "--max-decompressed-bytes",
            help="Gzip content past this is quarantined (16 MiB); env NEWSETL_MAX_DECOMPRESSED_BYTES."),
        max_compression_ratio: int = typer.Option(
            None, "--max-compression-ratio", help="Gzip expanding more is a bomb (100); env NEWSETL_MAX_COMPRESSION_RATIO."),
        max_body_chars: int = typer.Option(
            None, "--max-body-chars", help="Longer article bodies are quarantined (1,000,000); env NEWSETL_MAX_BODY_CHARS."),
        workers: int = typer.Option(None, "--workers", help=cli_help.WORKERS),
        dask_address: str = typer.Option(None, "--dask-address", help=cli_help.DASK_ADDRESS),
        catalog: str = typer.Option(None, "--catalog", help=cli_help.CATALOG),
        verbose: bool = typer.Option(False, "--verbose", help=cli_help.VERBOSE),
        fail_on_quality: bool = typer.Option(False, "--fail-on-quality",
                                             help="Exit with status 1 when the run's quality verdict is FAIL."),
        notify: list[str] = typer.Option(None, "--notify", help=cli_help.NOTIFY),
        notify_on: str = typer.Option(None, "--notify-on", help=cli_help.NOTIFY_ON)) -> None:
    """Run the news-etl flow once over a landing folder (Prefect ephemeral mode unless PREFECT_API_URL is set).

    In a terminal a progress bar shows documents done, documents per second, time elapsed and left; piped,
    plain lines. A summary ends the run. A run that finds nothing new records itself without starting
    Prefect, unless PREFECT_API_URL names a server. Exit status: 0 done, 1 with --fail-on-quality and a
    FAIL verdict, 2 for bad settings, a held warehouse or a failed run.
    """
    from newsetl.flows import landing, progress

    settings = _checked_settings(catalog, input_dir=input_dir, warehouse_dir=warehouse, batch_size=batch_size,
                                 max_file_bytes=max_file_bytes, max_decompressed_bytes=max_decompressed_bytes,
                                 max_compression_ratio=max_compression_ratio, max_body_chars=max_body_chars,
                                 workers=workers, dask_address=dask_address,
                                 notify=" ".join(notify) if notify else None, notify_on=notify_on)
    reporter = progress.for_terminal(verbose)
    entries = landing.list_entries(settings.input_dir)
    reporter.starting(len(entries))
    from newsetl.flows.disk_full import told_in_one_line
    from newsetl.flows.stopping import stoppable

    with (stoppable(settings.warehouse_dir), told_in_one_line(settings.warehouse_dir, verbose), run_lock(settings),
          _collections_paused()):
        found = landing.look(settings, entries)
        # Alerts are sent from the flow (flows/alerts.py), and a Prefect server's UI lists its flow runs.
        if found.nothing_new and not settings.notify and not os.environ.get("PREFECT_API_URL"):
            from newsetl.flows.quiet_run import record_quiet_run

            counts = record_quiet_run(settings, found.survey.listed)
            verdict = _print_summary(settings, counts, time.monotonic() - STARTED, prefect="none")
        else:
            with prefect_server() as server:
                verdict = _run_flow(settings, server, verbose, found, reporter)
    if fail_on_quality and verdict == "FAIL":
        raise typer.Exit(code=1)


@contextmanager
def _collections_paused():
    """No cyclic garbage collection while the run imports its libraries and loads its models: they make a few
    hundred thousand objects that live as long as the process, and every collection walked them again (7 % of
    the import time). The preload resumes collections once it has frozen them (flows/batches.py)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _checked_settings(catalog: str | None, **given):
    """The run's settings, its landing folder, catalog and notification addresses checked: a one-line error else."""
    from newsetl.transforms.settings import SettingsError

    settings = settings_for(**given)
    try:
        settings.require_input()
    except SettingsError as exc:
        fail(str(exc))
    use_sound_catalog(catalog, settings.warehouse_dir)
    if settings.notify:
        from newsetl.transforms.notify import unusable

        if unusable(settings.notify):
            fail(f"--notify (or NEWSETL_NOTIFY): Apprise cannot use {', '.join(unusable(settings.notify))}")
    return settings


def _run_flow(settings, server: TemporaryServer | None, verbose: bool, found, reporter) -> str | None:
    """Run the flow over what the look found, with progress shown; print the summary; returns the run's verdict."""
    from newsetl.flows import landing
    from newsetl.transforms.ingest import PENDING
    from newsetl.transforms.storage import catalog_exists

    if catalog_exists(settings.warehouse_dir):  # else the flow's start may rebuild it from the archive: it looks again
        landing.hand_to_flow(found)
    # Models and libraries load while the server starts, when there is anything new to process: here when
    # batches run in this process, else in the process local workers will fork from.
    pending = [f for f in found.survey.plan if f.status == PENDING]
    import_prefect()
    if pending:
        here = not settings.dask_address and settings.batch_processes(len(pending)) == 1
        load_in_background(here, settings.dask_address)
    from newsetl.flows.news_etl import news_etl

    limits = {k: v for k, v in settings.overrides().items() if k.startswith("max_")}
    counts = call_flow(news_etl, server, verbose, reporter, input_dir=settings.input_dir,
                        warehouse_dir=settings.warehouse_dir, batch_size=settings.batch_size, limits=limits or None,
                        workers=settings.workers, dask_address=settings.dask_address, notify=settings.notify,
                        notify_on=settings.notify_on)
    return _print_summary(settings, counts, time.monotonic() - STARTED,
                          prefect="temporary" if server is not None else "server")


def _print_summary(settings, counts: dict, seconds: float, prefect: str) -> str | None:
    """What a person wants to know in five seconds: counts, top quarantine reasons, verdict, time, where."""
    from rich.markup import escape

    from newsetl.expectations.verdict import verdict
    from newsetl.transforms.storage import connect

    run_id = counts["run_id"]
    with connect(settings.warehouse_dir, read_only=True) as con:
        status, critical, warnings = con.execute("""
            select r.status,
                   count(distinct (q.table_name, q.expectation, q.column_name)) filter (where q.critical and not q.success),
                   count(distinct (q.table_name, q.expectation, q.column_name)) filter (where not q.critical and not q.success)
            from runs r left join quality_results q using (run_id) where r.run_id = ? group by r.status""",
                                                 [run_id]).fetchone()
        reasons = con.execute("select reason, count(*) from quarantine where run_id = ? group by reason "
                              "order by count(*) desc, reason limit 3", [run_id]).fetchall()
    quality = verdict(status, critical, warnings, counts["quarantined"])
    out = console(highlight=False)
    rate = counts["new_documents"] / seconds if seconds else 0.0
    colour = {"PASS": "green", "WARN": "yellow", "FAIL": "red"}[quality]
    lines = [
        f"[bold {colour}]{quality}[/] newsetl run {run_id}",
        f"quality {critical} critical failures, {warnings} warnings",
        f"files  {counts['files_seen']} seen, {counts['new_documents']} new, {counts['already_in_warehouse']} "
        f"already in the warehouse",
        f"new    {counts['loaded']} loaded, {counts['quarantined']} quarantined, {counts['duplicates']} duplicates, "
        f"{counts['stories_touched']} stories touched",
    ]
    # A reason quotes its file's bytes: escaped, not read as console markup.
    lines += [f"       quarantined {n}: {escape(reason)}" for reason, n in reasons]
    lines += [f"time   {seconds:.1f} s wall, {rate:.1f} new documents/s",
              f"report {Path(settings.warehouse_dir) / 'quality' / 'report.html'}",
              f"data   {Path(settings.warehouse_dir).resolve()}  (newsetl query \"select ...\")"]
    if prefect == "temporary":
        lines.append("Prefect's temporary server lived for this run only: no UI link to keep.")
    elif prefect == "none":
        lines.append("Nothing new, so no Prefect flow run: the run is in the warehouse and the report.")
    for line in lines:
        out.print(line, soft_wrap=True)
    return quality
