"""The report as one self-contained HTML page: inline CSS and SVG, and a Content-Security-Policy that
forbids every request."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from newsetl.expectations.report_charts import horizontal_bars, share_lines, stacked_bars
from newsetl.expectations.report_data import COUNTED_TABLES, MISSING_FIELDS, QUARANTINE_ROWS, runs_in_focus
from newsetl.expectations.report_format import clock_note, esc, fmt_time, html_table, num, pct, run_label
from newsetl.expectations.report_sql import data_docs_pages, quarantine_sql, query_command
from newsetl.expectations.verdict import VERDICT_RULE

if TYPE_CHECKING:
    from newsetl.expectations.report_data import ReportData


def _badge(value: str) -> str:
    return f'<span class="badge {value.lower()}">{value}</span>'


def _history_rows(data: ReportData) -> list[list[str]]:
    return [[f'<a href="#run-{esc(r.run_id)}">{esc(r.run_id)}</a>', esc(fmt_time(r.started_at)), esc(r.status),
             _badge(r.verdict), num(r.files_seen), num(r.loaded), num(r.quarantined), num(r.duplicates),
             pct(r.quarantine_rate), num(r.critical_failed), num(r.warnings_failed), esc(clock_note(r.clock_flag))]
            for r in data.history.itertuples()]


HISTORY_HEADERS = ["run", "started", "status", "verdict", "files", "loaded", "quarantined", "duplicates",
                   "quarantine rate", "critical failed", "warnings failed", "clock"]



def _command_html(sql: str | None, warehouse) -> str:
    return f'<pre class="cmd">{esc(query_command(sql, warehouse))}</pre>' if sql else ""


def _run_section(run, data: ReportData, out_dir: Path, warehouse, open_: bool) -> str:
    failures = data.failures[data.failures["run_id"] == run.run_id]
    quarantine = data.quarantine[data.quarantine["run_id"] == run.run_id]
    docs = data_docs_pages(out_dir, run.run_id)
    parts = [f'<details id="run-{esc(run.run_id)}"{" open" if open_ else ""}>'
             f"<summary>{_badge(run.verdict)} run <code>{esc(run.run_id)}</code> "
             f"started {esc(fmt_time(run.started_at))}: {esc(run.status)}, "
             f"{num(run.critical_failed)} critical failed, {num(run.warnings_failed)} warnings, "
             f"{num(run.quarantined)} quarantined</summary>"]
    if run.status != "completed":
        parts.append('<p class="note">This run failed: its files, articles and results were not loaded. '
                     "Its Prefect flow run logs say why; a new run picks its files up again.</p>")
    for failure in failures.itertuples():
        severity = "critical" if failure.critical else "warning"
        parts.append(f'<div class="failure {severity}"><h4>{severity}: {esc(failure.table_name)} · '
                     f"{esc(failure.expectation)} · {esc(failure.column_name)}</h4>"
                     f"<p>{num(failure.unexpected)} unexpected of {num(failure.elements)} checked.</p>"
                     f"{_command_html(failure.query, warehouse)}{failure.sample_html}</div>")
    if len(quarantine):
        parts.append(f"<h4>Quarantined rows ({len(quarantine)})</h4>")
        for reason in quarantine["reason"].drop_duplicates():
            parts.append(f"<p>{esc(reason)}:</p>{_command_html(quarantine_sql(run.run_id, reason), warehouse)}")
        shown = quarantine.head(QUARANTINE_ROWS)
        parts.append(html_table(["doc_id", "source_path", "stage", "reason", "detail"],
                            [[f"<code>{esc(q.doc_id)}</code>", f"<code>{esc(q.source_path)}</code>", esc(q.stage),
                              esc(q.reason), esc(q.detail)] for q in shown.itertuples()], "rows quarantine"))
        if len(quarantine) > QUARANTINE_ROWS:
            parts.append(f'<p class="note">{len(quarantine) - QUARANTINE_ROWS} more: run the commands above.</p>')
    if docs:
        links = " ".join(f'<a href="{esc(p.relative_to(out_dir).as_posix())}">{esc(p.parent.parent.parent.name)}</a>'
                         for p in docs)
        parts.append(f"<p>Data Docs of this run: {links}</p>")
    if len(parts) == 1:
        parts.append('<p class="note">Nothing failed, nothing was quarantined.</p>')
    return "".join(parts) + "</details>"


CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1a202c;background:#f7fafc}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #cbd5e0}
h4{margin:10px 0 4px}
.stale{background:#c53030;color:#fff;padding:14px 18px;font-size:17px;font-weight:600;border-radius:6px;margin:12px 0}
.verdict{display:flex;gap:18px;align-items:center;background:#fff;border:1px solid #cbd5e0;border-radius:6px;padding:14px}
.verdict .big{font-size:34px;font-weight:800;padding:6px 18px;border-radius:6px;color:#fff}
.big.pass,.badge.pass{background:#2f855a}.big.warn,.badge.warn{background:#b7791f}.big.fail,.badge.fail{background:#c53030}
.badge{color:#fff;font-weight:700;padding:1px 7px;border-radius:4px;font-size:12px}
.counts span{display:inline-block;margin-right:16px}.counts b{font-size:18px}
table{border-collapse:collapse;background:#fff;margin:6px 0;font-size:13px}
th,td{border:1px solid #e2e8f0;padding:3px 8px;text-align:right}th{background:#edf2f7}
td:first-child,th:first-child{text-align:left}table.rows td{text-align:left}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
pre.cmd{background:#1a202c;color:#e2e8f0;padding:6px 10px;border-radius:4px;white-space:pre-wrap;word-break:break-all;font-size:12px}
.chart{width:100%;max-width:680px;background:#fff;border:1px solid #e2e8f0}
.chart text{font-size:11px;fill:#4a5568}.chart .grid{stroke:#e2e8f0}
.legend{font-size:12px;margin:2px 0 12px}.key{margin-right:12px}.key i{display:inline-block;width:10px;height:10px;margin-right:4px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}
details{background:#fff;border:1px solid #e2e8f0;border-radius:4px;margin:6px 0;padding:6px 10px}
summary{cursor:pointer}.failure{border-left:4px solid #b7791f;padding-left:10px;margin:8px 0}
.failure.critical{border-left-color:#c53030}.note{color:#4a5568}
"""


def _head(data: ReportData) -> list[str]:
    """Title, staleness, the latest run's verdict and the rule."""
    history = data.history
    body = ["<h1>newsetl data-quality report</h1>",
            f'<p class="note">Generated {esc(fmt_time(data.generated_at))} from the warehouse; '
            f"the last {len(history)} runs. Rebuild: <code>newsetl report</code>.</p>"]
    if data.stale:
        body.append(f'<div class="stale" id="stale">STALE: {esc(data.stale)}</div>')
    if len(history):
        latest = history.iloc[0]
        body.append(f'<section class="verdict" id="verdict"><span class="big {latest.verdict.lower()}">{latest.verdict}</span>'
                    f'<div><div>Latest run <code>{esc(latest.run_id)}</code>, started {esc(fmt_time(latest.started_at))}, '
                    f"status <b>{esc(latest.status)}</b></div><div class=\"counts\">"
                    f"<span><b>{num(latest.critical_failed)}</b> critical failures</span>"
                    f"<span><b>{num(latest.warnings_failed)}</b> warnings</span>"
                    f"<span><b>{num(latest.quarantined)}</b> quarantined files</span>"
                    f"<span><b>{num(latest.loaded)}</b> loaded</span></div></div></section>")
    body.append(f'<p class="note"><b>Verdict rule.</b> {esc(VERDICT_RULE)}</p>')
    if data.unreadable:
        body.append(f'<p class="note">Not readable in this warehouse (yet): {esc(", ".join(data.unreadable))}.</p>')
    return body


def _trends(data: ReportData) -> list[str]:
    """The charts over the runs shown, oldest first."""
    chronological = data.history.iloc[::-1]
    labels = [run_label(r) for r in chronological.itertuples()]
    body = ['<h2 id="trends">Trends</h2><div class="charts">']
    if len(chronological):
        volume = {column: [0 if pd.isna(v) else v for v in chronological[column]]
                  for column in ("loaded", "quarantined", "duplicates")}
        body.append("<div><h4>Files per run</h4>" + stacked_bars("Files per run: loaded, quarantined, duplicates",
                                                                   labels, volume) + "</div>")
        body.append("<div><h4>Quarantine rate</h4>" + share_lines("Quarantined files per file seen, per run", labels,
                                                             {"quarantine rate": list(chronological["quarantine_rate"])})
                    + "</div>")
        missing = chronological[["run_id"]].merge(data.missing_rates, on="run_id", how="left")
        body.append("<div><h4>Missing fields (share of the run's articles)</h4>" + share_lines(
            "Share of articles without published_at, authors, outlet, title, per run", labels,
            {field: list(missing[field]) for field in MISSING_FIELDS}) + "</div>")
        failed = {"critical": list(chronological["critical_failed"]), "warning": list(chronological["warnings_failed"])}
        body.append("<div><h4>Failed expectations by severity</h4>"
                    + stacked_bars("Failed expectations per run by severity", labels, failed) + "</div>")
    if len(data.outlets):
        body.append("<div><h4>Articles per outlet (runs shown)</h4>"
                    + horizontal_bars("Articles per outlet", list(zip(data.outlets["outlet"], data.outlets["articles"].astype(int))))
                    + "</div>")
    if len(data.languages):
        body.append("<div><h4>Articles per language (runs shown)</h4>"
                    + horizontal_bars("Articles per language",
                                      list(zip(data.languages["language"], data.languages["articles"].astype(int))))
                    + "</div>")
    body.append("</div>")
    return body


def _table_counts(data: ReportData) -> list[str]:
    counts = data.table_counts
    return ['<h2 id="tables">Rows per table and run</h2>',
            html_table(["run", *COUNTED_TABLES],
                       [[esc(r["run_id"]), *(num(r[t]) for t in COUNTED_TABLES)] for _, r in counts.iterrows()],
                       "table-counts"),
            "<p>Rows in the warehouse now: " + ", ".join(f"{esc(t)} <b>{num(n)}</b>" for t, n in data.totals.items())
            + ". Articles, mentions, themes and stories count the rows of each run's loaded documents.</p>"]


def render_html(data: ReportData, out_dir: Path, warehouse=None) -> str:
    """The report as one self-contained page."""
    history = data.history
    body = _head(data)
    body.append('<h2 id="history">History</h2>')
    body.append(html_table(HISTORY_HEADERS, _history_rows(data), "history"))
    body += _trends(data)
    body += _table_counts(data)
    body.append('<h2 id="where">Where to look</h2><p class="note">Per run: each failed expectation with a command '
                "that lists its rows (doc_id, source_path) and the first of them; each quarantined file; "
                "the run's Great Expectations Data Docs pages where they were built.</p>")
    opened = runs_in_focus(history)
    body += [_run_section(run, data, out_dir, warehouse, run.run_id in opened) for run in history.itertuples()]
    title = f"newsetl report: {history.iloc[0].verdict if len(history) else 'no runs'}"
    # default-src 'none': the page may not fetch anything, from any host, not even itself.
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{esc(title)}</title>"
            f"<style>{CSS}</style></head><body><main>{''.join(body)}</main></body></html>\n")
