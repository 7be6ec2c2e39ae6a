"""Write docs/warehouse.md from the schema's own comments (transforms/data/schema.sql, views.sql).

    python scripts/warehouse_doc.py          # rewrite docs/warehouse.md
    python scripts/warehouse_doc.py --check  # exit 1 when docs/warehouse.md is out of date

The tables and their comments are created in an in-memory DuckDB from schema.sql, so the page says
exactly what `select * from warehouse_guide` says in a warehouse; views are listed with their columns
and the comment lines above them in views.sql.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "transforms" / "data"
PAGE = ROOT / "docs" / "warehouse.md"

INTRO = """# The warehouse

Every table, column and view of the warehouse, generated from the comments in
`transforms/data/schema.sql` and `transforms/data/views.sql` (`python scripts/warehouse_doc.py`; a test
keeps this page in step). In a warehouse, `select * from warehouse_guide` lists the same.
What each article field means, and how it is read from a page, is in [fields.md](fields.md).

- `doc_id` is the sha256 (hex) of a file's raw bytes; `start_char` and `end_char` are Python string
  offsets into `articles.body`.
- Codes (labels, statuses, languages, ISO country codes) are VARCHAR checked by the load, as DuckLake
  has no CHECK constraints; timestamps are TIMESTAMP WITH TIME ZONE unless a column says otherwise.
- Parquet under `parquet/<table>/run_id=<run>/` is the archive a `newsetl rebuild` restores from.
"""


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    lines = ["## Tables", ""]
    tables = con.sql("select table_name, comment from duckdb_tables() order by table_name").fetchall()
    for name, comment in tables:
        lines += [f"### {name}", "", _cell(comment), "", "| column | type | meaning |", "| --- | --- | --- |"]
        columns = con.execute("select column_name, data_type, comment from duckdb_columns() where table_name = ? "
                              "order by column_index", [name]).fetchall()
        lines += [f"| {column} | {dtype} | {_cell(meaning)} |" for column, dtype, meaning in columns]
        lines.append("")
    return lines


def _views(con: duckdb.DuckDBPyConnection, views_sql: str) -> list[str]:
    lines = ["## Views and macros", "", "| name | kind | columns | what it answers |", "| --- | --- | --- | --- |"]
    pattern = re.compile(r"((?:^--[^\n]*\n)*)create or replace (view|macro) (\w+)", re.MULTILINE)
    for match in pattern.finditer(views_sql):
        comment = " ".join(line[2:].strip() for line in match.group(1).splitlines())
        kind, name = match.group(2), match.group(3)
        columns = ""
        if kind == "view":
            try:
                columns = ", ".join(con.sql(f"select * from {name} limit 0").columns)
            except duckdb.Error:
                columns = ""
        lines.append(f"| `{name}` | {kind} | {_cell(columns)} | {_cell(comment)} |")
    return lines + [""]


def render() -> str:
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    for statement in con.extract_statements((DATA / "schema.sql").read_text(encoding="utf-8")):
        con.execute(statement)
    views_sql = (DATA / "views.sql").read_text(encoding="utf-8")
    for statement in con.extract_statements(views_sql):
        try:
            con.execute(statement)
        except duckdb.Error:
            pass  # the search macros need the fts extension's stem(); their rows are listed all the same
    return "\n".join([INTRO, *_tables(con), *_views(con, views_sql)]).rstrip() + "\n"


def main() -> int:
    page = render()
    if "--check" in sys.argv:
        if not PAGE.is_file() or PAGE.read_text(encoding="utf-8") != page:
            print("docs/warehouse.md is out of date: run python scripts/warehouse_doc.py")
            return 1
        return 0
    PAGE.write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
