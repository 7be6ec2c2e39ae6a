"""Warehouse: Parquet per table and run (the system of record) and the DuckDB database built from it."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

DB_NAME = "news.duckdb"
ANALYST_SQL = (Path(__file__).parent / "data" / "warehouse.sql").read_text(encoding="utf-8")
# Nothing may try to download an extension at run time.
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

TS = pa.timestamp("us", tz="UTC")
SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([("doc_id", pa.string()), ("source_path", pa.string()), ("size_bytes", pa.int64()),
                            ("encoding", pa.string()), ("content_type", pa.string()), ("ingested_at", TS),
                            ("run_id", pa.string()), ("status", pa.string()), ("reason", pa.string())]),
    "articles": pa.schema([("doc_id", pa.string()), ("title", pa.string()), ("teaser", pa.string()),
                           ("body", pa.string()), ("published_at", pa.timestamp("us")),
                           ("date_precision", pa.string()), ("outlet", pa.string()), ("agency", pa.string()),
                           ("authors", pa.list_(pa.string())), ("dateline", pa.string()),
                           ("language", pa.string()), ("word_count", pa.int32())]),
    "mentions": pa.schema([("doc_id", pa.string()), ("entity_id", pa.string()), ("label", pa.string()),
                           ("surface", pa.string()), ("start_char", pa.int32()), ("end_char", pa.int32()),
                           ("source", pa.string()), ("is_derived", pa.bool_())]),
    "entity_aliases": pa.schema([("entity_id", pa.string()), ("name", pa.string()), ("label", pa.string()),
                                 ("country_code", pa.string()), ("alias", pa.string())]),
    "themes": pa.schema([("doc_id", pa.string()), ("theme", pa.string()), ("score", pa.float64())]),
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
                       ("quarantined", pa.int64()), ("duplicates", pa.int64()), ("status", pa.string())]),
}
# Tables whose newest row per key wins when the database is built from Parquet.
_LATEST_BY = {"stories": "doc_id"}


class WarehouseLocked(RuntimeError):
    """Another process holds the DuckDB file's write lock."""


def parquet_dir(warehouse: str | Path, table: str) -> Path:
    """Folder of a table's Parquet files."""
    return Path(warehouse) / "parquet" / table


def write_part(warehouse: str | Path, table: str, frame: pd.DataFrame, run_id: str, part: str) -> Path | None:
    """Write one batch of a table as Parquet under parquet/<table>/run_id=<run_id>/; nothing for an empty batch."""
    if frame.empty:
        return None
    folder = parquet_dir(warehouse, table) / f"run_id={run_id}"
    folder.mkdir(parents=True, exist_ok=True)
    schema = SCHEMAS[table]
    arrow = pa.Table.from_pandas(frame.reindex(columns=schema.names), schema=schema, preserve_index=False)
    path = folder / f"{part}.parquet"
    pq.write_table(arrow, path)
    return path


def completed_runs(warehouse: str | Path) -> set[str]:
    """Runs whose load committed: only their Parquet counts as the warehouse's content."""
    files = sorted(parquet_dir(warehouse, "runs").glob("run_id=*/*.parquet"))
    if not files:
        return set()
    # One small file per run; read without hive partitioning, whose run_id would clash with the column.
    runs = pa.concat_tables(pq.read_table(f, columns=["run_id", "status"], partitioning=None) for f in files)
    return {r for r, status in zip(runs["run_id"].to_pylist(), runs["status"].to_pylist()) if status == "completed"}


def _sources(warehouse: str | Path, table: str, run_id: str | None = None) -> str | None:
    """The Parquet files of one run, or of every completed run (a failed run's files are left out),
    as a DuckDB list; None when there are none."""
    folder = parquet_dir(warehouse, table)
    if run_id is not None:
        files = sorted(folder.glob(f"run_id={run_id}/*.parquet"))
    else:
        done = completed_runs(warehouse)
        files = sorted(f for f in folder.glob("run_id=*/*.parquet")
                       if table == "runs" or f.parent.name.removeprefix("run_id=") in done)
    return "[" + ", ".join(f"'{f.as_posix()}'" for f in files) + "]" if files else None


def read_table(warehouse: str | Path, table: str, columns: list[str] | None = None,
               run_id: str | None = None) -> pd.DataFrame:
    """A table's rows from Parquet (all runs, or one), without touching the database."""
    schema = SCHEMAS[table]
    wanted = columns or schema.names
    source = _sources(warehouse, table, run_id)
    if source is None:
        return schema.empty_table().select(wanted).to_pandas()
    with duckdb.connect(config=DUCKDB_CONFIG) as con:
        select = ", ".join(f'"{c}"' for c in wanted)
        return con.sql(f"select {select} from read_parquet({source}, hive_partitioning=false)").df()


def _fts_extension() -> Path:
    """The full-text-search extension shipped by the duckdb-extension-fts wheel (INSTALL would need the internet)."""
    import duckdb_extension_fts

    found = sorted(Path(duckdb_extension_fts.__file__).parent.glob(f"extensions/v{duckdb.__version__}/fts.duckdb_extension"))
    if not found:
        raise RuntimeError(f"duckdb-extension-fts has no build for duckdb {duckdb.__version__}: pin both to the same version")
    return found[0]


def story_candidates(warehouse: str | Path, new: pd.DataFrame, bands: int, rows: int) -> pd.DataFrame:
    """Stored signatures that share an LSH band with a new one, with every member of their stories.

    A DuckDB join over band hashes, so a run reads the archive's signatures in bulk instead of
    indexing each one in Python: the candidates are a superset of what the LSH index would return
    (hash collisions only add some), and the clustering checks each exactly.
    """
    schema = SCHEMAS["signatures"]
    source = _sources(warehouse, "signatures")
    if source is None or new.empty:
        return schema.empty_table().to_pandas()
    new_bands = pa.Table.from_pandas(new[["doc_id", "hashvalues"]], preserve_index=False,  # noqa: F841 - read by DuckDB
                                     schema=pa.schema([("doc_id", pa.string()), ("hashvalues", pa.list_(pa.uint64()))]))
    keys = ("select distinct doc_id, band, hash(list_slice(hashvalues, band * {r} + 1, (band + 1) * {r})) as key "
            "from {table}, range({b}) t(band)")
    with duckdb.connect(config=DUCKDB_CONFIG) as con:
        con.execute(f"create view stored as select * from read_parquet({source}, hive_partitioning=false)")
        return con.sql(f"""
            with new_keys as ({keys.format(r=rows, b=bands, table="new_bands")}),
                 stored_keys as ({keys.format(r=rows, b=bands, table="stored")}),
                 hits as (select distinct s.doc_id from stored_keys s join new_keys n using (band, key))
            select * from stored
            where story_id in (select story_id from stored where doc_id in (select doc_id from hits))""").df()


def known_files(warehouse: str | Path) -> frozenset[tuple[str, str]]:
    """(doc_id, source_path) of every document the warehouse has accounted for."""
    known = read_table(warehouse, "documents", ["doc_id", "source_path"])
    return frozenset(zip(known["doc_id"], known["source_path"]))


def connect(warehouse: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse database with full-text search loaded; WarehouseLocked when another process writes it."""
    path = Path(warehouse) / DB_NAME
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse database at {path}: run `newsetl run` first")
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=DUCKDB_CONFIG)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseLocked(f"the warehouse database {path} is locked by another process: {exc}") from exc
        raise
    con.execute(f"load '{_fts_extension().as_posix()}'")
    return con


# DuckDB's fts tokenizer, kept so that documents and queries split into the same words.
_TOKENS = "string_split_regex(regexp_replace(lower({}), '(\\.|[^a-zäöüß])+', ' ', 'g'), '\\s+')"
# Fields of the search index and their weight in the score: the words of title and body, and
# the compound parts of those words (transforms/search.py), which count half.
SEARCH_FIELDS = {"text": 1.0, "parts": 0.5}
SEARCH_TABLES = {
    "search_docs": "doc_id varchar primary key, text_len integer, parts_len integer",
    "search_postings": "doc_id varchar, field varchar, term varchar, tf integer",
}


def _ensure_search_tables(con: duckdb.DuckDBPyConnection) -> None:
    """German stop words and the tables of the search index."""
    if not con.execute("select count(*) from duckdb_tables() where table_name = 'german_stopwords'").fetchone()[0]:
        from spacy.lang.de.stop_words import STOP_WORDS

        con.execute("create table german_stopwords (sw varchar primary key)")
        con.executemany("insert into german_stopwords values (?)", [[w] for w in sorted(STOP_WORDS)])
    for table, columns in SEARCH_TABLES.items():
        con.execute(f"create table if not exists {table} ({columns})")


def _index_new_text(con: duckdb.DuckDBPyConnection) -> None:
    """Add the articles not yet in the search index: BM25 postings of German stems.

    DuckDB's fts extension can only rebuild its index whole, which makes every load cost the
    archive; these postings grow with each run's articles and are scored by search_articles.
    """
    _ensure_search_tables(con)
    con.execute("""create or replace temp table new_docs as
                   select a.doc_id, coalesce(a.title, '') || ' ' || a.body as text, coalesce(t.terms, '') as parts
                   from articles a left join search_terms t using (doc_id)
                   where a.doc_id not in (select doc_id from search_docs)""")
    con.execute(f"""insert into search_postings
        with tokens as (
            select doc_id, 'text' as field, unnest({_TOKENS.format("text")}) as token from new_docs
            union all
            select doc_id, 'parts' as field, unnest({_TOKENS.format("parts")}) as token from new_docs)
        select doc_id, field, stem(token, 'german') as term, count(*) as tf from tokens
        where token <> '' and token not in (select sw from german_stopwords)
        group by all""")
    con.execute("""insert into search_docs
        select d.doc_id, coalesce(sum(p.tf) filter (where p.field = 'text'), 0),
               coalesce(sum(p.tf) filter (where p.field = 'parts'), 0)
        from new_docs d left join search_postings p using (doc_id)
        group by d.doc_id""")
    con.execute("drop table new_docs")


# Canonical entities, derived from every alias seen.
_ENTITIES_SELECT = """
        select entity_id, min(name) as name, min(label) as label, min(country_code) as country_code,
               list(distinct alias order by alias) as aliases
        from entity_aliases"""


_LABELS = "('PER', 'LOC', 'ORG', 'MISC')"
_COUNTRY_CODE = "country_code is null or regexp_full_match(country_code, '[A-Z]{2}')"
# Codes stay VARCHAR, with the checks that keep them codes.
CHECKS: dict[str, list[str]] = {
    "documents": ["length(doc_id) = 64", "status in ('loaded', 'quarantined', 'duplicate')",
                  "content_type is null or content_type in ('text', 'html')"],
    "articles": ["length(doc_id) = 64", "language is null or regexp_full_match(language, '[a-z]{2}')",
                 "date_precision is null or date_precision in ('day', 'month')", "word_count >= 0"],
    "mentions": [f"label in {_LABELS}", "start_char >= 0 and end_char > start_char"],
    "entity_aliases": [f"label in {_LABELS}", _COUNTRY_CODE],
    "entities": [f"label in {_LABELS}", _COUNTRY_CODE],
    "themes": ["score between 0 and 1"],
    "stories": ["similarity between 0 and 1"],
    "runs": ["status in ('completed', 'failed')"],
}
ENTITY_SCHEMA = pa.schema([("entity_id", pa.string()), ("name", pa.string()), ("label", pa.string()),
                           ("country_code", pa.string()), ("aliases", pa.list_(pa.string()))])


def _create_table(con: duckdb.DuckDBPyConnection, table: str, schema: pa.Schema, extra: str = "") -> None:
    """CREATE TABLE with the DuckDB types of the Arrow schema and the table's CHECK constraints."""
    empty = schema.empty_table()  # noqa: F841 - read by DuckDB's replacement scan
    columns = [f'"{name}" {kind}' for name, kind, *_ in con.execute("describe select * from empty").fetchall()]
    checks = [f"check ({c})" for c in CHECKS.get(table, [])]
    con.execute(f"create table if not exists {table} ({', '.join(columns + ([extra] if extra else []) + checks)})")


def _ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table, schema in SCHEMAS.items():
        _create_table(con, table, schema, "story_id varchar" if table == "articles" else "")
    _create_table(con, "entities", ENTITY_SCHEMA)


def load_run(warehouse: str | Path, run_id: str, runs_row: dict) -> None:
    """Insert one run's Parquet into the database in a single transaction; loading a run twice adds nothing.

    The run's row in Parquet is written after the commit: until then the run's files do not count.
    """
    with connect(warehouse) as con:
        con.execute("begin transaction")
        _ensure_tables(con)
        if con.execute("select count(*) from runs where run_id = ?", [run_id]).fetchone()[0]:
            con.execute("rollback")
            return
        loaded = set()
        run_frame = pd.DataFrame([runs_row])  # noqa: F841 - read by DuckDB's replacement scan
        con.execute("insert into runs by name select * from run_frame")
        for table in SCHEMAS:
            source = _sources(warehouse, table, run_id) if table != "runs" else None
            if source is None:
                continue
            loaded.add(table)
            if table in _LATEST_BY:
                key = _LATEST_BY[table]
                con.execute(f"delete from {table} where {key} in "
                            f"(select {key} from read_parquet({source}, hive_partitioning=false))")
            con.execute(f"insert into {table} by name select * from read_parquet({source}, hive_partitioning=false)")
        # Derived rows are refreshed for what this run brought, so a load costs the run, not the archive.
        _refresh_derived(con, {t: _sources(warehouse, t, run_id) for t in ("stories", "entity_aliases")})
        con.execute("commit")
    write_part(warehouse, "runs", pd.DataFrame([runs_row]), run_id, "run")


def record_failed_run(warehouse: str | Path, runs_row: dict) -> None:
    """Keep a failed run in the runs table (Parquet first, the database when it can be written)."""
    write_part(warehouse, "runs", pd.DataFrame([runs_row]), runs_row["run_id"], "run")
    try:
        with connect(warehouse) as con:
            _ensure_tables(con)
            frame = pd.DataFrame([runs_row])  # noqa: F841 - read by DuckDB's replacement scan
            con.execute("insert into runs by name select * from frame")
    except WarehouseLocked:
        pass  # the Parquet row is the record; `newsetl rebuild` brings it into the database


def _refresh_derived(con: duckdb.DuckDBPyConnection, changed: dict[str, str | None] | None = None) -> None:
    """Columns and tables computed from the stored facts: articles' story ids, entities from aliases,
    the search index, the analyst views.

    changed: the Parquet sources of one run's stories and entity_aliases, whose keys are refreshed;
    None refreshes everything.
    """
    def keys(table: str, key: str) -> str:
        if changed is None:
            return f"(select {key} from {table})"
        return f"(select {key} from read_parquet({changed[table]}, hive_partitioning=false))"

    if changed is None or changed["stories"]:
        con.execute(f"""update articles set story_id = s.story_id from stories s
                        where articles.doc_id = s.doc_id and articles.story_id is distinct from s.story_id
                        and s.doc_id in {keys("stories", "doc_id")}""")
    if changed is None or changed["entity_aliases"]:
        touched = keys("entity_aliases", "entity_id")
        con.execute(f"delete from entities where entity_id in {touched}")
        con.execute(f"insert into entities {_ENTITIES_SELECT} where entity_id in {touched} group by entity_id")
    _index_new_text(con)
    for statement in ANALYST_SQL.split(";\n"):
        if statement.strip():
            con.execute(statement)


def rebuild(warehouse: str | Path) -> dict[str, int]:
    """Rebuild the database from Parquet alone; returns each table's row count."""
    counts = {}
    with connect(warehouse) as con:
        con.execute("begin transaction")
        for table in [*SCHEMAS, "entities", *SEARCH_TABLES]:
            con.execute(f"drop table if exists {table}")
        _ensure_tables(con)
        for table in SCHEMAS:
            source = _sources(warehouse, table)
            if source is None:
                continue
            select = f"select * from read_parquet({source}, hive_partitioning=false)"
            if table in _LATEST_BY:
                select += f" qualify row_number() over (partition by {_LATEST_BY[table]} order by run_id desc) = 1"
            con.execute(f"insert into {table} by name {select}")
        _refresh_derived(con)
        con.execute("commit")
        for table in list(SCHEMAS) + ["entities"]:
            counts[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
    return counts
