"""Reprocess: a batch's rows of the stages run again swapped in for the old ones, one commit per batch."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb

from newsetl.transforms.codes import CLEAN, QUOTE, STORIES, TAG, THEMES
from newsetl.transforms.faults import fault_point
from newsetl.transforms.storage.commit import check_keys, index_new_docs, refresh_entities, retry_commit, run_sql
from newsetl.transforms.storage.schema import SCHEMAS, duckdb_types
from newsetl.transforms.storage.staging import archive_dir, parquet_list

# The per-document tables each stage writes (a reprocess of a stage replaces them).
STAGE_TABLES = {CLEAN: ("articles", "search_terms"), TAG: ("mentions",), THEMES: ("themes",), QUOTE: ("quotes",),
                STORIES: ("signatures", "stories")}


def commit_reprocessed(con: duckdb.DuckDBPyConnection, warehouse: str | Path, run_id: str, part: str,
                       stages: list[str]) -> int:
    """Swap in one reprocessed batch (its staged part) in one commit, through the reprocess's write
    connection (con, from connect(warehouse)); returns the documents replaced.

    Readers see a document's old rows or its new ones, never both or neither. A document the batch
    rejected keeps its old rows. Story ids stay unless the stories stage itself runs again (its part
    holds every article: the whole archive clustered again).
    """
    part_views(con, warehouse, run_id, part, reprocess_tables(stages))
    replaced = con.execute("select count(distinct doc_id) from staged_stage_versions").fetchone()[0]

    def commit() -> None:
        con.execute("begin")
        swap_in(con, stages)
        fault_point("reprocess:inserted")
        con.execute("call lake.set_commit_message('newsetl', ?, extra_info => ?)",
                    [f"reprocess {run_id} {part}", json.dumps({"run_id": run_id, "part": part, "kind": "reprocess"})])
        con.execute("commit")

    retry_commit(commit)
    return replaced


def reprocess_tables(stages: list[str]) -> list[str]:
    """The staged tables a reprocess batch of these stages has: the stages' own and those every batch adds."""
    return [*(table for stage in stages for table in STAGE_TABLES.get(stage, ())),
            "entity_aliases", "stage_versions", "quarantine", "quality_results", "reprocessed"]


def part_views(con: duckdb.DuckDBPyConnection, warehouse: str | Path, run_id: str, part: str, tables: list[str]) -> None:
    """staged_<table>: one staged part of a run, for these tables."""
    for table in tables:
        schema = SCHEMAS[table]
        files = sorted((archive_dir(warehouse, table) / f"run_id={run_id}").glob(f"{part}.parquet"))
        select = (f"select * from read_parquet({parquet_list(files)}, hive_partitioning = false)" if files else
                  "select " + ", ".join(f'null::{kind} as "{name}"' for name, kind in duckdb_types(con, schema))
                  + " limit 0")
        con.execute(f"create or replace temp view staged_{table} as {select}")


def swap_in(con: duckdb.DuckDBPyConnection, stages: list[str]) -> None:
    """Replace the rows the stages make for the staged documents (inside the caller's transaction)."""
    con.execute("create or replace temp table new_docs as select distinct doc_id from staged_stage_versions")
    for stage in stages:
        for table in STAGE_TABLES.get(stage, ()):
            if table == "articles":
                con.execute("create or replace temp table kept_stories as select doc_id, story_id from articles "
                            "where doc_id in (select doc_id from new_docs)")
            con.execute(f"delete from {table} where doc_id in (select doc_id from new_docs)")
            if table == "articles":
                con.execute("""insert into articles by name select a.*, k.story_id
                               from staged_articles a join kept_stories k using (doc_id)""")
            else:
                con.execute(f"insert into {table} by name select * from staged_{table} "
                            f"where doc_id in (select doc_id from new_docs)")
    if STORIES in stages:
        run_sql(con, "story_ids.sql")
    refresh_entities(con)
    if CLEAN in stages:
        con.execute("delete from search_postings where doc_id in (select doc_id from new_docs)")
        con.execute("delete from search_docs where doc_id in (select doc_id from new_docs)")
        index_new_docs(con)
    con.execute("delete from stage_versions where doc_id in (select doc_id from new_docs) and stage in "
                "(select distinct stage from staged_stage_versions)")
    con.execute("insert into stage_versions by name select * from staged_stage_versions")
    for table in ("quarantine", "quality_results", "reprocessed"):
        con.execute(f"insert into {table} by name select * from staged_{table}")
    written = [t for t in reprocess_tables(stages) if t not in ("quarantine", "quality_results", "reprocessed")]
    check_keys(con, written + ["entities"] + (["search_docs"] if CLEAN in stages else []))
