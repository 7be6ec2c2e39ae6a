"""The `newsetl` command line: run the flow, query, search and rebuild the warehouse, and report on its quality."""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from flows.server import TemporaryServer

app = typer.Typer(help="newsetl: German news articles -> a clean, tagged, validated DuckDB warehouse.",
                  no_args_is_help=True, add_completion=False)
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
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=2)


@app.command()
def run(input_dir: str = typer.Option(None, "--input", help="Landing folder of raw article files; env NEWSETL_INPUT (default seeds/)."),
        warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
        batch_size: int = typer.Option(None, "--batch-size", help="Files per batch task; env NEWSETL_BATCH_SIZE."),
        workers: int = typer.Option(None, "--workers", help="Batch worker processes on this machine (default: one "
                                    "per core; 1 runs batches in this process); env NEWSETL_WORKERS."),
        dask_address: str = typer.Option(None, "--dask-address", help="Run the batches on the workers of this Dask "
                                         "scheduler (tcp://host:8786); env NEWSETL_DASK_ADDRESS.")) -> None:
    """Run the news-etl flow once over a landing folder (Prefect ephemeral mode unless PREFECT_API_URL is set)."""
    from transforms.settings import SettingsError
    from transforms.warehouse import WarehouseLocked, check_unlocked

    settings = _settings(input_dir=input_dir, warehouse_dir=warehouse, batch_size=batch_size, workers=workers,
                         dask_address=dask_address)
    try:
        settings.require_input()
        check_unlocked(settings.warehouse_dir)  # refused at once, before a server starts
    except (SettingsError, WarehouseLocked) as exc:
        _fail(str(exc))
    # The temporary server boots while this process imports, checks and loads; see flows/server.py.
    server = None if os.environ.get("PREFECT_API_URL") else TemporaryServer()
    try:
        _run_flow(settings, server)
    finally:
        if server is not None:
            server.stop()


def _run_flow(settings, server: TemporaryServer | None) -> None:
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings

    from flows.news_etl import news_etl
    from transforms.ingest import pending_files
    from transforms.warehouse import known_files

    # Models and libraries load while the server starts, when there is anything new to process; the
    # models only where batches run in this process (worker processes load their own).
    pending = pending_files(settings.input_dir, known_files(settings.warehouse_dir))
    if pending:
        here = not settings.dask_address and settings.batch_processes(len(pending)) == 1
        threading.Thread(target=_preload, args=(here,), daemon=True).start()
    api = {}
    if server is not None and PREFECT_API_URL.value():
        server.stop()  # a Prefect profile names the API to use
    elif server is not None:
        server.wait_ready(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
        api = {PREFECT_API_URL: server.api_url}
    with temporary_settings(updates=api):
        state = news_etl(input_dir=settings.input_dir, warehouse_dir=settings.warehouse_dir,
                         batch_size=settings.batch_size, workers=settings.workers,
                         dask_address=settings.dask_address, return_state=True)
        if server is not None:
            _drain_to_server()
    if not state.is_completed():
        _fail(f"flow run {state.name}: {state.message}")
    counts = state.result()
    table = Table(title=f"newsetl run {counts.pop('run_id')}")
    table.add_column("measure")
    table.add_column("count", justify="right")
    for name, value in counts.items():
        table.add_row(name, str(value))
    Console().print(table)
    Console().print(f"warehouse: {Path(settings.warehouse_dir).resolve()}; "
                    f"report: {Path(settings.warehouse_dir) / 'quality' / 'report.md'}")


def _drain_to_server() -> None:
    """Send the run's queued logs and events before the server stops (as prefect_test_harness does)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all()
    EventsWorker.drain_all()


def _preload(models: bool) -> None:
    from expectations.suites import preload as preload_expectations
    from transforms.preload import preload

    if models:
        preload()
    preload_expectations()


def _open_reader(warehouse: str | None, as_of: str | None = None):
    """The warehouse read-only (or as a run left it), or a one-line error."""
    from transforms.warehouse import connect

    try:
        return connect(_warehouse(warehouse), read_only=True, as_of_run=as_of)
    except (FileNotFoundError, LookupError) as exc:
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
        writer = csv.writer(sys.stdout)
        writer.writerow(relation.columns)
        writer.writerows(rows)
        return
    if output == "json":
        for row in rows:
            sys.stdout.write(json.dumps(dict(zip(relation.columns, row)), default=str, ensure_ascii=False) + "\n")
        return
    table = Table()
    for column in relation.columns:
        table.add_column(column, overflow="ellipsis", max_width=max_width or None, no_wrap=bool(max_width))
    for row in rows:
        # Text() keeps values such as '[a-z]' from being read as console markup.
        table.add_row(*(Text("NULL" if v is None else str(v)) for v in row))
    console = Console()
    console.print(table)
    console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''} in {time.perf_counter() - started:.2f} s",
                  style="dim")


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
    """Recreate the warehouse's tables from the staged Parquet archive alone, in one commit."""
    from transforms import warehouse as wh

    folder = _warehouse(warehouse)
    try:
        with wh.RunLock(folder, "rebuild"):
            counts = wh.rebuild(folder)
    except wh.WarehouseLocked as exc:
        _fail(str(exc))
    for table, count in counts.items():
        Console().print(f"{table}: {count}")


@app.command()
def report(runs: int = typer.Option(30, "--runs", help="How many of the latest runs the history and trends show."),
           open_page: bool = typer.Option(False, "--open", help="Open the page in the default browser."),
           warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP)) -> None:
    """Rebuild the data-quality report (quality/report.html and report.md) from the warehouse alone."""
    import webbrowser

    from expectations.report import build_report
    from transforms.warehouse import WarehouseLocked, connect

    folder = _warehouse(warehouse)
    try:
        con = connect(folder, read_only=True)
    except (WarehouseLocked, FileNotFoundError) as exc:
        _fail(str(exc))
    with con:
        page, _ = build_report(con, Path(folder) / "quality", runs, warehouse=Path(folder).resolve())
    Console().print(f"report: {page.resolve()}")
    if open_page:
        webbrowser.open(page.resolve().as_uri())


def main() -> None:
    """Entry point for `python -m flows.cli`."""
    sys.exit(app())


if __name__ == "__main__":
    main()
