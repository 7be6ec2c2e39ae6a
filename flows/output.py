"""How `newsetl query` and `newsetl search` print rows: a table that fits the terminal, CSV or JSON lines.

Rendering only (columns and rows in, text out), so that the command line imports rich only for a table.
"""
from __future__ import annotations

import sys

FORMATS = ("table", "csv", "json")
# Cells up to this wide are never cut: numbers, codes, dates and ids stay readable.
SHORT_CELL = 12


def print_rows(columns: list[str], rows: list[tuple], output: str = "table", max_width: int = 40,
               seconds: float | None = None) -> None:
    """Rows as a table that fits the terminal (cells cut at max_width, 0 keeps them whole), or as CSV or JSON;
    seconds, when given, is the query's time, shown under a table."""
    if output == "csv":
        import csv

        # LF line ends, as Unix tools expect (the csv module's default is CRLF).
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return
    if output == "json":
        import json

        for row in rows:
            sys.stdout.write(json.dumps(dict(zip(columns, row)), default=str, ensure_ascii=False) + "\n")
        return
    _print_table(columns, rows, max_width, seconds)


def _print_table(columns: list[str], rows: list[tuple], max_width: int, seconds: float | None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    widest = [max([len(column)] + [len("NULL" if row[i] is None else str(row[i])) for row in rows])
              for i, column in enumerate(columns)]
    # Short values (numbers, codes, dates) keep their width; the long columns share what is left of the
    # terminal (3 characters of border and padding per column), each cut at max_width.
    short = [w <= SHORT_CELL for w in widest]
    left = console.width - 1 - sum(w + 3 for w, is_short in zip(widest, short) if is_short) - 3 * short.count(False)
    share = left // short.count(False) if short.count(False) else 0
    fits = share >= 4
    table = Table()
    for column, width, is_short in zip(columns, widest, short):
        limit = max_width or None
        if fits and not is_short and max_width:
            limit = min(max_width, share)
        table.add_column(column, overflow="ellipsis", max_width=limit, no_wrap=bool(max_width),
                         min_width=width if fits and is_short and max_width else None)
    for row in rows:
        # Text() keeps values such as '[a-z]' from being read as console markup.
        table.add_row(*(Text("NULL" if v is None else str(v)) for v in row))
    console.print(table)
    if seconds is not None:
        console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''} in {seconds:.2f} s", style="dim")
