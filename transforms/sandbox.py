"""Reading the warehouse without being able to harm it: what `newsetl query`, `newsetl search` and
`connect(warehouse, read_only=True)` let a query do.

Two guards, because neither is enough alone:
- DuckDB's settings, locked: files are read only inside the warehouse folder, nothing is installed,
  loaded or fetched from the network, and no setting can be changed back.
- Each statement is classified by DuckDB's own parser before it runs. The settings do not stop a
  second, writable ATTACH of our own catalog nor COPY ... TO a file inside the warehouse (the archive
  `rebuild` restores from), so only reading statements pass: one SELECT (DESCRIBE, SHOW, SUMMARIZE,
  PRAGMAs that read and EXPLAIN of a SELECT are SELECTs too) whose table functions only read.

Reading files of one's own (read_csv, read_parquet) outside the warehouse is refused: a query given
to these commands may come from someone else (a shared script, a report, a web form), and must not
read the user's private files. Python users bring their own data as data frames (`con.register`).
Writing is refused everywhere.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import duckdb

# Table functions that only read: DuckDB's metadata, file readers (bound by allowed_directories),
# generators and DuckLake's snapshot and change views. Any other table function (checkpoint,
# ducklake_cleanup_old_files, sqlite_query, query, json_execute_serialized_sql, enable_logging, ...)
# changes state, opens another database or runs SQL this check never saw. Table macros (DuckDB's,
# listed here, and the warehouse's own) are SQL.
READING_TABLE_FUNCTIONS = frozenset("""
    range generate_series unnest repeat repeat_row glob summary query_table
    read_csv read_csv_auto sniff_csv read_json read_json_auto read_json_objects read_json_objects_auto
    read_ndjson read_ndjson_auto read_ndjson_objects read_parquet parquet_scan parquet_metadata
    parquet_file_metadata parquet_full_metadata parquet_kv_metadata parquet_schema parquet_bloom_probe
    read_text read_blob json_each json_tree icu_calendar_names pg_timezone_names which_secret
    test_all_types test_vector_types
    duckdb_approx_database_count duckdb_columns duckdb_connection_count duckdb_constraints
    duckdb_coordinate_systems duckdb_databases duckdb_dependencies duckdb_extensions duckdb_functions
    duckdb_indexes duckdb_keywords duckdb_log_contexts duckdb_logs duckdb_memory duckdb_optimizers
    duckdb_prepared_statements duckdb_schemas duckdb_secret_types duckdb_secrets duckdb_sequences
    duckdb_settings duckdb_table_sample duckdb_tables duckdb_temporary_files duckdb_types
    duckdb_variables duckdb_views
    pragma_collations pragma_database_size pragma_metadata_info pragma_platform pragma_show
    pragma_storage_info pragma_table_info pragma_user_agent pragma_version pragma_database_list
    ducklake_snapshots ducklake_table_info ducklake_list_files ducklake_table_insertions
    ducklake_table_deletions ducklake_current_snapshot ducklake_last_committed_snapshot
    ducklake_options ducklake_settings
    histogram histogram_values duckdb_logs_parsed duckdb_profiling_settings ducklake_table_changes
""".split())
READING_STATEMENTS = "SELECT, DESCRIBE, SHOW, SUMMARIZE, a PRAGMA that reads, or EXPLAIN of one of them"
_LEADING_COMMENTS = re.compile(r"^(\s+|--[^\n]*(\n|$)|/\*.*?\*/)*", re.S)
_EXPLAIN = re.compile(r"^explain\s+(analy[sz]e\s+)?(\([^)]*\)\s*)?", re.I)


class QueryRefused(duckdb.PermissionException):
    """A statement that could change the warehouse, a file or a setting, or reach outside the warehouse."""


def lock_down(con: duckdb.DuckDBPyConnection, warehouse: str | Path) -> None:
    """Files only inside the warehouse, no extension installed or loaded, no network, settings locked.

    Call it after the lake is attached: attaching reads the catalog and loads the extensions.
    """
    folder = str(Path(warehouse).resolve()).replace("'", "''")
    con.execute(f"set allowed_directories = ['{folder}/']")
    con.execute("set enable_external_access = false")
    con.execute("set allow_community_extensions = false")
    con.execute("set lock_configuration = true")


def refusal(con: duckdb.DuckDBPyConnection, sql: str) -> str | None:
    """Why this SQL may not run on a reading connection, or None when it only reads."""
    statements = con.extract_statements(sql)
    for statement in statements:
        reason = _statement_refusal(con, statement)
        if reason:
            return reason
    if len(statements) > 1:
        return (f"one statement per query, this SQL holds {len(statements)}: "
                "run them one by one (only one result can be shown)")
    return None


def check(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise QueryRefused unless the SQL only reads."""
    reason = refusal(con, sql)
    if reason:
        raise QueryRefused(reason)


def _statement_refusal(con: duckdb.DuckDBPyConnection, statement) -> str | None:
    text = _LEADING_COMMENTS.sub("", statement.query, count=1)
    if statement.type == duckdb.StatementType.EXPLAIN:
        inner = con.extract_statements(_EXPLAIN.sub("", text, count=1))
        if len(inner) != 1 or inner[0].type != duckdb.StatementType.SELECT:
            return f"EXPLAIN is allowed of a reading statement only ({READING_STATEMENTS})"
        return _statement_refusal(con, inner[0])
    if statement.type != duckdb.StatementType.SELECT:
        word = (text.split(None, 1) or [statement.type.name])[0].upper()
        return f"{word} is refused: queries only read the warehouse ({READING_STATEMENTS})"
    tree = json.loads(con.execute(f"select json_serialize_sql({_literal(statement.query)})").fetchone()[0])
    if tree.get("error"):
        return f"{(text.split(None, 1) or ['this'])[0].upper()} is refused: it cannot be checked as a reading statement"
    for name, qualified in _table_functions(tree):
        if not _reads(con, name, qualified):
            return f"the table function {name} is refused: queries only read the warehouse"
    return None


def _table_functions(node) -> list[tuple[str, bool]]:
    """(name, qualified with a catalog or schema) of every table function the parse tree calls."""
    found = []
    if isinstance(node, dict):
        if node.get("type") == "TABLE_FUNCTION" and isinstance(node.get("function"), dict):
            function = node["function"]
            found.append((function.get("function_name", "").lower(),
                          bool(function.get("schema") or function.get("catalog"))))
        for value in node.values():
            found += _table_functions(value)
    elif isinstance(node, list):
        for value in node:
            found += _table_functions(value)
    return found


def _reads(con: duckdb.DuckDBPyConnection, name: str, qualified: bool) -> bool:
    # DuckLake's functions are also called through the lake: lake.snapshots() is ducklake_snapshots.
    if name in READING_TABLE_FUNCTIONS or (qualified and f"ducklake_{name}" in READING_TABLE_FUNCTIONS):
        return True
    return name in _our_macros() or name in _lake_macros(con)


@lru_cache(maxsize=1)
def _our_macros() -> frozenset[str]:
    """The macros the warehouse's schema defines (search_articles, ...), known without asking the catalog."""
    views = (Path(__file__).parent / "data" / "views.sql").read_text(encoding="utf-8")
    return frozenset(name.lower() for name in re.findall(r"create\s+or\s+replace\s+macro\s+(\w+)", views, re.I))


def _lake_macros(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The macros in the warehouse's catalog (one of an older schema, say): SQL, like every macro."""
    try:  # DuckLake's catalog table: 0.04-0.15 s, where duckdb_functions() takes 0.4 s
        names = con.execute("select macro_name from __ducklake_metadata_lake.ducklake_macro").fetchall()
    except duckdb.Error:
        names = con.execute("select function_name from duckdb_functions() where function_type = 'table_macro'").fetchall()
    return {name.lower() for (name,) in names}


def _literal(text: str) -> str:
    # Inlined, not bound: binding a Python value makes DuckDB import pandas, which `newsetl query` avoids.
    return "'" + text.replace("'", "''") + "'"


class ReadingConnection:
    """A DuckDB connection that runs only reading SQL: every SQL text given to it is checked first.

    Everything else is the DuckDB connection's own (fetch*, df, arrow, register, close, ...). It
    guards against a query, not against the Python program holding it, which can open files itself.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        # Checks run on a cursor of their own: a result the caller has not read yet stays readable.
        self._checker = con.cursor()

    def sql(self, query: str, *args, **kwargs):
        check(self._checker, query)
        return self._con.sql(query, *args, **kwargs)

    query = sql

    def from_query(self, query: str, *args, **kwargs):
        check(self._checker, query)
        return self._con.from_query(query, *args, **kwargs)

    def execute(self, query: str, *args, **kwargs) -> "ReadingConnection":
        check(self._checker, query)
        self._con.execute(query, *args, **kwargs)
        return self

    def executemany(self, query: str, *args, **kwargs) -> "ReadingConnection":
        check(self._checker, query)
        self._con.executemany(query, *args, **kwargs)
        return self

    def cursor(self) -> "ReadingConnection":
        return ReadingConnection(self._con.cursor())

    def table_function(self, name: str, *args, **kwargs):
        if not _reads(self._checker, name.lower(), "." in name):
            raise QueryRefused(f"the table function {name} is refused: queries only read the warehouse")
        return self._con.table_function(name, *args, **kwargs)

    def _refused(self, *args, **kwargs):
        raise QueryRefused("this connection only reads the warehouse")

    install_extension = load_extension = checkpoint = append = register_filesystem = _refused

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def __enter__(self) -> "ReadingConnection":
        return self

    def close(self) -> None:
        self._checker.close()
        self._con.close()

    def __exit__(self, *exc) -> None:
        self.close()
