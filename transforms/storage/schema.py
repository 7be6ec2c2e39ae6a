"""The warehouse's tables: their Arrow schemas, natural keys and code checks, and the DDL applied to a lake."""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from newsetl.transforms.codes import (
    CLOCK_FLAGS,
    CONTENT_TYPES,
    DATE_PRECISIONS,
    DOCUMENT_STATUSES,
    ENTITY_LABELS,
    LANGUAGES,
    QUOTE_KINDS,
    RUN_STATUSES,
    sql_list,
)

SQL_DIR = Path(__file__).parent.parent / "data"
TS = pa.timestamp("us", tz="UTC")
# The Arrow schemas of the staged Parquet; tests/test_warehouse.py checks they match schema.sql.
SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([("doc_id", pa.string()), ("source_path", pa.string()), ("size_bytes", pa.int64()),
                            ("encoding", pa.string()), ("content_type", pa.string()), ("ingested_at", TS),
                            ("run_id", pa.string()), ("status", pa.string()), ("reason", pa.string())]),
    "articles": pa.schema([("doc_id", pa.string()), ("kicker", pa.string()), ("title", pa.string()),
                           ("teaser", pa.string()), ("body", pa.string()), ("published_at", pa.timestamp("us")),
                           ("date_precision", pa.string()), ("outlet", pa.string()), ("agency", pa.string()),
                           ("authors", pa.list_(pa.string())), ("dateline", pa.string()),
                           ("language", pa.string()), ("word_count", pa.int32())]),
    "mentions": pa.schema([("doc_id", pa.string()), ("entity_id", pa.string()), ("label", pa.string()),
                           ("surface", pa.string()), ("start_char", pa.int32()), ("end_char", pa.int32()),
                           ("source", pa.string()), ("is_derived", pa.bool_())]),
    "entity_aliases": pa.schema([("entity_id", pa.string()), ("name", pa.string()), ("label", pa.string()),
                                 ("country_code", pa.string()), ("alias", pa.string())]),
    "themes": pa.schema([("doc_id", pa.string()), ("theme", pa.string()), ("score", pa.float64())]),
    "quotes": pa.schema([("doc_id", pa.string()), ("quote_id", pa.string()), ("kind", pa.string()),
                         ("quote", pa.string()), ("start_char", pa.int32()), ("end_char", pa.int32()),
                         ("cue", pa.string()), ("speaker", pa.string()), ("speaker_entity_id", pa.string())]),
    "search_terms": pa.schema([("doc_id", pa.string()), ("terms", pa.string())]),
    "stories": pa.schema([("story_id", pa.string()), ("doc_id", pa.string()), ("similarity", pa.float64()),
                          ("is_canonical", pa.bool_()), ("run_id", pa.string())]),
    "signatures": pa.schema([("doc_id", pa.string()), ("story_id", pa.string()), ("shingle_count", pa.int32()),
                             ("hashvalues", pa.list_(pa.uint64())), ("published_at", pa.timestamp("us")),
                             ("word_count", pa.int32())]),
    "quarantine": pa.schema([("doc_id", pa.string()), ("stage", pa.string()), ("reason", pa.string()),
                             ("detail", pa.string()), ("run_id", pa.string())]),
    "quality_results": pa.schema([("run_id", pa.string()), ("table_name", pa.string()),
                                  ("expectation", pa.string()), ("column_name", pa.string()),
                                  ("critical", pa.bool_()), ("success", pa.bool_()),
                                  ("unexpected_count", pa.int64()), ("element_count", pa.int64())]),
    "runs": pa.schema([("run_id", pa.string()), ("flow_run_id", pa.string()), ("started_at", TS),
                       ("finished_at", TS), ("files_seen", pa.int64()), ("loaded", pa.int64()),
                       ("quarantined", pa.int64()), ("duplicates", pa.int64()), ("status", pa.string()),
                       ("message", pa.string()), ("kind", pa.string()), ("newsetl_version", pa.string()),
                       ("stage_versions", pa.string()), ("clock_flag", pa.string())]),
    "stage_versions": pa.schema([("doc_id", pa.string()), ("stage", pa.string()), ("version", pa.string()),
                                 ("run_id", pa.string())]),
    "reprocessed": pa.schema([("run_id", pa.string()), ("part", pa.string()), ("stage", pa.string()),
                              ("documents", pa.int64()), ("version_before", pa.string()),
                              ("version_after", pa.string())]),
    "texts": pa.schema([("doc_id", pa.string()), ("content_type", pa.string()), ("text", pa.string())]),
}
# Natural keys, checked after every load: a replayed or doubled load cannot duplicate a row.
KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id", "source_path"), "articles": ("doc_id",),
    "mentions": ("doc_id", "start_char", "end_char", "entity_id"), "themes": ("doc_id", "theme"),
    "quotes": ("doc_id", "quote_id"), "search_terms": ("doc_id",), "signatures": ("doc_id",),
    "stories": ("doc_id",), "entity_aliases": ("entity_id", "alias"), "entities": ("entity_id",),
    "search_docs": ("doc_id",), "runs": ("run_id",), "stage_versions": ("doc_id", "stage"), "texts": ("doc_id",),
}
_COUNTRY_CODE = "country_code is null or regexp_full_match(country_code, '[A-Z]{2}')"
# DuckLake has no CHECK constraints: the load refuses a run whose staged rows break these.
CHECKS: dict[str, list[str]] = {
    "documents": ["length(doc_id) = 64", f"status in {sql_list(DOCUMENT_STATUSES)}",
                  f"content_type is null or content_type in {sql_list(CONTENT_TYPES)}"],
    "articles": ["length(doc_id) = 64", f"language is null or language in {sql_list(LANGUAGES)}",
                 f"date_precision is null or date_precision in {sql_list(DATE_PRECISIONS)}", "word_count >= 0"],
    "mentions": [f"label in {sql_list(ENTITY_LABELS)}", "start_char >= 0 and end_char > start_char"],
    "entity_aliases": [f"label in {sql_list(ENTITY_LABELS)}", _COUNTRY_CODE],
    "themes": ["score between 0 and 1"],
    "quotes": [f"kind in {sql_list(QUOTE_KINDS)}", "start_char >= 0 and end_char > start_char"],
    "stories": ["similarity between 0 and 1"],
    "runs": [f"status in {sql_list(RUN_STATUSES)}", f"clock_flag is null or clock_flag in {sql_list(CLOCK_FLAGS)}"],
}


class LoadRejected(RuntimeError):
    """A run's staged rows break a key or a code check; nothing of the run is committed."""


def statements(path: Path) -> list[str]:
    return [s for s in path.read_text(encoding="utf-8").split(";\n") if s.strip()]


def schema_version() -> str:
    """Hash of the DDL: the schema is applied again when it changes."""
    digest = hashlib.sha256()
    for name in ("schema.sql", "views.sql"):
        digest.update((SQL_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create or migrate tables, comments, views and macros in a transaction of their own.

    DDL never runs inside a load: a crash in a load then never has to undo a schema change. Columns
    added to schema.sql since a warehouse was created are added to its tables.
    """
    applied = con.execute("select count(*) from duckdb_tables() where database_name = 'lake' "
                          "and table_name = 'schema_versions'").fetchone()[0]
    if applied and con.execute("select count(*) from schema_versions where version = ?",
                                              [schema_version()]).fetchone()[0]:
        return
    con.execute("begin")
    apply_schema(con)
    con.execute("commit")


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    for statement in statements(SQL_DIR / "schema.sql"):
        con.execute(statement)
    for table, schema in SCHEMAS.items():
        present = {name for (name,) in con.execute(
            "select column_name from duckdb_columns() where database_name = 'lake' and table_name = ?",
            [table]).fetchall()}
        for name, kind in duckdb_types(con, schema):
            if name not in present:
                con.execute(f'alter table {table} add column "{name}" {kind}')
    if not con.execute("select count(*) from german_stopwords").fetchone()[0]:
        from spacy.lang.de.stop_words import STOP_WORDS

        con.register("stopwords", pd.DataFrame({"sw": sorted(STOP_WORDS)}))
        con.execute("insert into german_stopwords select sw from stopwords")
        con.unregister("stopwords")
    for statement in statements(SQL_DIR / "views.sql"):
        con.execute(statement)
    con.execute("insert into schema_versions values (?, now())", [schema_version()])


def duckdb_types(con: duckdb.DuckDBPyConnection, schema: pa.Schema) -> list[tuple[str, str]]:
    """(column, DuckDB type) of an Arrow schema."""
    con.register("arrow_schema", schema.empty_table())
    types = [(name, kind) for name, kind, *_ in con.execute("describe select * from arrow_schema").fetchall()]
    con.unregister("arrow_schema")
    return types
