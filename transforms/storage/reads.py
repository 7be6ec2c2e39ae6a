"""What a run and a reprocess read from the lake before they write."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

from newsetl.transforms.codes import CLEAN, TAG
from newsetl.transforms.lake import catalog_exists, open_reader
from newsetl.transforms.storage.schema import SCHEMAS, SQL_DIR


@contextmanager
def _reader(warehouse: str | Path):
    """A read-only connection, or None before the first run committed anything."""
    if not catalog_exists(warehouse):
        yield None
        return
    with open_reader(warehouse) as con:
        yield con


def known_files(warehouse: str | Path) -> frozenset[tuple[str, str]]:
    """(doc_id, source_path) of every document the warehouse has accounted for."""
    with _reader(warehouse) as con:
        if con is None:
            return frozenset()
        return frozenset(con.execute("select doc_id, source_path from documents").fetchall())


def known_entity_ids(warehouse: str | Path) -> frozenset[str]:
    """Canonical entity ids already in the warehouse."""
    with _reader(warehouse) as con:
        if con is None:
            return frozenset()
        return frozenset(e for (e,) in con.execute("select entity_id from entities").fetchall())


def story_candidates(warehouse: str | Path, new: pd.DataFrame, bands: int, rows: int) -> pd.DataFrame:
    """Stored signatures that share an LSH band with a new one, with every member of their stories."""
    empty = SCHEMAS["signatures"].empty_table().to_pandas()
    with _reader(warehouse) as con:
        if con is None or new.empty:
            return empty
        new_signatures = pa.Table.from_pandas(  # noqa: F841 - read by DuckDB's replacement scan
            new[["doc_id", "hashvalues"]], preserve_index=False,
            schema=pa.schema([("doc_id", pa.string()), ("hashvalues", pa.list_(pa.uint64()))]))
        sql = (SQL_DIR / "story_candidates.sql").read_text(encoding="utf-8")
        return con.execute(sql, {"bands": bands, "rows": rows}).df()


def documents_to_reprocess(warehouse: str | Path, stages: list[str], installed: dict[str, str],
                           outdated: bool = False, since: str | None = None, limit: int | None = None) -> list[str]:
    """The loaded articles a reprocess of these stages takes, in doc_id order.

    outdated: only those whose recorded version of any of the stages differs from the installed one
    (or that have none recorded); since: published on or after this date.
    """
    conditions, params = [], []
    if outdated:
        wanted = " union all ".join("select ? as stage, ? as version" for _ in stages)
        conditions.append(f"""exists (select 1 from ({wanted}) v where not exists (
            select 1 from stage_versions s where s.doc_id = a.doc_id and s.stage = v.stage and s.version = v.version))""")
        params += [x for stage in stages for x in (stage, installed[stage])]
    if since:
        conditions.append("a.published_at >= ?::date")
        params.append(since)
    where = f"where {' and '.join(conditions)}" if conditions else ""
    with _reader(warehouse) as con:
        if con is None:
            return []
        ids = con.execute(f"select a.doc_id from articles a {where} order by a.doc_id"
                          + (f" limit {int(limit)}" if limit else ""), params).fetchall()
    return [doc_id for (doc_id,) in ids]


def story_inputs(warehouse: str | Path, chunk: int = 5000):
    """Every article's doc_id, body, published_at and word_count, chunk articles at a time: what clustering
    the whole archive again reads (bodies are not held all at once)."""
    with open_reader(warehouse) as con:
        doc_ids = [d for (d,) in con.execute("select doc_id from articles order by doc_id").fetchall()]
        for start in range(0, len(doc_ids), chunk):
            con.register("chunk_ids", pd.DataFrame({"doc_id": doc_ids[start:start + chunk]}))
            yield con.execute("select doc_id, body, published_at, word_count from articles "
                              "where doc_id in (select doc_id from chunk_ids)").df()


def stories_before(warehouse: str | Path) -> tuple[dict[str, str], pd.DataFrame]:
    """Each article's story id, and its recorded version of the stories stage (doc_id, stage, version)."""
    with open_reader(warehouse) as con:
        story_ids = dict(con.execute("select doc_id, story_id from articles").fetchall())
        versions = con.execute("select doc_id, stage, version from stage_versions where stage = 'stories'").df()
    return story_ids, versions


class StoredBatch(NamedTuple):
    """What a reprocess batch reads of its documents: only what the stages it runs need."""

    documents: pd.DataFrame
    texts: dict[str, tuple[str, str]]  # doc_id -> (text, content_type); read only when clean runs again
    articles: pd.DataFrame
    mentions: pd.DataFrame  # read only when tag does not run again (the quote stage reads them)
    versions: pd.DataFrame  # doc_id, stage, version recorded for the stages that run


def read_for_reprocess(warehouse: str | Path, doc_ids: list[str], stages: list[str]) -> StoredBatch:
    """A reprocess batch's stored rows, through one connection."""
    with open_reader(warehouse) as con:
        con.register("batch_ids", pd.DataFrame({"doc_id": doc_ids}))
        con.register("batch_stages", pd.DataFrame({"stage": stages}))
        documents = con.execute("""select * from documents where status = 'loaded' and doc_id in (select doc_id from batch_ids)
                                   qualify row_number() over (partition by doc_id order by source_path) = 1""").df()
        texts = {d: (t, c) for d, t, c in con.execute(
            "select doc_id, text, content_type from texts where doc_id in (select doc_id from batch_ids)").fetchall()
        } if CLEAN in stages else {}
        articles = con.execute("select * exclude (story_id) from articles where doc_id in (select doc_id from batch_ids)").df()
        mentions = (pd.DataFrame() if TAG in stages else
                    con.execute("select * from mentions where doc_id in (select doc_id from batch_ids)").df())
        versions = con.execute("select doc_id, stage, version from stage_versions where doc_id in "
                               "(select doc_id from batch_ids) and stage in (select stage from batch_stages)").df()
    return StoredBatch(documents, texts, articles, mentions, versions)
