"""`newsetl query` and `newsetl search`: read-only SQL on the warehouse, printed as a person reads it."""
from __future__ import annotations

from pathlib import Path

import typer

from newsetl.flows import cli_help
from newsetl.flows.cli_common import fail, use_catalog, warehouse_folder

FORMAT_HELP = ("table, vertical (one `column: value` line each), csv, json (one object per line) or markdown; "
               "default: a table, or vertical when the rows do not fit the terminal. csv, json and markdown print rows only, whole.")


MAX_WIDTH_HELP = "Cut cells to this many characters (default: 40 in a table, the line's width in vertical)."


def _open_reader(warehouse: str | None, as_of: str | None = None, catalog: str | None = None):
    """The warehouse read-only (or as a run left it), or a one-line error."""
    from newsetl.transforms.lake import connect
    from newsetl.transforms.sqlite_catalog import CatalogDamaged

    folder = warehouse_folder(warehouse)
    use_catalog(catalog, folder)
    try:
        return connect(folder, read_only=True, as_of_run=as_of)
    except (FileNotFoundError, LookupError, CatalogDamaged) as exc:
        fail(str(exc).strip("'\""))


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
        fail(f"query failed: {' '.join(str(exc).split())}: see the tables with `newsetl query \"show tables\"`")
    if rows is not None:
        print_rows(relation.columns, rows, output, max_width, seconds=time.perf_counter() - started)


def _check_format(output: str | None) -> None:
    from newsetl.flows.output import FORMATS

    if output is not None and output not in FORMATS:
        fail(f"unknown --format {output!r}: use {', '.join(FORMATS[:-1])} or {FORMATS[-1]}")


def query(sql: str = typer.Argument(None, metavar="SQL", help="SQL to run against the warehouse (read-only)."),
          file: Path = typer.Option(None, "--file", help="Run the SQL in this file instead."),
          output: str = typer.Option(None, "--format", help=FORMAT_HELP),
          max_width: int = typer.Option(None, "--max-width", min=1, help=MAX_WIDTH_HELP),
          full: bool = typer.Option(False, "--full", help="Keep cells whole."),
          as_of: str = typer.Option(None, "--as-of", help="Query the warehouse as this run_id left it."),
          warehouse: str = typer.Option(None, "--warehouse", help=cli_help.WAREHOUSE),
          catalog: str = typer.Option(None, "--catalog", help=cli_help.CATALOG)) -> None:
    """Print the result of a SQL query on the warehouse, opened read-only: a run in progress is not blocked."""
    _check_format(output)
    if file is not None:
        if not file.is_file():
            fail(f"no SQL file at {file}: give --file the path of a file of SQL")
        sql = file.read_text(encoding="utf-8")
    if not sql:
        fail("no SQL given: use newsetl query \"select ...\" or --file FILE")
    with _open_reader(warehouse, as_of, catalog) as con:
        _print_result(con, sql, output, 0 if full else max_width)


def search(text: str = typer.Argument(..., metavar="WORDS", help="Words to find in titles and bodies (German stemming, compound parts)."),
           limit: int = typer.Option(10, "--limit", min=1, help="Most results to show."),
           output: str = typer.Option(None, "--format", help=FORMAT_HELP),
           warehouse: str = typer.Option(None, "--warehouse", help=cli_help.WAREHOUSE),
           catalog: str = typer.Option(None, "--catalog", help=cli_help.CATALOG)) -> None:
    """Full-text search over the articles, ranked by BM25, offline."""
    _check_format(output)
    with _open_reader(warehouse, catalog=catalog) as con:
        escaped = text.replace("'", "''")
        _print_result(con, f"select score, title, outlet, published_at, doc_id[:12] as doc "
                           f"from search_articles('{escaped}') limit {int(limit)}", output)
