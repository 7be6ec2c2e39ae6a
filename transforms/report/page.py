"""The report as one self-contained HTML page (templates/report.html.j2): inline CSS and SVG, and a
Content-Security-Policy that forbids every request. Here the page's values are chosen and written;
the templates place and escape them."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from markupsafe import Markup

from newsetl.expectations.verdict import VERDICT_RULE
from newsetl.transforms.codes import COMPLETED
from newsetl.transforms.report.charts import horizontal_bars, share_lines, stacked_bars
from newsetl.transforms.report.data import COUNTED_TABLES, HISTORY_HEADERS, MISSING_FIELDS, QUARANTINE_ROWS, runs_in_focus
from newsetl.transforms.report.queries import data_docs_pages, quarantine_sql, query_command
from newsetl.transforms.report.templating import render
from newsetl.transforms.report.values import clock_note, fmt_time, num, pct, run_label

if TYPE_CHECKING:
    from newsetl.transforms.report.data import ReportData


def _run(r) -> dict:
    """A run's line in the history and its section's summary."""
    return {"run_id": r.run_id, "started": fmt_time(r.started_at), "status": r.status, "verdict": r.verdict,
            "files_seen": num(r.files_seen), "loaded": num(r.loaded), "quarantined": num(r.quarantined),
            "duplicates": num(r.duplicates), "quarantine_rate": pct(r.quarantine_rate),
            "critical_failed": num(r.critical_failed), "warnings_failed": num(r.warnings_failed),
            "clock": clock_note(r.clock_flag)}


def _command(sql: str | None, warehouse) -> str | None:
    return query_command(sql, warehouse) if sql else None


def _run_section(run, data: ReportData, out_dir: Path, warehouse, open_: bool) -> dict:
    """What a run's section shows: failures with their commands and rows, quarantined files, Data Docs."""
    failures = data.failures[data.failures["run_id"] == run.run_id]
    quarantine = data.quarantine[data.quarantine["run_id"] == run.run_id]
    return {**_run(run), "open": open_, "completed": run.status == COMPLETED,
            "failures": [{"severity": "critical" if f.critical else "warning", "table": f.table_name,
                          "expectation": f.expectation, "column": f.column_name, "unexpected": num(f.unexpected),
                          "elements": num(f.elements), "command": _command(f.query, warehouse),
                          # the sample's HTML was rendered and escaped by templates/sample.html.j2
                          "sample": Markup(f.sample_html)} for f in failures.itertuples()],
            "quarantine_count": len(quarantine),
            "reasons": [{"reason": reason, "command": _command(quarantine_sql(run.run_id, reason), warehouse)}
                        for reason in quarantine["reason"].drop_duplicates()],
            "quarantine_rows": list(quarantine.head(QUARANTINE_ROWS).itertuples()),
            "more": max(len(quarantine) - QUARANTINE_ROWS, 0),
            "docs": [{"href": p.relative_to(out_dir).as_posix(), "name": p.parent.parent.parent.name}
                     for p in data_docs_pages(out_dir, run.run_id)]}


def _charts(data: ReportData) -> list[tuple[str, Markup]]:
    """The charts over the runs shown, oldest first: (heading, SVG)."""
    chronological = data.history.iloc[::-1]
    labels = [run_label(r) for r in chronological.itertuples()]
    charts = []
    if len(chronological):
        volume = {column: [0 if pd.isna(v) else v for v in chronological[column]]
                  for column in ("loaded", "quarantined", "duplicates")}
        missing = chronological[["run_id"]].merge(data.missing_rates, on="run_id", how="left")
        failed = {"critical": list(chronological["critical_failed"]), "warning": list(chronological["warnings_failed"])}
        charts += [
            ("Files per run", stacked_bars("Files per run: loaded, quarantined, duplicates", labels, volume)),
            ("Quarantine rate", share_lines("Quarantined files per file seen, per run", labels,
                                            {"quarantine rate": list(chronological["quarantine_rate"])})),
            ("Missing fields (share of the run's articles)",
             share_lines("Share of articles without published_at, authors, outlet, title, per run", labels,
                         {field: list(missing[field]) for field in MISSING_FIELDS})),
            ("Failed expectations by severity", stacked_bars("Failed expectations per run by severity", labels, failed))]
    for mix, column in ((data.outlets, "outlet"), (data.languages, "language")):
        if len(mix):
            charts.append((f"Articles per {column} (runs shown)",
                           horizontal_bars(f"Articles per {column}", list(zip(mix[column], mix["articles"].astype(int))))))
    return charts


def render_html(data: ReportData, out_dir: Path, warehouse=None) -> str:
    """The report as one self-contained page."""
    history = data.history
    opened = runs_in_focus(history)
    return render("report.html.j2",
                  generated=fmt_time(data.generated_at), stale=data.stale, verdict_rule=VERDICT_RULE,
                  latest=_run(history.iloc[0]) if len(history) else None,
                  unreadable=", ".join(data.unreadable), history_headers=HISTORY_HEADERS,
                  history=[_run(r) for r in history.itertuples()], charts=_charts(data),
                  counted_tables=COUNTED_TABLES,
                  counts=[(r["run_id"], [num(r[t]) for t in COUNTED_TABLES]) for _, r in data.table_counts.iterrows()],
                  totals=[(table, num(n)) for table, n in data.totals.items()],
                  runs=[_run_section(run, data, out_dir, warehouse, run.run_id in opened) for run in history.itertuples()])
