"""The `newsetl` command line: run the flow, query, search and rebuild the warehouse, and report on its quality."""
from __future__ import annotations

import os
import sys
import threading
from contextlib import ExitStack, contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from flows.server import TemporaryServer

app = typer.Typer(help="newsetl: German news articles -> a clean, tagged, validated DuckDB warehouse.",
                  no_args_is_help=True)
err = Console(stderr=True)
WAREHOUSE_HELP = "Warehouse folder (lake.sqlite, lake/, parquet/, quality/); env NEWSETL_WAREHOUSE."


def _settings(**given):
    from transforms.settings import Settings, SettingsError

    try:
        return Settings.resolve(**given)
    except SettingsError as exc:
        _fail(str(exc))


def _warehouse(value: str | None) -> str:
    return _settings(warehouse_dir=value).warehouse_dir


def _fail(message: str) -> None:
    # soft_wrap: piped, a console is 80 columns wide and would break the one line.
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
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
        verbose: bool = typer.Option(False, "--verbose", help="Show Prefect's own log lines (task runs, links)."),
        fail_on_quality: bool = typer.Option(False, "--fail-on-quality",
                                             help="Exit with status 1 when the run's quality verdict is FAIL.")) -> None:
    """Run the news-etl flow once over a landing folder (Prefect ephemeral mode unless PREFECT_API_URL is set).

    In a terminal a progress bar shows batches done, documents per second and time left; piped, plain
    lines. A summary ends the run. Exit status: 0 done, 1 with --fail-on-quality and a FAIL verdict,
    2 for bad settings, a held warehouse or a failed run.
    """
    from transforms.settings import SettingsError

    settings = _settings(input_dir=input_dir, warehouse_dir=warehouse, batch_size=batch_size,
                         max_file_bytes=max_file_bytes, max_decompressed_bytes=max_decompressed_bytes,
                         max_compression_ratio=max_compression_ratio, max_body_chars=max_body_chars,
                         workers=workers, dask_address=dask_address)
    try:
        settings.require_input()
    except SettingsError as exc:
        _fail(str(exc))
    _check_catalog(settings.warehouse_dir)
    with _holding(settings, verbose) as server:
        verdict = _run_flow(settings, server, verbose)
    if fail_on_quality and verdict == "FAIL":
        raise typer.Exit(code=1)


def _run_flow(settings, server: TemporaryServer | None, verbose: bool) -> str | None:
    """Run the flow with progress shown; print the summary; returns the run's quality verdict."""
    import time

    from flows.news_etl import news_etl
    from transforms.ingest import PENDING, plan_files
    from transforms.warehouse import known_files

    started = time.monotonic()
    # Models and libraries load while the server starts, when there is anything new to process: here when
    # batches run in this process, else in the process local workers will fork from.
    pending = [f for f in plan_files(settings.input_dir, known_files(settings.warehouse_dir)) if f.status == PENDING]
    if pending:
        here = not settings.dask_address and settings.batch_processes(len(pending)) == 1
        threading.Thread(target=_preload, args=(here, not here and not settings.dask_address), daemon=True).start()
    limits = {k: v for k, v in settings.overrides().items() if k.startswith("max_")}
    counts = _call_flow(news_etl, server, verbose, input_dir=settings.input_dir, warehouse_dir=settings.warehouse_dir,
                        batch_size=settings.batch_size, limits=limits or None, workers=settings.workers,
                        dask_address=settings.dask_address)
    return _print_summary(settings, counts, time.monotonic() - started, ephemeral=server is not None)


def _call_flow(flow, server: TemporaryServer | None, verbose: bool, **parameters) -> dict:
    """A flow run against the temporary server (or PREFECT_API_URL), progress shown; its result, or a one-line error."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings

    from flows import progress

    api = {}
    if server is not None and PREFECT_API_URL.value():
        server.stop()  # a Prefect profile names the API to use
    elif server is not None:
        server.wait_ready(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
        api = {PREFECT_API_URL: server.api_url}
    with temporary_settings(updates=api), progress.reporting(progress.for_terminal(verbose)):
        state = flow(**parameters, return_state=True)
        if server is not None:
            _drain_to_server()
    if not state.is_completed():
        _fail(f"flow run {state.name}: {state.message}")
    return state.result()


@contextmanager
def _holding(settings, verbose: bool):
    """The warehouse's run lock and a Prefect server for one flow run; a held warehouse is a one-line error."""
    from flows import use_state_dir
    from transforms.warehouse import RunLock, WarehouseLocked

    use_state_dir()  # before the server starts and Prefect is imported: its database goes there
    with ExitStack() as held:
        try:
            # Held to the end: a second run is refused at once, before a server starts.
            held.enter_context(RunLock(settings.warehouse_dir, "starting"))
        except WarehouseLocked as exc:
            _fail(str(exc))
        if not verbose:
            # Prefect's run and task log lines go to its server; the terminal keeps its warnings and errors.
            os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
        # The temporary server boots while this process imports, checks and loads; see flows/server.py.
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
              verbose: bool = typer.Option(False, "--verbose", help="Show Prefect's own log lines.")) -> None:
    """Run stages again on the texts the warehouse keeps, after an upgrade: a backfill, one commit per batch."""
    import datetime as dt

    from transforms.versions import STAGES

    settings = _settings(warehouse_dir=warehouse, reprocess_batch_size=batch_size, workers=workers,
                         dask_address=dask_address)
    stages = ["clean"] if "all" in stage else stage
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        _fail(f"--stage takes clean, tag, themes, quote, stories or all, not {', '.join(unknown)}")
    if since:
        try:
            dt.date.fromisoformat(since)
        except ValueError:
            _fail(f"--since must be a date like 2025-01-31, not {since!r}")
    from transforms.warehouse import catalog_exists

    if not catalog_exists(settings.warehouse_dir):
        _fail(f"no warehouse at {settings.warehouse_dir}: run `newsetl run` first")
    here = not settings.dask_address and settings.workers == 1
    # Models (where batches run here, or in local workers) and Great Expectations load while the server starts.
    threading.Thread(target=_preload, args=(here, not here and not settings.dask_address), daemon=True).start()
    with _holding(settings, verbose) as server:
        from flows.reprocess import news_etl_reprocess

        result = _call_flow(news_etl_reprocess, server, verbose, stages=stages, warehouse_dir=settings.warehouse_dir,
                            outdated=outdated, since=since, limit=limit, batch_size=settings.reprocess_batch_size,
                            workers=settings.workers, dask_address=settings.dask_address)
    Console(highlight=False).print(
        f"reprocess {result['run_id']}: stages {', '.join(result['stages'])}; {result['selected']} documents selected, "
        f"{result['reprocessed']} replaced", soft_wrap=True)


def _print_summary(settings, counts: dict, seconds: float, ephemeral: bool) -> str | None:
    """What a person wants to know in five seconds: counts, top quarantine reasons, verdict, time, where."""
    from expectations.report import verdict
    from transforms.warehouse import connect

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
    console = Console(highlight=False)
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
    lines += [f"       quarantined {n}: {Text(reason).plain}" for reason, n in reasons]
    lines += [f"time   {seconds:.1f} s wall, {rate:.1f} new documents/s",
              f"report {Path(settings.warehouse_dir) / 'quality' / 'report.html'}",
              f"data   {Path(settings.warehouse_dir).resolve()}  (newsetl query \"select ...\")"]
    if ephemeral:
        lines.append("Prefect's temporary server lived for this run only: no UI link to keep.")
    for line in lines:
        console.print(line, soft_wrap=True)
    return quality


def _drain_to_server() -> None:
    """Send the run's queued logs and events before the server stops (as prefect_test_harness does)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all()
    EventsWorker.drain_all()


def _preload(models: bool, local_workers: bool) -> None:
    # Imports Prefect: in the preload thread, not before the server starts.
    from flows.batches import fork_workers_from_loaded_process, preload_process

    if local_workers:
        fork_workers_from_loaded_process()
    preload_process(models)


def _check_catalog(warehouse: str) -> None:
    """A damaged catalog is a one-line error naming the fix, before anything starts."""
    from transforms.catalog import CatalogDamaged
    from transforms.warehouse import catalog_exists, open_reader

    if catalog_exists(warehouse):
        try:
            open_reader(warehouse).close()
        except CatalogDamaged as exc:
            _fail(str(exc))


def _open_reader(warehouse: str | None, as_of: str | None = None):
    """The warehouse read-only (or as a run left it), or a one-line error."""
    from transforms.catalog import CatalogDamaged
    from transforms.warehouse import connect

    try:
        return connect(_warehouse(warehouse), read_only=True, as_of_run=as_of)
    except (FileNotFoundError, LookupError, CatalogDamaged) as exc:
        _fail(str(exc).strip("'\""))


def _print_result(con, sql: str, output: str = "table", max_width: int = 40) -> None:
    """Rows as a table that fits the terminal (cells cut at max_width, 0 keeps them whole), or as CSV or JSON."""
    import csv
    import json
    import time

    import duckdb

    started = time.perf_counter()
    try:
        relation = con.sql(sql)
        rows = relation.fetchall() if relation is not None else None
    except duckdb.Error as exc:
        _fail(f"query failed: {exc}")
    if rows is None:
        return
    if output == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")  # not CRLF: $(...) would keep the \r
        writer.writerow(relation.columns)
        writer.writerows(rows)
        return
    if output == "json":
        for row in rows:
            sys.stdout.write(json.dumps(dict(zip(relation.columns, row)), default=str, ensure_ascii=False) + "\n")
        return
    console = Console()
    widest = [max([len(column)] + [len("NULL" if row[i] is None else str(row[i])) for row in rows])
              for i, column in enumerate(relation.columns)]
    # Short values (numbers, codes, dates) keep their width; the long columns share what is left of the
    # terminal (3 characters of border and padding per column), each cut at max_width.
    short = [w <= SHORT_CELL for w in widest]
    left = console.width - 1 - sum(w + 3 for w, is_short in zip(widest, short) if is_short) - 3 * short.count(False)
    share = left // short.count(False) if short.count(False) else 0
    fits = share >= 4
    table = Table()
    for column, width, is_short in zip(relation.columns, widest, short):
        limit = max_width or None
        if fits and not is_short and max_width:
            limit = min(max_width, share)
        table.add_column(column, overflow="ellipsis", max_width=limit, no_wrap=bool(max_width),
                         min_width=width if fits and is_short and max_width else None)
    for row in rows:
        # Text() keeps values such as '[a-z]' from being read as console markup.
        table.add_row(*(Text("NULL" if v is None else str(v)) for v in row))
    console.print(table)
    console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''} in {time.perf_counter() - started:.2f} s",
                  style="dim")


# Cells up to this wide are never cut: numbers, codes, dates and ids stay readable.
SHORT_CELL = 12
FORMAT_HELP = "table (fits the terminal), csv or json (one object per line): csv and json print rows only."


@app.command()
def query(sql: str = typer.Argument(None, help="SQL to run against the warehouse (read-only)."),
          file: Path = typer.Option(None, "--file", help="Run the SQL in this file instead."),
          output: str = typer.Option("table", "--format", help=FORMAT_HELP),
          max_width: int = typer.Option(40, "--max-width", help="Cut table cells to this many characters."),
          full: bool = typer.Option(False, "--full", help="Keep table cells whole."),
          as_of: str = typer.Option(None, "--as-of", help="Query the warehouse as this run_id left it."),
          warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP)) -> None:
    """Print the result of a SQL query on the warehouse, opened read-only: a run in progress is not blocked."""
    if output not in ("table", "csv", "json"):
        _fail(f"--format must be table, csv or json, not {output!r}")
    if file is not None:
        if not file.is_file():
            _fail(f"no SQL file at {file}")
        sql = file.read_text(encoding="utf-8")
    if not sql:
        _fail("give a SQL query or --file")
    with _open_reader(warehouse, as_of) as con:
        _print_result(con, sql, output, 0 if full else max_width)


@app.command()
def search(text: str = typer.Argument(..., help="Words to find in titles and bodies (German stemming, compound parts)."),
           limit: int = typer.Option(10, "--limit", min=1, help="Most results to show."),
           output: str = typer.Option("table", "--format", help=FORMAT_HELP),
           warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP)) -> None:
    """Full-text search over the articles, ranked by BM25, offline."""
    with _open_reader(warehouse) as con:
        escaped = text.replace("'", "''")
        _print_result(con, f"select score, title, outlet, published_at, doc_id[:12] as doc "
                           f"from search_articles('{escaped}') limit {int(limit)}", output)


@app.command()
def rebuild(warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP)) -> None:
    """Recreate the warehouse's tables from the staged Parquet archive alone, in one commit.

    A damaged catalog (lake.sqlite) is moved aside with its lake/ data files, never deleted, and made anew.
    """
    from transforms import catalog
    from transforms import warehouse as wh

    folder = _warehouse(warehouse)
    try:
        with wh.RunLock(folder, "rebuild"):
            damage = catalog.health(folder)
            if damage:
                aside = catalog.move_aside(folder)
                Console(highlight=False).print(f"the catalog was damaged ({damage}): moved aside to {aside}",
                                               soft_wrap=True)
            counts = wh.rebuild(folder)
    except wh.WarehouseLocked as exc:
        _fail(str(exc))
    for table, count in counts.items():
        Console().print(f"{table}: {count}")


@app.command()
def report(runs: int = typer.Option(30, "--runs", help="How many of the latest runs the history and trends show."),
           open_page: bool = typer.Option(False, "--open", help="Open the page in the default browser."),
           out: Path = typer.Option(None, "--out", help="Write report.html and report.md into this folder instead "
                                                        "of the warehouse's quality/ (a read-only warehouse)."),
           warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP)) -> None:
    """Rebuild the data-quality report (quality/report.html and report.md) from the warehouse alone."""
    import webbrowser

    from expectations.report import build_report
    from transforms.catalog import CatalogDamaged
    from transforms.warehouse import WarehouseLocked, connect

    folder = _warehouse(warehouse)
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
    Console().print(f"report: {page.resolve()}")
    if open_page:
        webbrowser.open(page.resolve().as_uri())


def main() -> None:
    """Entry point for `python -m flows.cli`."""
    sys.exit(app())


if __name__ == "__main__":
    main()
