"""Run report: a Markdown and an HTML page a maintainer reads without Python."""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd


def summary_markdown(run_id: str, counts: dict[str, int], quality: pd.DataFrame,
                     quarantine: pd.DataFrame, docs_index: Path | None) -> str:
    """The run's counts, failed expectations and quarantined files as Markdown."""
    lines = [f"# newsetl run {run_id}", "", "| measure | count |", "| --- | ---: |"]
    lines += [f"| {name} | {value} |" for name, value in counts.items()]
    failed = quality[~quality["success"].astype(bool)] if not quality.empty else quality
    lines += ["", f"## Expectations: {len(quality)} checked, {len(failed)} failed", ""]
    if not failed.empty:
        lines += ["| table | expectation | column | critical | unexpected |", "| --- | --- | --- | --- | ---: |"]
        grouped = failed.groupby(["table_name", "expectation", "column_name", "critical"], dropna=False)
        lines += [f"| {t} | {e} | {c} | {'yes' if k else 'no (warning)'} | {int(g['unexpected_count'].sum())} |"
                  for (t, e, c, k), g in grouped]
    lines += ["", f"## Quarantined: {len(quarantine)}", ""]
    if not quarantine.empty:
        lines += ["| doc_id | stage | reason | detail |", "| --- | --- | --- | --- |"]
        lines += [f"| {r.doc_id[:12]} | {r.stage} | {r.reason} | {r.detail or ''} |" for r in quarantine.itertuples()]
    if docs_index:
        lines += ["", f"Data Docs: {docs_index}"]
    return "\n".join(lines) + "\n"


def write_report(quality_dir: str | Path, markdown: str) -> Path:
    """Write report.md and a plain report.html (no CDN assets, so it renders offline)."""
    quality_dir = Path(quality_dir)
    quality_dir.mkdir(parents=True, exist_ok=True)
    (quality_dir / "report.md").write_text(markdown, encoding="utf-8")
    body = "\n".join(f"<pre>{html.escape(markdown)}</pre>".splitlines())
    page = f"<!doctype html><meta charset='utf-8'><title>newsetl quality report</title>{body}"
    (quality_dir / "report.html").write_text(page, encoding="utf-8")
    return quality_dir / "report.md"
