"""The `newsetl` command line: run the flow, query, search and rebuild the warehouse, and report on its quality.

Every command imports what it uses inside its own body: `query`, `search`, `status`, `report` and
`--version` start without Prefect, Great Expectations, spaCy, Dask or pandas (tests/test_cli_imports.py).
Keep heavy imports out of this module's top level and out of the package __init__s.
"""
# ruff: noqa: E402 - the clock starts before the imports
from __future__ import annotations

import time

# The run summary's wall time is the command's, from here: the first instruction of the command line.
STARTED = time.monotonic()

import os
import sys
import threading
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from newsetl.flows.command_group import NewsetlGroup, console, error_line

if TYPE_CHECKING:
    from newsetl.flows.server import TemporaryServer

app = typer.Typer(help="newsetl: German news articles -> a clean, tagged, validated DuckDB warehouse.",
                  no_args_is_help=True, cls=NewsetlGroup)


WAREHOUSE_HELP = "Warehouse folder (lake.sqlite, lake/, parquet/, quality/); env NEWSETL_WAREHOUSE."


def _settings(**given):
    from newsetl.transforms.settings import Settings, SettingsError

    try:
        return Settings.resolve(**given)
    except SettingsError as exc:
        _fail(str(exc))


def _warehouse(value: str | None) -> str:
    return _settings(warehouse_dir=value).warehouse_dir


CATALOG_HELP = ("The warehouse's catalog: postgresql://user@host/db for a catalog a team shares (data files stay in "
                "the warehouse folder); default the SQLite file in the folder; env NEWSETL_CATALOG.")


def _use_catalog(catalog: str | None, warehouse: str) -> None:
    """Check the catalog against the warehouse folder and pass it on to the flow, its workers and children."""
    from newsetl.transforms.catalog import CatalogError, catalog_for

    chosen = _settings(catalog=catalog).catalog
    try:
        catalog_for(warehouse, chosen).exists()
    except CatalogError as exc:
        _fail(str(exc))
    if chosen:
        os.environ["NEWSETL_CATALOG"] = chosen


def _fail(message: str) -> None:
    error_line(message)
    raise typer.Exit(code=2)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"newsetl {version('newsetl')}")
        raise typer.Exit()


@app.callback()
def main_options(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                              help="Print the version and exit.")) -> None:
    """newsetl: German news articles -> a clean, tagged, validated DuckDB warehouse."""


WORKERS_HELP = "Batch worker processes on this machine (default: one per core; 1 runs batches in this process); env NEWSETL_WORKERS."
DASK_ADDRESS_HELP = "Run the batches on the workers of this Dask scheduler (tcp://host:8786); env NEWSETL_DASK_ADDRESS."
VERBOSE_HELP = ("Show Prefect's own log lines (task runs, links, tracebacks) here instead of in the command's log file "
                "(logs/ in the state folder, NEWSETL_STATE_DIR).")
NOTIFY_HELP = ("Apprise URL (mailto://, json://, slack://, ...; repeat the flag for several) told of a FAIL verdict, a failed "
               "or crashed run and a stale warehouse; env NEWSETL_NOTIFY (URLs separated by spaces).")
NOTIFY_ON_HELP = "fail (the default), warn (WARN verdicts too) or all (every run); env NEWSETL_NOTIFY_ON."


@app.command()
def run(input_dir: str = typer.Option(None, "--input", help="Landing folder of raw article files; env NEWSETL_INPUT (default seeds/)."),
        warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
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
        workers: int = typer.Option(None, "--workers", help=WORKERS_HELP),
        dask_address: str = typer.Option(None, "--dask-address", help=DASK_ADDRESS_HELP),
        catalog: str = typer.Option(None, "--catalog", help=CATALOG_HELP),
        verbose: bool = typer.Option(False, "--verbose", help=VERBOSE_HELP),
        fail_on_quality: bool = typer.Option(False, "--fail-on-quality",
                                             help="Exit with status 1 when the run's quality verdict is FAIL."),
        notify: list[str] = typer.Option(None, "--notify", help=NOTIFY_HELP),
        notify_on: str = typer.Option(None, "--notify-on", help=NOTIFY_ON_HELP)) -> None:
    """Run the news-etl flow once over a landing folder (Prefect ephemeral mode unless PREFECT_API_URL is set).

    In a terminal a progress bar shows documents done, documents per second, time elapsed and left; piped,
    plain lines. A summary ends the run. A run that finds nothing new records itself without starting
    Prefect, unless PREFECT_API_URL names a server. Exit status: 0 done, 1 with --fail-on-quality and a
    FAIL verdict, 2 for bad settings, a held warehouse or a failed run.
    """
    from newsetl.flows import landing, progress
    from newsetl.transforms.settings import SettingsError

    settings = _settings(input_dir=input_dir, warehouse_dir=warehouse, batch_size=batch_size,
                         max_file_bytes=max_file_bytes, max_decompressed_bytes=max_decompressed_bytes,
                         max_compression_ratio=max_compression_ratio, max_body_chars=max_body_chars,
                         workers=workers, dask_address=dask_address, notify=" ".join(notify) if notify else None,
                         notify_on=notify_on)
    try:
        settings.require_input()
    except SettingsError as exc:
        _fail(str(exc))
    _check_catalog(settings.warehouse_dir)
    _use_catalog(catalog, settings.warehouse_dir)
    if settings.notify:
        from newsetl.transforms.notify import unusable

        if unusable(settings.notify):
            _fail(f"--notify (or NEWSETL_NOTIFY): Apprise cannot use {', '.join(unusable(settings.notify))}")
    reporter = progress.for_terminal(verbose)
    entries = landing.list_entries(settings.input_dir)
    reporter.starting(len(entries))
    from newsetl.flows.disk_full import told_in_one_line
    from newsetl.flows.stopping import stoppable

    with stoppable(settings.warehouse_dir), told_in_one_line(settings.warehouse_dir, verbose), _run_lock(settings):
        found = landing.look(settings, entries)
        # Alerts are sent from the flow (flows/alerts.py), and a Prefect server's UI lists its flow runs.
        if found.nothing_new and not settings.notify and not os.environ.get("PREFECT_API_URL"):
            from newsetl.flows.quiet_run import record_quiet_run

            counts = record_quiet_run(settings, found.survey.listed)
            verdict = _print_summary(settings, counts, time.monotonic() - STARTED, prefect="none")
        else:
            with _prefect_server() as server:
                verdict = _run_flow(settings, server, verbose, found, reporter)
    if fail_on_quality and verdict == "FAIL":
        raise typer.Exit(code=1)


def _run_flow(settings, server: TemporaryServer | None, verbose: bool, found, reporter) -> str | None:
    """Run the flow over what the look found, with progress shown; print the summary; returns the run's verdict."""
    from newsetl.flows import landing
    from newsetl.transforms.ingest import PENDING
    from newsetl.transforms.warehouse import catalog_exists

    if catalog_exists(settings.warehouse_dir):  # else the flow's start may rebuild it from the archive: it looks again
        landing.hand_to_flow(found)
    # Models and libraries load while the server starts, when there is anything new to process: here when
    # batches run in this process, else in the process local workers will fork from.
    pending = [f for f in found.survey.plan if f.status == PENDING]
    _import_prefect()
    if pending:
        here = not settings.dask_address and settings.batch_processes(len(pending)) == 1
        threading.Thread(target=_preload, args=(here, not here and not settings.dask_address), daemon=True).start()
    from newsetl.flows.news_etl import news_etl

    limits = {k: v for k, v in settings.overrides().items() if k.startswith("max_")}
    counts = _call_flow(news_etl, server, verbose, reporter, input_dir=settings.input_dir,
                        warehouse_dir=settings.warehouse_dir, batch_size=settings.batch_size, limits=limits or None,
                        workers=settings.workers, dask_address=settings.dask_address, notify=settings.notify,
                        notify_on=settings.notify_on)
    return _print_summary(settings, counts, time.monotonic() - STARTED,
                          prefect="temporary" if server is not None else "server")


def _call_flow(flow, server: TemporaryServer | None, verbose: bool, reporter=None, **parameters) -> dict:
    """A flow run against the temporary server (or PREFECT_API_URL), progress shown; its result, or a one-line error."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings

    from newsetl.flows import progress

    api = {}
    if server is not None and PREFECT_API_URL.value():
        server.stop()  # a Prefect profile names the API to use
    elif server is not None:
        server.wait_ready(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
        api = {PREFECT_API_URL: server.api_url}
    with temporary_settings(updates=api), progress.reporting(reporter or progress.for_terminal(verbose)):
        state = flow(**parameters, return_state=True)
        if server is not None:
            _drain_to_server()
    if not state.is_completed():
        from newsetl.transforms.diskspace import DiskFull

        if isinstance(failure := state.result(raise_on_failure=False), DiskFull):
            raise failure  # told in one line (flows/disk_full.py)
        from newsetl.flows.run_log import details

        _fail(details(f"flow run {state.name}: {state.message}: nothing of it was committed; fix the cause and run again"))
    return state.result()


@contextmanager
def _holding(settings):
    """The warehouse's run lock and a Prefect server for one flow run; a held warehouse is a one-line error."""
    with _run_lock(settings), _prefect_server() as server:
        yield server


@contextmanager
def _run_lock(settings):
    """The warehouse's run lock, held to the end: a second run is refused at once, before a server starts."""
    from newsetl.transforms.warehouse import RunLock, WarehouseLocked

    with ExitStack() as held:
        try:
            held.enter_context(RunLock(settings.warehouse_dir, "starting"))
        except WarehouseLocked as exc:
            _fail(f"{exc}: wait for it to end, then run again")
        yield


@contextmanager
def _prefect_server():
    """Prefect's temporary server for one flow run (None when PREFECT_API_URL names one), stopped after it."""
    from newsetl.flows import use_state_dir
    from newsetl.flows.server import TemporaryServer

    use_state_dir()  # before the server starts and Prefect is imported: its database goes there
    # The temporary server boots while this process imports and loads; see flows/server.py.
    server = None if os.environ.get("PREFECT_API_URL") else TemporaryServer()
    try:
        yield server
    finally:
        if server is not None:
            server.stop()


STAGES_HELP = ("clean, tag, themes, quote or stories (repeat the flag for several), or all; downstream stages run "
               "too. stories clusters the whole archive again, in one commit.")


@app.command()
def reprocess(stage: list[str] = typer.Option(["all"], "--stage", help=STAGES_HELP),
              outdated: bool = typer.Option(False, "--outdated", help="Only documents whose recorded stage version "
                                                                      "differs from the installed one."),
              since: str = typer.Option(None, "--since", help="Only articles published on or after this date (YYYY-MM-DD)."),
              limit: int = typer.Option(None, "--limit", min=1, help="At most this many documents."),
              batch_size: int = typer.Option(None, "--batch-size", help="Documents per batch, one commit each (1000); "
                                                                        "env NEWSETL_REPROCESS_BATCH_SIZE."),
              warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
              workers: int = typer.Option(None, "--workers", help=WORKERS_HELP),
              dask_address: str = typer.Option(None, "--dask-address", help=DASK_ADDRESS_HELP),
              catalog: str = typer.Option(None, "--catalog", help=CATALOG_HELP),
              verbose: bool = typer.Option(False, "--verbose", help=VERBOSE_HELP)) -> None:
    """Run stages again on the texts the warehouse keeps, after an upgrade: a backfill, one commit per batch."""
    import datetime as dt

    from newsetl.transforms.versions import STAGES

    settings = _settings(warehouse_dir=warehouse, reprocess_batch_size=batch_size, workers=workers,
                         dask_address=dask_address)
    stages = ["clean"] if "all" in stage else stage
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        _fail(f"unknown --stage {', '.join(unknown)}: use clean, tag, themes, quote, stories or all")
    if since:
        try:
            dt.date.fromisoformat(since)
        except ValueError:
            _fail(f"--since takes a date, not {since!r}: use --since YYYY-MM-DD, like 2025-01-31")
    from newsetl.transforms.warehouse import catalog_exists

    _check_catalog(settings.warehouse_dir)
    _use_catalog(catalog, settings.warehouse_dir)
    if not catalog_exists(settings.warehouse_dir):
        _fail(f"no warehouse at {settings.warehouse_dir}: run `newsetl run` first, or name another with --warehouse DIR")
    here = not settings.dask_address and settings.workers == 1
    from newsetl.flows.disk_full import told_in_one_line
    from newsetl.flows.stopping import stoppable

    with stoppable(settings.warehouse_dir), told_in_one_line(settings.warehouse_dir, verbose, "reprocess"):
        _import_prefect()
        # Models (where batches run here, or in local workers) and Great Expectations load while the server starts.
        threading.Thread(target=_preload, args=(here, not here and not settings.dask_address), daemon=True).start()
        with _holding(settings) as server:
            from newsetl.flows.reprocess import news_etl_reprocess

            result = _call_flow(news_etl_reprocess, server, verbose, stages=stages,
                                warehouse_dir=settings.warehouse_dir, outdated=outdated, since=since, limit=limit,
                                batch_size=settings.reprocess_batch_size, workers=settings.workers,
                                dask_address=settings.dask_address)
    console(highlight=False).print(
        f"reprocess {result['run_id']}: stages {', '.join(result['stages'])}; {result['selected']} documents selected, "
        f"{result['reprocessed']} replaced", soft_wrap=True)


def _print_summary(settings, counts: dict, seconds: float, prefect: str) -> str | None:
    """What a person wants to know in five seconds: counts, top quarantine reasons, verdict, time, where."""
    from rich.markup import escape

    from newsetl.expectations.report import verdict
    from newsetl.transforms.warehouse import connect

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


def _drain_to_server() -> None:
    """Send the run's queued logs and events before the server stops (as prefect_test_harness does)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all()
    EventsWorker.drain_all()


def _import_prefect() -> None:
    """Import Prefect in this thread before the preload thread imports it too: its package start runs plugin
    hooks, and two threads importing it at once leave them a partly imported module ("Failed to initialize
    plugins" on the terminal)."""
    import prefect  # noqa: F401


def _preload(models: bool, local_workers: bool) -> None:
    # Imports Prefect: in the preload thread, not before the server starts.
    from newsetl.flows.batches import fork_workers_from_loaded_process, preload_process

    if local_workers:
        fork_workers_from_loaded_process()
    preload_process(models)


def _check_catalog(warehouse: str) -> None:
    """A damaged catalog is a one-line error naming the fix, before anything starts."""
    from newsetl.transforms.lake import catalog_exists, open_reader
    from newsetl.transforms.sqlite_catalog import CatalogDamaged

    if catalog_exists(warehouse):
        try:
            open_reader(warehouse).close()
        except CatalogDamaged as exc:
            _fail(str(exc))


def _open_reader(warehouse: str | None, as_of: str | None = None, catalog: str | None = None):
    """The warehouse read-only (or as a run left it), or a one-line error."""
    from newsetl.transforms.lake import connect
    from newsetl.transforms.sqlite_catalog import CatalogDamaged

    folder = _warehouse(warehouse)
    _use_catalog(catalog, folder)
    try:
        return connect(folder, read_only=True, as_of_run=as_of)
    except (FileNotFoundError, LookupError, CatalogDamaged) as exc:
        _fail(str(exc).strip("'\""))


def _print_result(con, sql: str, output: str | None = None, max_width: int | None = None) -> None:
    """The query's rows in the chosen format (flows/output.py), or a one-line error."""
    import time

    import duckdb

    from newsetl.flows.output import print_rows

    started = time.perf_counter()
    try:
        relation = con.sql(sql)
        rows = relation.fetchall() if relation is not None else None
    except duckdb.Error as exc:
        _fail(f"query failed: {' '.join(str(exc).split())}: see the tables with `newsetl query \"show tables\"`")
    if rows is not None:
        print_rows(relation.columns, rows, output, max_width, seconds=time.perf_counter() - started)


FORMAT_HELP = ("table, vertical (one `column: value` line each), csv, json (one object per line) or markdown; "
               "default: a table, or vertical when the rows do not fit the terminal. csv, json and markdown print rows only, whole.")
MAX_WIDTH_HELP = "Cut cells to this many characters (default: 40 in a table, the line's width in vertical)."


def _check_format(output: str | None) -> None:
    from newsetl.flows.output import FORMATS

    if output is not None and output not in FORMATS:
        _fail(f"unknown --format {output!r}: use {', '.join(FORMATS[:-1])} or {FORMATS[-1]}")


@app.command()
def query(sql: str = typer.Argument(None, metavar="SQL", help="SQL to run against the warehouse (read-only)."),
          file: Path = typer.Option(None, "--file", help="Run the SQL in this file instead."),
          output: str = typer.Option(None, "--format", help=FORMAT_HELP),
          max_width: int = typer.Option(None, "--max-width", min=1, help=MAX_WIDTH_HELP),
          full: bool = typer.Option(False, "--full", help="Keep cells whole."),
          as_of: str = typer.Option(None, "--as-of", help="Query the warehouse as this run_id left it."),
          warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
          catalog: str = typer.Option(None, "--catalog", help=CATALOG_HELP)) -> None:
    """Print the result of a SQL query on the warehouse, opened read-only: a run in progress is not blocked."""
    _check_format(output)
    if file is not None:
        if not file.is_file():
            _fail(f"no SQL file at {file}: give --file the path of a file of SQL")
        sql = file.read_text(encoding="utf-8")
    if not sql:
        _fail("no SQL given: use newsetl query \"select ...\" or --file FILE")
    with _open_reader(warehouse, as_of, catalog) as con:
        _print_result(con, sql, output, 0 if full else max_width)


@app.command()
def search(text: str = typer.Argument(..., metavar="WORDS", help="Words to find in titles and bodies (German stemming, compound parts)."),
           limit: int = typer.Option(10, "--limit", min=1, help="Most results to show."),
           output: str = typer.Option(None, "--format", help=FORMAT_HELP),
           warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
           catalog: str = typer.Option(None, "--catalog", help=CATALOG_HELP)) -> None:
    """Full-text search over the articles, ranked by BM25, offline."""
    _check_format(output)
    with _open_reader(warehouse, catalog=catalog) as con:
        escaped = text.replace("'", "''")
        _print_result(con, f"select score, title, outlet, published_at, doc_id[:12] as doc "
                           f"from search_articles('{escaped}') limit {int(limit)}", output)


@app.command()
def rebuild(warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
            catalog: str = typer.Option(None, "--catalog", help=CATALOG_HELP)) -> None:
    """Recreate the warehouse's tables from the staged Parquet archive alone, in one commit.

    A damaged SQLite catalog (lake.sqlite) is moved aside with its lake/ data files, never deleted, and made anew.
    """
    from newsetl.transforms import sqlite_catalog
    from newsetl.transforms import warehouse as wh

    folder = _warehouse(warehouse)
    _use_catalog(catalog, folder)
    try:
        with wh.RunLock(folder, "rebuild"):
            damage = sqlite_catalog.health(folder)
            if damage:
                aside = sqlite_catalog.move_aside(folder)
                console(highlight=False).print(f"the catalog was damaged ({damage}): moved aside to {aside}",
                                               soft_wrap=True)
            counts = wh.rebuild(folder)
    except wh.WarehouseLocked as exc:
        _fail(f"{exc}: wait for it to end, then rebuild")
    for table, count in counts.items():
        console().print(f"{table}: {count}")


@app.command()
def report(runs: int = typer.Option(30, "--runs", help="How many of the latest runs the history and trends show."),
           open_page: bool = typer.Option(False, "--open", help="Open the page in the default browser."),
           out: Path = typer.Option(None, "--out", help="Write report.html and report.md into this folder instead "
                                                        "of the warehouse's quality/ (a read-only warehouse)."),
           warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
           catalog: str = typer.Option(None, "--catalog", help=CATALOG_HELP)) -> None:
    """Rebuild the data-quality report (quality/report.html and report.md) from the warehouse alone."""
    import webbrowser

    from newsetl.expectations.report import build_report
    from newsetl.transforms.sqlite_catalog import CatalogDamaged
    from newsetl.transforms.warehouse import WarehouseLocked, connect

    folder = _warehouse(warehouse)
    _use_catalog(catalog, folder)
    try:
        con = connect(folder, read_only=True)
    except (WarehouseLocked, FileNotFoundError, CatalogDamaged) as exc:
        _fail(str(exc))
    target = out or Path(folder) / "quality"
    with con:
        try:
            page, _ = build_report(con, target, runs, warehouse=Path(folder).resolve())
        except OSError as exc:
            _fail(f"cannot write the report into {target} ({exc.strerror}): name a folder you can write with --out DIR")
    console().print(f"report: {page.resolve()}")
    if open_page:
        webbrowser.open(page.resolve().as_uri())


STATUS_FORMAT_HELP = ("text (one line), json (one object) or prometheus (OpenMetrics for node_exporter's textfile "
                      "collector).")


@app.command()
def status(max_age: str = typer.Option(None, "--max-age", help="STALE when the last commit is older (2h); 90s, 30m, "
                                                                "2h, 1d; env NEWSETL_STATUS_MAX_AGE."),
           output: str = typer.Option("text", "--format", help=STATUS_FORMAT_HELP),
           warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
           catalog: str = typer.Option(None, "--catalog", help=CATALOG_HELP)) -> None:
    """The last committed run's verdict, age and counts in one line, for probes and cron.

    Exit status: 0 PASS, 1 WARN, 2 FAIL (a failed run, a critical failure, or STALE), 3 no warehouse or no
    finished run.
    """
    from newsetl.expectations.status import FORMATS, parse_age, read_status

    settings = _settings(warehouse_dir=warehouse, status_max_age=max_age)
    if output not in FORMATS:
        _fail(f"--format must be text, json or prometheus, not {output!r}")
    try:
        allowed = parse_age(settings.status_max_age)
    except ValueError as exc:
        _fail(f"--max-age: {exc}")
    _use_catalog(catalog, settings.warehouse_dir)  # an unreachable catalog is critical (2)
    found = read_status(settings.warehouse_dir, allowed)
    sys.stdout.write(FORMATS[output](found).rstrip("\n") + "\n")
    raise typer.Exit(code=found.exit_code)


@app.command()
def migrate(catalog: str = typer.Option(..., "--catalog", help="Where the catalog goes: postgresql://user@host/db "
                                                              "(an empty database), or sqlite to move it back."),
            warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP)) -> None:
    """Move the warehouse's catalog to PostgreSQL, or back to SQLite; the data files stay where they are.

    Every table's rows and checksum are compared on both sides before the warehouse switches over.
    """
    from newsetl.transforms.catalog import CatalogError, public_address
    from newsetl.transforms.migrate import MigrationFailed
    from newsetl.transforms.migrate import migrate as move
    from newsetl.transforms.warehouse import WarehouseLocked

    target = _settings(catalog=catalog).catalog
    folder = _warehouse(warehouse)
    if target != "sqlite":
        os.environ.pop("NEWSETL_CATALOG", None)  # names the target here, not the catalog in use
    try:
        checks = move(folder, target)
    except (CatalogError, MigrationFailed, WarehouseLocked) as exc:
        _fail(str(exc))
    out = console(highlight=False)
    for check in checks:
        out.print(f"{check.table}: {check.rows} rows, checksum {check.checksum[:12]}, the same in both catalogs")
    out.print(f"catalog: {public_address(target)}")


@app.command()
def backup(dest: Path = typer.Argument(..., help="A new or empty folder: the backup, a warehouse of its own."),
           warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP)) -> None:
    """Copy the warehouse's last committed state to DEST, consistent while a run goes on; restore by using DEST
    (`--warehouse DEST`) or moving it into the warehouse's place."""
    from newsetl.expectations.report import build_report
    from newsetl.transforms.backup import backup as take_backup
    from newsetl.transforms.warehouse import connect

    try:
        made = take_backup(_warehouse(warehouse), dest)
    except (FileNotFoundError, FileExistsError) as exc:
        _fail(str(exc))
    with connect(dest, read_only=True) as con:
        build_report(con, dest / "quality", warehouse=dest.resolve())
    console(highlight=False).print(
        f"backup of snapshot {made.snapshot} (last run {made.last_run}) in {dest.resolve()}: {made.data_files} data "
        f"files, {made.data_bytes / 1e6:.1f} MB, {made.archived_runs} runs archived", soft_wrap=True)


@app.command()
def init(target: Path = typer.Argument(Path("."), metavar="DIR", help="Folder of the new project (made if missing; default: here).")
         ) -> None:
    """Make a project to start from: landing/ with five sample articles, sql/ with example queries, a prefect.yaml
    with the hourly deployment and a README; then `newsetl run` inside it fills warehouse/."""
    from newsetl.flows.project import ProjectExists, init_project

    try:
        written = init_project(target)
    except ProjectExists as exc:
        _fail(str(exc))
    out = console(highlight=False)
    out.print(f"made a newsetl project in {target.resolve()}: {len(written)} files", soft_wrap=True)
    where = "" if target.resolve() == Path.cwd().resolve() else f"cd {target} && "
    out.print(f"next: {where}newsetl run && newsetl query \"select title, outlet from articles\"", soft_wrap=True)


automation_app = typer.Typer(help="Prefect automations for a Prefect server that runs the news-etl deployments.",
                             no_args_is_help=True, cls=NewsetlGroup)
app.add_typer(automation_app, name="automation")


@automation_app.command("install")
def automation_install(notify: list[str] = typer.Option(None, "--notify", metavar="URL", help=NOTIFY_HELP)) -> None:
    """Notify the Apprise URLs when a news-etl flow run ends Failed or Crashed, and when none completed for two
    hours, from the Prefect server of PREFECT_API_URL; installing again replaces the automations."""
    settings = _settings(notify=" ".join(notify) if notify else None)
    if not settings.notify:
        _fail("no address to notify: give --notify URL or set NEWSETL_NOTIFY")
    from newsetl.transforms.notify import unusable

    if unusable(settings.notify):
        _fail(f"--notify (or NEWSETL_NOTIFY): Apprise cannot use {', '.join(unusable(settings.notify))}")
    from newsetl.flows import use_state_dir

    use_state_dir()
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        _fail("automations live on a Prefect server: set PREFECT_API_URL (http://127.0.0.1:4200/api)")
    from newsetl.flows.automation import install

    try:
        installed = install(settings.notify)
    except Exception as exc:  # the server's answer, on one line
        _fail(f"could not install the automations on {PREFECT_API_URL.value()}: {exc}")
    for name, automation_id in installed:
        console(highlight=False).print(f"installed automation {name} ({automation_id})")


def main() -> None:
    """Entry point for `python -m newsetl.flows.cli`."""
    sys.exit(app())


if __name__ == "__main__":
    main()
