"""Both files of the report, written from the warehouse: report.html (page.py) and report.md (markdown.py)."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from newsetl.transforms.report.data import collect
from newsetl.transforms.report.markdown import render_markdown
from newsetl.transforms.report.page import render_html


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
