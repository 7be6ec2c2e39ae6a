"""How `newsetl query` and `newsetl search` print rows: a table, one record per block, CSV, JSON lines or Markdown.

Rendering only (columns and rows in, text out), so that the command line imports rich only for a terminal view.
Text from the warehouse is untrusted: control characters are shown as escapes, never sent to the terminal,
and Markdown cells are escaped.
"""
from __future__ import annotations

import re
import sys

FORMATS = ("table", "vertical", "csv", "json", "markdown")
# Cells up to this wide are never cut: numbers, codes, dates and ids stay readable.
SHORT_CELL = 12
# A long column narrower than this in a table is no longer readable: the rows print as records instead.
READABLE_CELL = 20
# Table cells are cut here unless --max-width or --full says otherwise.
TABLE_CELL = 40
ELLIPSIS = "…"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def print_rows(columns: list[str], rows: list[tuple], output: str | None = None, max_width: int | None = None,
               seconds: float | None = None, width: int | None = None) -> None:
    """Print rows in a format; None is a table, or records when the table would not fit the terminal.

    max_width cuts terminal cells to that many characters (0 keeps them whole; None: tables at 40, records
    at the line's width); seconds, when given, is the query's time, shown under a terminal view.
    """
    if output == "csv":
        import csv

        # LF line ends, as Unix tools expect (the csv module's default is CRLF).
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif output == "json":
        import json

        for row in rows:
            sys.stdout.write(json.dumps(dict(zip(columns, row)), default=str, ensure_ascii=False) + "\n")
    elif output == "markdown":
        sys.stdout.write(markdown_table(columns, rows))
    else:
        from newsetl.flows.command_group import console as pipe_console

        console = pipe_console(highlight=False, emoji=False, width=width)
        if output == "vertical" or (output is None and not table_fits(columns, rows, console.width)):
            for line in vertical_lines(columns, rows, console.width, max_width):
                console.print(line, markup=False, soft_wrap=True)
        else:
            console.print(_table(columns, rows, console.width, TABLE_CELL if max_width is None else max_width))
        if seconds is not None:
            console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''} in {seconds:.2f} s", style="dim")


def cell(value) -> str:
    """A value as one line of text a terminal shows as it is: NULL, control characters as escapes."""
    if value is None:
        return "NULL"
    text = str(value).replace("\r\n", "\n").replace("\n", "⏎").replace("\t", " ")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def cut(text: str, width: int) -> str:
    """The text, cut with an ellipsis to at most width characters (0: whole)."""
    return text if not width or len(text) <= width else text[:max(width - 1, 0)] + ELLIPSIS


def _widths(columns: list[str], rows: list[tuple]) -> list[int]:
    return [max([len(column)] + [len(cell(row[i])) for row in rows]) for i, column in enumerate(columns)]


def table_fits(columns: list[str], rows: list[tuple], width: int) -> bool:
    """Whether a table of these rows fits the width with every long column at least READABLE_CELL wide
    (3 characters of border and padding per column, one for the right border)."""
    needed = 1 + sum(3 + (w if w <= READABLE_CELL else READABLE_CELL) for w in _widths(columns, rows))
    return needed <= width


def vertical_lines(columns: list[str], rows: list[tuple], width: int, max_width: int | None = None) -> list[str]:
    """Each row as a block of `column: value` lines under a `-[ row N ]` rule, values cut to fit the width."""
    label = max((len(c) for c in columns), default=0) + 1
    value_width = max(width - label - 1, READABLE_CELL) if max_width is None else max_width
    lines = []
    for number, row in enumerate(rows, 1):
        head = f"-[ row {number} ]"
        lines.append(head + "-" * max(width - len(head), 0))
        lines += [f"{column + ':':<{label}} {cut(cell(value), value_width)}" for column, value in zip(columns, row)]
    return lines


def _table(columns: list[str], rows: list[tuple], width: int, max_width: int):
    from rich.table import Table
    from rich.text import Text

    widest = _widths(columns, rows)
    # Short values (numbers, codes, dates) keep their width; the long columns share what is left of the
    # terminal, each cut at max_width.
    short = [w <= SHORT_CELL for w in widest]
    left = width - 1 - sum(w + 3 for w, is_short in zip(widest, short) if is_short) - 3 * short.count(False)
    share = left // short.count(False) if short.count(False) else 0
    fits = share >= 4
    table = Table()
    for column, column_width, is_short in zip(columns, widest, short):
        limit = max_width or None
        if fits and not is_short and max_width:
            limit = min(max_width, share)
        table.add_column(column, overflow="ellipsis", max_width=limit, no_wrap=bool(max_width),
                         min_width=column_width if fits and is_short and max_width else None)
    for row in rows:
        # Text() keeps values such as '[a-z]' from being read as console markup.
        table.add_row(*(Text(cell(v)) for v in row))
    return table


def markdown_cell(value) -> str:
    """A value as the text of a Markdown table cell: HTML and Markdown syntax escaped, line breaks as <br>."""
    import html

    if value is None:
        return "NULL"
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False))
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\n", "<br>"))


def markdown_table(columns: list[str], rows: list[tuple]) -> str:
    """Rows as a GitHub-flavoured Markdown table, every cell whole and escaped."""
    lines = ["| " + " | ".join(markdown_cell(c) for c in columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(markdown_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
