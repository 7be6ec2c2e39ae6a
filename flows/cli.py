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
WAREHOUSE_HELP = "Warehouse folder (news.duckdb, parquet/, quality/); env NEWSETL_WAREHOUSE."


def _warehouse(value: str | None) -> str:
    return value or os.environ.get("NEWSETL_WAREHOUSE", "warehouse")


def _fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=2)


@app.command()
def run(input_dir: str = typer.Option(None, "--input", help="Landing folder of raw article files; env NEWSETL_INPUT (default seeds/)."),
        warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
        batch_size: int = typer.Option(None, "--batch-size", help="Files per batch task; env NEWSETL_BATCH_SIZE.")) -> None:
    """Run the news-etl flow once over a landing folder (Prefect ephemeral mode unless PREFECT_API_URL is set)."""
    input_dir = input_dir or os.environ.get("NEWSETL_INPUT", "seeds")
    warehouse = _warehouse(warehouse)
    if not Path(input_dir).is_dir():
        _fail(f"input folder not found: {input_dir}")
    # The temporary server boots while this process imports, checks and loads; see flows/server.py.
    server = None if os.environ.get("PREFECT_API_URL") else TemporaryServer()
    try:
        _run_flow(input_dir, warehouse, batch_size, server)
    finally:
        if server is not None:
            server.stop()


def _run_flow(input_dir: str, warehouse: str, batch_size: int | None, server: TemporaryServer | None) -> None:
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings

    from transforms.warehouse import WarehouseLocked, connect, known_files

    Path(warehouse).mkdir(parents=True, exist_ok=True)
    try:
        connect(warehouse).close()  # fail fast, before the flow starts, when another process holds the lock
    except WarehouseLocked as exc:
        _fail(str(exc))
    from flows.news_etl import DEFAULT_BATCH_SIZE, news_etl
    from transforms.ingest import pending_files

    # Models and libraries load while the server starts, when there is anything new to process.
    if pending_files(input_dir, known_files(warehouse)):
        threading.Thread(target=_preload, daemon=True).start()
    settings = {}
    if server is not None and PREFECT_API_URL.value():
        server.stop()  # a Prefect profile names the API to use
    elif server is not None:
        server.wait_ready(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
        settings = {PREFECT_API_URL: server.api_url}
    with temporary_settings(updates=settings):
        state = news_etl(input_dir=input_dir, warehouse_dir=warehouse, batch_size=batch_size or DEFAULT_BATCH_SIZE,
                         return_state=True)
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
    Console().print(f"warehouse: {Path(warehouse).resolve() / 'news.duckdb'}; report: {Path(warehouse) / 'quality' / 'report.md'}")


def _drain_to_server() -> None:
    """Send the run's queued logs and events before the server stops (as prefect_test_harness does)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all()
    EventsWorker.drain_all()


def _preload() -> None:
    from expectations.suites import preload as preload_expectations
    from transforms.preload import preload

    preload()
    preload_expectations()


def _print_result(con, sql: str) -> None:
    import duckdb

    try:
        relation = con.sql(sql)
    except duckdb.Error as exc:
        _fail(f"query failed: {exc}")
    if relation is None:
        return
    table = Table()
    for column in relation.columns:
        table.add_column(column)
    for row in relation.fetchall():
        # Text() keeps values such as '[a-z]' from being read as console markup.
        table.add_row(*(Text("NULL" if v is None else str(v)) for v in row))
    Console(width=200).print(table)


@app.command()
def query(sql: str = typer.Argument(None, help="SQL to run against the warehouse (read-only)."),
          file: Path = typer.Option(None, "--file", help="Run the SQL in this file instead."),
          warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP)) -> None:
    """Print the result of a SQL query on the warehouse, opened read-only."""
    from transforms.warehouse import WarehouseLocked, connect

    if file is not None:
        sql = file.read_text(encoding="utf-8")
    if not sql:
        _fail("give a SQL query or --file")
    try:
        con = connect(_warehouse(warehouse), read_only=True)
    except (WarehouseLocked, FileNotFoundError) as exc:
        _fail(str(exc))
    with con:
        _print_result(con, sql)


@app.command()
def search(text: str = typer.Argument(..., help="Words to find in titles and bodies (German stemming, compound parts)."),
           limit: int = typer.Option(10, "--limit", help="Most results to show."),
           warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP)) -> None:
    """Full-text search over the articles, ranked by BM25, offline."""
    from transforms.warehouse import WarehouseLocked, connect

    try:
        con = connect(_warehouse(warehouse), read_only=True)
    except (WarehouseLocked, FileNotFoundError) as exc:
        _fail(str(exc))
    with con:
        escaped = text.replace("'", "''")
        _print_result(con, f"select score, title, outlet, published_at, doc_id[:12] as doc "
                           f"from search_articles('{escaped}') limit {int(limit)}")


@app.command()
def rebuild(warehouse: str = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP)) -> None:
    """Rebuild news.duckdb from the Parquet files alone."""
    from transforms import warehouse as wh

    try:
        counts = wh.rebuild(_warehouse(warehouse))
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
