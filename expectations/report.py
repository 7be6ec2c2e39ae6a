"""The maintainers' data-quality report: a verdict per run, history and trends, and where to look.

Built from the warehouse alone, through a read connection and SQL, so it can be rebuilt at any time
(`newsetl report`) and after a failed run: one self-contained HTML page (expectations/report_html.py)
and the Markdown used as the Prefect artifact (expectations/report_markdown.py), from what
expectations/report_data.py reads.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from newsetl.expectations.report_data import collect
from newsetl.expectations.report_html import render_html
from newsetl.expectations.report_markdown import render_markdown
from newsetl.expectations.report_sql import failing_rows_sql, quarantine_sql, query_command
from newsetl.expectations.verdict import VERDICT_RULE, verdict

__all__ = ["VERDICT_RULE", "build_report", "failing_rows_sql", "quarantine_sql", "query_command", "verdict"]


def build_report(con, out_dir: str | Path, runs: int = 30, *, warehouse: str | Path | None = None,
                 now: datetime | None = None, stale_after: timedelta | None = None) -> tuple[Path, str]:
    """Regenerate report.html and report.md under out_dir from the warehouse behind `con`.

    warehouse: the folder the page's `newsetl query` commands name (they use the default one without it).
    Returns the HTML page's path and the Markdown.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = collect(con, runs, now, stale_after, out_dir)
    markdown = render_markdown(data, warehouse)
    (out_dir / "report.md").write_text(markdown, encoding="utf-8")
    page = out_dir / "report.html"
    page.write_text(render_html(data, out_dir, warehouse), encoding="utf-8")
    return page, markdown
