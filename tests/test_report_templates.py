"""The report's HTML and SVG come from Jinja2 templates that escape every value: text from the landing
folder (outlets, paths, reasons, details, the rows behind a failure) stays text on the page and in its charts."""
from __future__ import annotations

import re

from contract import DOC_A, DOC_B, NOW, add_article, add_result, contract_warehouse

from newsetl.transforms.report import build_report
from newsetl.transforms.report.charts import horizontal_bars, stacked_bars
from newsetl.transforms.report.templating import TEMPLATES, environment, render

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&amp;"


def _no_markup_of_its_own(text: str) -> None:
    assert "<script" not in text and "<img" not in text and "onerror=alert(2)>" not in text


def test_every_template_is_rendered_with_autoescaping_on():
    assert environment().autoescape is True
    assert {p.name for p in TEMPLATES.glob("*.j2")} >= {"report.html.j2", "run.html.j2", "sample.html.j2", "chart.svg.j2"}
    assert str(render("sample.html.j2", error=HOSTILE)) == (
        '<p class="note">&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#x27;&amp;amp;</p>')


def test_hostile_series_and_labels_stay_text_inside_the_charts():
    svg = stacked_bars(HOSTILE, [HOSTILE], {HOSTILE: [1]}) + horizontal_bars(HOSTILE, [(HOSTILE, 3)])
    _no_markup_of_its_own(svg)
    assert svg.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 6  # titles, run label, legend, tips, bar label


def test_text_from_the_landing_folder_stays_text_on_the_page(tmp_path):
    con = contract_warehouse([("r1", NOW, 2, 1, 1, 0, "completed")])
    add_article(con, "r1", DOC_A, f"landing/{HOSTILE}.txt", outlet=HOSTILE, title=None)
    con.execute("insert into documents values (?, ?, 10, 'utf-8', now(), 'r1', 'quarantined', 'x')", [DOC_B, HOSTILE])
    con.execute("insert into quarantine values (?, 'clean', ?, ?, 'r1')", [DOC_B, HOSTILE, HOSTILE])
    add_result(con, "r1", "articles", "expect_column_values_to_not_be_null", "title", False, False, 1, 1)
    text = build_report(con, tmp_path, now=NOW)[0].read_text()
    _no_markup_of_its_own(text)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#x27;&amp;amp;"
    assert f"<td><code>landing/{escaped}.txt</code></td>" in text  # the failing row's path
    assert f"<td><code>{escaped}</code></td><td>clean</td><td>{escaped}</td><td>{escaped}</td>" in text  # quarantine
    assert re.search(f"<title>{re.escape(escaped)}: 1</title>", text)  # the outlet's bar
