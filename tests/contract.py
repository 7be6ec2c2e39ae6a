"""An in-memory warehouse with the tables of the contract (DESIGN.md), filled row by row, for the report and
health tests."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
DOC_A, DOC_B, DOC_C, DOC_D = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)

CONTRACT_DDL = """
create table runs (run_id varchar, flow_run_id varchar, started_at timestamptz, finished_at timestamptz,
                   files_seen bigint, loaded bigint, quarantined bigint, duplicates bigint, status varchar);
create table documents (doc_id varchar, source_path varchar, size_bytes bigint, encoding varchar,
                        ingested_at timestamptz, run_id varchar, status varchar, reason varchar);
create table articles (doc_id varchar, title varchar, teaser varchar, body varchar, published_at timestamp,
                       outlet varchar, agency varchar, authors varchar[], dateline varchar, language varchar,
                       word_count integer, story_id varchar);
create table mentions (doc_id varchar, entity_id varchar, label varchar, surface varchar, start_char integer,
                       end_char integer);
create table entities (entity_id varchar, name varchar, label varchar, country_code varchar, aliases varchar[]);
create table themes (doc_id varchar, theme varchar, score double);
create table stories (story_id varchar, doc_id varchar, similarity double, is_canonical boolean, run_id varchar);
create table quarantine (doc_id varchar, stage varchar, reason varchar, detail varchar, run_id varchar);
create table quality_results (run_id varchar, table_name varchar, expectation varchar, column_name varchar,
                              critical boolean, success boolean, unexpected_count bigint, element_count bigint);
"""


def contract_warehouse(runs: list[tuple]) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with the contract tables and these runs rows
    (run_id, started_at, files_seen, loaded, quarantined, duplicates, status)."""
    con = duckdb.connect()
    con.execute(CONTRACT_DDL)
    for run_id, started, files, loaded, quarantined, duplicates, status in runs:
        con.execute("insert into runs values (?, null, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, started, started + timedelta(minutes=1), files, loaded, quarantined, duplicates, status])
    return con


def add_article(con, run_id: str, doc_id: str, path: str, outlet: str | None = "Spiegel", language: str = "de",
             published: datetime | None = datetime(2026, 11, 30), authors: list | None = ("A. Autor",),
             title: str | None = "Titel", stories: int = 1, entities: int = 1) -> None:
    con.execute("insert into documents values (?, ?, 10, 'utf-8', now(), ?, 'loaded', null)", [doc_id, path, run_id])
    con.execute("insert into articles values (?, ?, null, 'Text.', ?, ?, null, ?, null, ?, 100, null)",
                [doc_id, title, published, outlet, list(authors or []), language])
    for n in range(stories):
        con.execute("insert into stories values (?, ?, 1.0, true, ?)", [f"S-{doc_id[:4]}-{n}", doc_id, run_id])
    for n in range(entities):
        con.execute("insert into mentions values (?, ?, 'LOC', 'Berlin', 0, 6)", [doc_id, f"E{n}"])


def add_result(con, run_id: str, table: str, expectation: str, column: str, critical: bool, success: bool,
            unexpected: int = 0, elements: int = 1) -> None:
    con.execute("insert into quality_results values (?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, table, expectation, column, critical, success, unexpected, elements])
