"""The maintainers' data-quality report: verdicts, history, trends and where to look, rebuilt from the warehouse."""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from contract import DOC_A, DOC_B, DOC_C, NOW, add_article, add_result, contract_warehouse

from newsetl.expectations.verdict import VERDICT_RULE, verdict
from newsetl.transforms.report import build_report
from newsetl.transforms.report.queries import query_command

# ------------------------------------------------------------------ the verdict rule

def test_a_failed_run_fails_whatever_its_counts():
    assert verdict("failed", 0, 0, 0) == "FAIL"


def test_a_critical_failure_fails_the_run():
    assert verdict("completed", 1, 0, 0) == "FAIL"


def test_warnings_or_quarantined_files_warn():
    assert verdict("completed", 0, 2, 0) == "WARN"
    assert verdict("completed", 0, 0, 1) == "WARN"


def test_a_clean_completed_run_passes():
    assert verdict("completed", 0, 0, 0) == "PASS"


def test_the_page_states_the_verdict_rule(tmp_path):
    page, markdown = build_report(contract_warehouse([("r1", NOW, 1, 1, 0, 0, "completed")]), tmp_path, now=NOW)
    assert VERDICT_RULE in page.read_text() and VERDICT_RULE in markdown


# ------------------------------------------------------------------ robustness and staleness

def test_a_warehouse_without_tables_gets_a_report_that_says_so(tmp_path):
    page, markdown = build_report(duckdb.connect(), tmp_path, now=NOW)
    text = page.read_text()
    assert "No run is recorded in this warehouse yet." in text and "STALE" in markdown
    assert "Not readable in this warehouse (yet): runs" in text


def test_a_warehouse_with_empty_tables_gets_a_report_that_says_no_run_yet(tmp_path):
    page, markdown = build_report(contract_warehouse([]), tmp_path, now=NOW)
    assert "No run is recorded in this warehouse yet." in markdown and "Not readable" not in page.read_text()


def test_a_table_of_an_older_shape_is_named_instead_of_breaking_the_report(tmp_path):
    con = contract_warehouse([("r1", NOW, 1, 1, 0, 0, "completed")])
    con.execute("alter table quality_results drop column critical")
    page, markdown = build_report(con, tmp_path, now=NOW)
    assert "`r1`" in markdown and "Not readable in this warehouse (yet): " in page.read_text()


def test_a_failed_latest_run_makes_the_report_stale_and_names_the_last_good_run(tmp_path):
    con = contract_warehouse([("good", NOW - timedelta(hours=3), 2, 2, 0, 0, "completed"),
                      ("failed-x", NOW - timedelta(hours=1), None, None, None, None, "failed")])
    page, markdown = build_report(con, tmp_path, now=NOW)
    assert '<div class="stale" id="stale">STALE: The latest run failed-x failed' in page.read_text()
    assert "the newest completed run is good (3.0 hours old)" in markdown
    assert markdown.splitlines()[4].startswith("**FAIL**: latest run `failed-x` (failed)")
    # Both the failed run and the run whose data the warehouse holds are detailed.
    assert "## Where to look: run failed-x (FAIL, failed)" in markdown and "## Where to look: run good (PASS, completed)" in markdown


def test_an_old_newest_run_makes_the_report_stale(tmp_path):
    con = contract_warehouse([("old", NOW - timedelta(days=3), 2, 2, 0, 0, "completed")])
    _, markdown = build_report(con, tmp_path, now=NOW, stale_after=timedelta(hours=48))
    assert "**STALE:** The newest run old committed 3.0 days ago (more than 2.0 days)" in markdown


def test_a_recent_completed_run_is_not_stale(tmp_path):
    con = contract_warehouse([("fresh", NOW - timedelta(hours=1), 2, 2, 0, 0, "completed")])
    page, markdown = build_report(con, tmp_path, now=NOW)
    assert "STALE" not in markdown and "STALE" not in page.read_text()


def test_the_history_keeps_only_the_last_n_runs(tmp_path):
    con = contract_warehouse([(f"r{i}", NOW - timedelta(hours=10 - i), 1, 1, 0, 0, "completed") for i in range(5)])
    _, markdown = build_report(con, tmp_path, runs=2, now=NOW)
    assert "`r4`" in markdown and "`r3`" in markdown and "`r2`" not in markdown


# ------------------------------------------------------------------ where to look

def test_a_failed_warning_leads_to_its_rows_by_doc_id_and_source_path(tmp_path):
    con = contract_warehouse([("r1", NOW, 2, 2, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "landing/a.txt", published=None)
    add_article(con, "r1", DOC_B, "landing/b.txt")
    add_result(con, "r1", "articles", "expect_column_values_to_not_be_null", "published_at", False, False, 1, 2)
    page, markdown = build_report(con, tmp_path, now=NOW)
    text = page.read_text()
    assert f"<td><code>{DOC_A}</code></td><td><code>landing/a.txt</code></td>" in text
    assert DOC_B not in text
    command = re.search(r'newsetl query "[^\n]*published_at is null[^\n]*"', markdown).group(0)
    sql = command.removeprefix('newsetl query "').removesuffix('"')
    assert con.execute(sql).fetchall() == [(DOC_A, "landing/a.txt", None)]


def test_a_critical_failure_leads_to_the_quarantined_rows_it_caused(tmp_path):
    con = contract_warehouse([("r1", NOW, 1, 0, 1, 0, "completed")])
    con.execute("insert into documents values (?, 'landing/x.txt', 10, 'utf-8', now(), 'r1', 'quarantined', "
                "'failed critical expectation')", [DOC_C])
    con.execute("insert into quarantine values (?, 'validate', 'failed critical expectation', "
                "'articles: expect_column_values_to_be_in_set on language', 'r1')", [DOC_C])
    add_result(con, "r1", "articles", "expect_column_values_to_be_in_set", "language", True, False, 1, 1)
    page, markdown = build_report(con, tmp_path, now=NOW)
    text = page.read_text()
    assert "critical: articles · expect_column_values_to_be_in_set · language" in text
    assert text.count(f"<code>{DOC_C}</code></td><td><code>landing/x.txt</code>") == 2  # sample and quarantine rows
    assert "q.reason = &#x27;failed critical expectation&#x27;" in text


def test_query_commands_survive_the_shell():
    command = query_command("select '$HOME' as \"x\"", "/data/my warehouse")
    assert command == "newsetl query \"select '\\$HOME' as \\\"x\\\"\" --warehouse '/data/my warehouse'"


def test_the_runs_data_docs_pages_are_linked(tmp_path):
    page_dir = tmp_path / "gx" / "uncommitted" / "data_docs" / "local_site" / "validations" / "articles" / "r1" / "t"
    page_dir.mkdir(parents=True)
    (page_dir / "batch.html").write_text("<html></html>")
    page, _ = build_report(contract_warehouse([("r1", NOW, 1, 1, 0, 0, "completed")]), tmp_path, now=NOW)
    assert 'href="gx/uncommitted/data_docs/local_site/validations/articles/r1/t/batch.html">articles</a>' in page.read_text()


# ------------------------------------------------------------------ offline page

def test_the_page_fetches_nothing_from_anywhere(tmp_path):
    con = contract_warehouse([("r1", NOW, 2, 2, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "https://example.org/a.html")
    text = build_report(con, tmp_path, now=NOW)[0].read_text()
    assert "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(\w+:|//)""", text, re.I)
    assert not re.search(r"@import|url\(|<script|<link|<img|<iframe", text, re.I)


# ------------------------------------------------------------------ three real runs through the flow

@pytest.fixture(scope="module")
def three_runs(prefect_harness, tmp_path_factory):
    """A run with quarantined files, a run with a critical failure (a language the suite does not know),
    and a failed run, into one warehouse; then the report."""
    from conftest import SEEDS

    from newsetl.flows.news_etl import news_etl
    from newsetl.transforms import clean
    from newsetl.transforms.storage import connect

    landing = tmp_path_factory.mktemp("landing")
    warehouse = tmp_path_factory.mktemp("warehouse")
    for seed in sorted(SEEDS.iterdir())[:2]:
        shutil.copy(seed, landing / seed.name)
    (landing / "empty.txt").write_bytes(b"")
    (landing / "numbers.txt").write_text("Titel\n\n" + " ".join(str(i) for i in range(300)) + "\n")
    first = news_etl(input_dir=str(landing), warehouse_dir=str(warehouse))

    detect = clean.detect_language
    seed = sorted(SEEDS.iterdir())[2].read_text(encoding="utf-8")
    (landing / "gibberish.txt").write_text(seed + "\n\nKauderwelsch.\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        # The detector names a language the articles suite does not know: a critical failure.
        patch.setattr(clean, "detect_language", lambda body: "xx" if "Kauderwelsch" in body else detect(body))
        second = news_etl(input_dir=str(landing), warehouse_dir=str(warehouse))

    failed = news_etl(input_dir=str(landing / "gone"), warehouse_dir=str(warehouse), return_state=True)
    assert failed.is_failed()
    with connect(warehouse, read_only=True) as con:
        page, markdown = build_report(con, warehouse / "quality", warehouse=warehouse)
    return warehouse, page, markdown, first["run_id"], second["run_id"]


def _ro(warehouse: Path):
    from newsetl.transforms.storage import connect

    return connect(warehouse, read_only=True)


def _html_table(page: Path, cls: str) -> pd.DataFrame:
    """The page's table of that class, every cell as the text shown."""
    from io import StringIO

    return pd.read_html(StringIO(page.read_text()), attrs={"class": cls}, keep_default_na=False, thousands=None)[0].astype(str)


def test_three_runs_show_with_their_verdicts(three_runs):
    warehouse, page, markdown, first, second = three_runs
    history = _html_table(page, "history")
    assert history["verdict"].tolist() == ["FAIL", "FAIL", "WARN"]
    assert history["status"].tolist() == ["failed", "completed", "completed"]
    assert history["run"].tolist()[1:] == [second, first]
    assert re.search(r"STALE: The latest run \S+ failed", page.read_text())


def test_each_runs_quarantined_files_are_listed_with_their_path(three_runs):
    warehouse, page, _, first, second = three_runs
    text = page.read_text()
    sections = {run: text[text.index(f'<details id="run-{run}"'):].split("</details>")[0] for run in (first, second)}
    assert "<code>empty.txt</code>" in sections[first] and "<code>numbers.txt</code>" in sections[first]
    assert "<code>gibberish.txt</code>" in sections[second] and "gibberish" not in sections[first]
    assert "critical: articles · expect_column_values_to_be_in_set · language" in sections[second]
    assert "data_docs/local_site/validations/articles/" in sections[second]


def test_the_trend_charts_are_drawn(three_runs):
    _, page, _, _, _ = three_runs
    text = page.read_text()
    for chart in ("Files per run: loaded, quarantined, duplicates", "Quarantined files per file seen, per run",
                  "Share of articles without published_at, authors, outlet, title, per run",
                  "Failed expectations per run by severity", "Articles per outlet", "Articles per language"):
        assert f'role="img" aria-label="{chart}"' in text


def test_every_number_in_the_history_matches_the_warehouse(three_runs):
    warehouse, page, _, _, _ = three_runs
    history = _html_table(page, "history").set_index("run")
    with _ro(warehouse) as con:
        runs = con.execute("select run_id, files_seen, loaded, quarantined, duplicates from runs").fetchall()
        failed = dict(((r, c), n) for r, c, n in con.execute("""
            select run_id, critical, count(*) from (select distinct run_id, table_name, expectation, column_name, critical
                                                    from quality_results where not success) group by all""").fetchall())
    assert len(runs) == len(history) == 3
    for run_id, files, loaded, quarantined, duplicates in runs:
        row = history.loc[run_id]
        shown = [row["files"], row["loaded"], row["quarantined"], row["duplicates"]]
        assert shown == ["-" if v is None else f"{v:,}" for v in (files, loaded, quarantined, duplicates)]
        assert row["critical failed"] == str(failed.get((run_id, True), 0))
        assert row["warnings failed"] == str(failed.get((run_id, False), 0))
        if files:
            assert row["quarantine rate"] == f"{quarantined / files:.1%}"


def test_every_row_count_matches_the_warehouse(three_runs):
    warehouse, page, _, _, _ = three_runs
    counts = _html_table(page, "table-counts").set_index("run")
    with _ro(warehouse) as con:
        for run_id in counts.index:
            expected = {
                "documents": "select count(*) from documents where run_id = ?",
                "quarantine": "select count(*) from quarantine where run_id = ?",
                "quality_results": "select count(*) from quality_results where run_id = ?",
                **{t: f"select count(*) from {t} join documents d using (doc_id) where d.run_id = ? and d.status = 'loaded'"
                   for t in ("articles", "mentions", "themes", "stories")}}
            for table, sql in expected.items():
                assert counts.loc[run_id, table] == f"{con.execute(sql, [run_id]).fetchone()[0]:,}", (run_id, table)


def test_the_chart_values_match_the_warehouse(three_runs):
    warehouse, page, _, first, _ = three_runs
    text = page.read_text()
    with _ro(warehouse) as con:
        outlets = con.execute("""select coalesce(nullif(trim(outlet), ''), '(no outlet)'), count(*) from articles
                                 join documents d using (doc_id) where d.status = 'loaded' group by 1""").fetchall()
        no_date = con.execute("""select avg((published_at is null)::int) from articles join documents d using (doc_id)
                                 where d.run_id = ? and d.status = 'loaded'""", [first]).fetchone()[0]
    for outlet, n in outlets:
        assert f"<title>{outlet}: {n:,}</title>" in text
    assert f": published_at {no_date:.1%}</title>" in text


# ------------------------------------------------------------------ the page in a real browser

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class DevTools:
    """Headless Chromium driven over the DevTools protocol: every request the page makes is seen."""

    def __init__(self, profile: Path):
        self.process = subprocess.Popen([CHROMIUM, *BROWSER_FLAGS, f"--user-data-dir={profile}",
                                         "--remote-debugging-port=0", "--window-size=1200,1600", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        from websockets.sync.client import connect

        self.socket = connect(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"], max_size=None)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=30))
            if message.get("id") == self.next_id:
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        while not any(e.get("method") == event for e in self.events):
            self.events.append(json.loads(self.socket.recv(timeout=30)))

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)


VISIBLE = """(() => {
  const shown = el => { if (!el) return false; const r = el.getBoundingClientRect(), s = getComputedStyle(el);
                        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  return JSON.stringify({
    verdict: shown(document.querySelector('#verdict')) ? document.querySelector('#verdict .big').textContent : null,
    verdictTop: document.querySelector('#verdict').getBoundingClientRect().top,
    stale: shown(document.querySelector('#stale')),
    historyRows: [...document.querySelectorAll('table.history tbody tr')].filter(shown).length,
    charts: [...document.querySelectorAll('svg.chart')].filter(shown).length,
    resources: performance.getEntriesByType('resource').length});
})()"""


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (apt-get install chromium)")
def test_the_report_opens_offline_in_a_browser_with_verdict_history_and_charts(three_runs, tmp_path):
    warehouse, page, _, _, _ = three_runs
    browser = DevTools(tmp_path / "profile")
    try:
        browser.call("Network.enable")
        browser.call("Page.enable")
        browser.call("Page.navigate", url=page.resolve().as_uri())
        browser.wait_for("Page.loadEventFired")
        seen = json.loads(browser.call("Runtime.evaluate", expression=VISIBLE, returnByValue=True)["result"]["value"])
        shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    finally:
        browser.close()
    screenshot = warehouse / "quality" / "report.png"
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    assert seen["verdict"] == "FAIL" and seen["verdictTop"] < 400 and seen["stale"]
    assert seen["historyRows"] == 3 and seen["charts"] >= 4
    requested = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert requested == [page.resolve().as_uri()] and seen["resources"] == 0
    assert screenshot.stat().st_size > 20_000


# ------------------------------------------------------------------ the command

def test_newsetl_report_rebuilds_the_page_from_the_warehouse(tmp_path):
    from typer.testing import CliRunner

    from newsetl.flows.cli import app
    from newsetl.transforms.storage import connect

    with connect(tmp_path) as con:  # the warehouse's own schema, one completed run
        con.execute("insert into runs by name select 'r1' as run_id, now() as started_at, now() as finished_at, "
                    "3 as files_seen, 3 as loaded, 0 as quarantined, 0 as duplicates, 'completed' as status")
    result = CliRunner().invoke(app, ["report", "--runs", "5", "--warehouse", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert '<span class="big pass">PASS</span>' in (tmp_path / "quality" / "report.html").read_text()
    assert "`r1`" in (tmp_path / "quality" / "report.md").read_text()


def test_newsetl_report_without_a_warehouse_fails_clearly(tmp_path):
    from typer.testing import CliRunner

    from newsetl.flows.cli import app

    result = CliRunner().invoke(app, ["report", "--warehouse", str(tmp_path)])
    # The message wraps at the console's width wherever the temporary path ends.
    assert result.exit_code == 2 and "newsetl run" in " ".join(result.output.split()) and "Traceback" not in result.output


def test_missing_values_in_sample_rows_read_null(tmp_path):
    con = contract_warehouse([("r1", NOW, 1, 1, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "a.txt", outlet=None, published=None)
    add_result(con, "r1", "articles", "health_freshness", "published_at", False, False, 1, 1)
    text = build_report(con, tmp_path, now=NOW)[0].read_text()
    assert f"<td><code>{DOC_A}</code></td><td><code>a.txt</code></td><td>NULL</td><td>NULL</td>" in text
