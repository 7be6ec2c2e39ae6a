"""`newsetl query` output: a table when it fits, records when it does not, CSV, JSON and escaped Markdown."""
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from newsetl.flows.cli import app
from newsetl.flows.output import markdown_table, table_fits, vertical_lines
from newsetl.transforms import warehouse

runner = CliRunner()
TITLE = "Regierung beschließt nach langer Debatte ein neues Gesetz zur Förderung erneuerbarer Energien im ländlichen Raum"


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("warehouse")
    with warehouse.connect(path) as con:
        con.execute("create table news as select * from (values (1, ?, 'Der Spiegel', 'de'), (2, 'Kurz', NULL, 'de')) "
                    "t(id, title, outlet, language)", [TITLE])
    return path


def _query(warehouse_dir, sql: str, *flags: str, columns: int = 80):
    return runner.invoke(app, ["query", sql, "--warehouse", str(warehouse_dir), *flags], env={"COLUMNS": str(columns)})


def test_rows_too_wide_for_80_columns_print_as_records_of_column_value_lines(small_warehouse):
    sql = "select id, title, outlet, title as teaser, title as body, language from news order by id"
    result = _query(small_warehouse, sql)
    lines = result.output.splitlines()
    # As a table, each of the three long columns would get 17 characters.
    assert lines[:8] == [
        "-[ row 1 ]" + "-" * 70,
        "id:       1",
        "title:    Regierung beschließt nach langer Debatte ein neues Gesetz zur Förderu…",
        "outlet:   Der Spiegel",
        "teaser:   Regierung beschließt nach langer Debatte ein neues Gesetz zur Förderu…",
        "body:     Regierung beschließt nach langer Debatte ein neues Gesetz zur Förderu…",
        "language: de",
        "-[ row 2 ]" + "-" * 70,
    ]
    assert lines[9:11] == ["title:    Kurz", "outlet:   NULL"]
    assert max(len(line) for line in lines) == 80
    assert lines[-1].startswith("2 rows in ")


def test_rows_that_fit_stay_a_table_with_long_text_cut_readably(small_warehouse):
    result = _query(small_warehouse, "select id, title, outlet from news order by id")
    lines = result.output.splitlines()
    assert lines[1].split() == ["┃", "id", "┃", "title", "┃", "outlet", "┃"]
    assert "Regierung beschließt nach langer Debatt…" in result.output
    assert max(len(line) for line in lines) <= 80


def test_format_vertical_and_table_are_kept_whatever_the_width(small_warehouse):
    vertical = _query(small_warehouse, "select id from news where id = 1", "--format", "vertical")
    assert vertical.output.splitlines()[:2] == ["-[ row 1 ]" + "-" * 70, "id: 1"]
    table = _query(small_warehouse, "select id, title, title as t2, title as t3 from news", "--format", "table")
    assert table.output.startswith("┏")


def test_a_table_fits_when_every_long_column_keeps_20_characters():
    row = [(1, "x" * 100, "y" * 100)]
    # 1 + (3 + 1) + 2 * (3 + 20) = 51 columns
    assert table_fits(["i", "a", "b"], row, 51) and not table_fits(["i", "a", "b"], row, 50)


def test_records_show_control_characters_as_escapes_and_line_breaks_as_a_mark():
    lines = vertical_lines(["text"], [("red\x1b[31m\nnext",)], width=80)
    assert lines[1] == "text: red\\x1b[31m⏎next"


def test_full_keeps_record_values_whole(small_warehouse):
    result = _query(small_warehouse, "select title, title as t2, title as t3, title as t4 from news where id = 1", "--full")
    assert f"title: {TITLE}" in result.output


def test_markdown_escapes_pipes_html_and_markdown_syntax():
    text = markdown_table(["a|b"], [("<script>x</script> | *bold* [link](u)\nnext",), (None,)])
    assert text.splitlines() == [
        "| a\\|b |",
        "| --- |",
        "| &lt;script&gt;x&lt;/script&gt; \\| \\*bold\\* \\[link\\](u)<br>next |",
        "| NULL |",
    ]


def test_csv_lines_end_with_lf(small_warehouse):
    result = _query(small_warehouse, "select id, outlet from news order by id", "--format", "csv")
    assert result.output == "id,outlet\n1,Der Spiegel\n2,\n"


@pytest.mark.e2e  # a run, then the command line in a child process
def test_a_closed_pipe_ends_the_command_quietly_with_exit_0(small_warehouse):
    env = {**os.environ, "COLUMNS": "80"}
    for output in ("csv", "table", "vertical", "json", "markdown"):
        sql = "select * from range(100000)"
        command = (f"set -o pipefail; {sys.executable} -m newsetl.flows.cli query '{sql}' --format {output} "
                   f"--warehouse {small_warehouse} | head -1")
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, timeout=120)
        assert (result.returncode, result.stderr) == (0, ""), output
        assert len(result.stdout.splitlines()) == 1
