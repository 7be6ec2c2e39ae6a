"""Queries that cannot harm: `newsetl query`, `newsetl search` and connect(read_only=True) only read."""
from __future__ import annotations

import hashlib

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from newsetl.flows.cli import app
from newsetl.transforms import warehouse
from newsetl.transforms.sandbox import QueryRefused

runner = CliRunner()
DOC = "a" * 64


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A warehouse with one article, one entity and one archive file, for every test here to try to harm."""
    path = tmp_path_factory.mktemp("warehouse")
    with warehouse.connect(path) as con:
        con.execute("insert into articles (doc_id, title, body) values (?, 'Raketentest', 'Nordkorea testet')", [DOC])
        con.execute("insert into entities (entity_id, name, label) values ('Q1', 'Nordkorea', 'LOC')")
    archive = warehouse.write_part(path, "search_terms", pd.DataFrame([{"doc_id": DOC, "terms": "Rakete"}]),
                                   "run-1", "batch-00000")
    return path, archive


def query(shop, sql: str, *flags: str):
    return runner.invoke(app, ["query", sql, "--warehouse", str(shop[0]), *flags])


def assert_refused_in_one_line(result, words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error:") and result.output.count("\n") == 1, result.output
    assert words in result.output and "Traceback" not in result.output


def assert_unharmed(shop) -> None:
    with warehouse.connect(shop[0], read_only=True) as con:
        assert con.execute("select count(*) from articles").fetchone()[0] == 1
        assert con.execute("select count(*) from entities").fetchone()[0] == 1


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_query_that_attaches_the_catalog_again_to_delete_and_drop_is_refused_with_exit_2(shop):
    catalog = shop[0] / "lake.sqlite"
    result = query(shop, f"ATTACH 'ducklake:sqlite:{catalog}' AS rw; DELETE FROM rw.articles; "
                         "DROP TABLE rw.entities; select 1")
    assert_refused_in_one_line(result, "ATTACH is refused")
    assert_refused_in_one_line(query(shop, f"attach '{shop[0] / 'other.duckdb'}' as other"), "ATTACH is refused")
    assert_unharmed(shop)
    assert not (shop[0] / "other.duckdb").exists()


def test_copy_into_the_archive_is_refused_and_leaves_it_unchanged(shop):
    before = digest(shop[1])
    result = query(shop, f"COPY (select 'x' as doc_id) TO '{shop[1]}' (FORMAT parquet)")
    assert_refused_in_one_line(result, "COPY is refused")
    assert_refused_in_one_line(query(shop, f"EXPORT DATABASE '{shop[0] / 'export'}'"), "EXPORT is refused")
    assert digest(shop[1]) == before and not (shop[0] / "export").exists()


def test_installing_or_loading_an_extension_is_refused(shop):
    assert_refused_in_one_line(query(shop, "INSTALL httpfs"), "INSTALL is refused")
    assert_refused_in_one_line(query(shop, "LOAD httpfs"), "LOAD is refused")
    assert_refused_in_one_line(query(shop, "select * from read_csv('http://127.0.0.1:9/x.csv')"), "error:")


def test_several_statements_are_refused_even_when_each_reads(shop):
    assert_refused_in_one_line(query(shop, "select 1; select 2"), "one statement per query")


def test_settings_and_table_functions_that_change_state_are_refused(shop):
    assert_refused_in_one_line(query(shop, "SET enable_external_access = true"), "SET is refused")
    assert_refused_in_one_line(query(shop, "pragma enable_profiling"), "PRAGMA is refused")
    assert_refused_in_one_line(query(shop, "select * from checkpoint()"), "checkpoint is refused")
    assert_refused_in_one_line(query(shop, "select * from ducklake_cleanup_old_files('lake', cleanup_all => true)"),
                               "ducklake_cleanup_old_files is refused")
    assert_refused_in_one_line(query(shop, f"select * from sqlite_query('{shop[0] / 'lake.sqlite'}', "
                                           "'delete from ducklake_table')"), "sqlite_query is refused")
    assert_refused_in_one_line(query(shop, "with q as (select * from query('select 1')) from q"), "query is refused")
    assert_refused_in_one_line(query(shop, "explain analyze delete from articles"), "EXPLAIN")
    assert_unharmed(shop)


def test_files_outside_the_warehouse_are_not_read(shop, tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text("a\n1\n")
    assert_refused_in_one_line(query(shop, f"select * from read_csv('{mine}')"), "Permission")


def test_reading_statements_still_run(shop):
    for sql in ("describe articles", "show tables", "summarize articles", "pragma table_info('articles')",
                "explain select * from articles", "select count(*) from lake.snapshots()",
                f"select count(*) from read_parquet('{shop[1]}')", "/* titles */ select title from articles;"):
        result = query(shop, sql, "--format", "json")
        assert result.exit_code == 0, (sql, result.output)
    result = runner.invoke(app, ["search", "Rakete'); attach 'x.db' as x; --", "--warehouse", str(shop[0])])
    assert result.exit_code == 0 and "0 rows" in result.output


def test_the_python_read_only_connection_reads_but_never_writes(shop):
    with warehouse.connect(shop[0], read_only=True) as con:
        assert con.execute("select title from articles").fetchone() == ("Raketentest",)
        assert con.sql("select count(*) from search_articles('Raketentest')").fetchone() == (0,)
        con.register("mine", pd.DataFrame({"doc_id": [DOC]}))
        assert con.sql("select count(*) from articles join mine using (doc_id)").fetchone() == (1,)
        escapes = [lambda: con.execute(f"attach 'ducklake:sqlite:{shop[0] / 'lake.sqlite'}' as rw"),
                   lambda: con.sql(f"copy articles to '{shop[1]}' (format parquet)"),
                   lambda: con.cursor().execute("drop table entities"),
                   lambda: con.execute("install httpfs"),
                   lambda: con.install_extension("httpfs"),
                   lambda: con.table_function("sqlite_query", [str(shop[0] / "lake.sqlite"), "select 1"]),
                   lambda: con.execute("select 1; delete from articles")]
        for escape in escapes:
            with pytest.raises(QueryRefused):
                escape()
        # Refusals are DuckDB errors, so code that catches those catches them too.
        with pytest.raises(duckdb.Error):
            con.execute("set lock_configuration = false")
    assert_unharmed(shop)
