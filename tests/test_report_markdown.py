"""report.md, which Prefect's UI renders as Markdown: names, reasons, details and paths from the landing folder
stay text."""
from datetime import datetime, timezone

import pytest
from lifecycle import lake_run
from markdown_it import MarkdownIt

from newsetl.transforms import storage as warehouse
from newsetl.transforms.report import build_report

pytestmark = pytest.mark.e2e  # each test runs the pipeline or the command line: seconds apiece

IMG = "<img src=x onerror=alert(1)>_empty.txt"
TICKS = "a`b``c` | d.txt"
PAYLOADS = {
    "img": (IMG, "<script>alert(1)</script>", "[click](javascript:alert(1)) <b>bold</b> *em* ![x](http://e/x.png)"),
    "ticks": (TICKS, "1. looks like a list & &lt;", "<http://evil.example/> __strong__ ~~gone~~ `code` | cell"),
}
LIVE = {"html_inline", "html_block", "link_open", "image", "em_open", "s_open"}


def _tokens(markdown: str):
    for token in MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown):
        yield token
        yield from token.children or []


def test_landing_file_names_reasons_and_details_render_as_text_not_markup(tmp_path):
    for run_id, (path, reason, detail) in PAYLOADS.items():
        lake_run(tmp_path, run_id, datetime.now(timezone.utc), quarantined=1, source_path=path, reason=reason,
                 detail=detail)
        with warehouse.connect(tmp_path, read_only=True) as con:
            _, markdown = build_report(con, tmp_path / "quality", warehouse=tmp_path)
        tokens = list(_tokens(markdown))
        assert not [t for t in tokens if t.type in LIVE]
        assert len([t for t in tokens if t.type == "strong_open"]) == 1  # the verdict's own **WARN**
        html = MarkdownIt("commonmark").enable("table").render(markdown)
        assert "<img" not in html and "<script" not in html and "<a " not in html and "<b>" not in html
        # Backticks in a name do not end its code span: the whole name is one code span.
        assert path in [t.content for t in tokens if t.type == "code_inline"]
        # A pipe in a value does not open a cell: history rows keep 12 cells, quarantine rows 5.
        cells_per_row, cells = [], 0
        for token in tokens:
            cells += token.type == "td_open"
            if token.type == "tr_close":
                cells_per_row, cells = cells_per_row + [cells], 0
        assert set(cells_per_row) - {0} == {12, 5}
        text = " ".join(t.content for t in tokens if t.type == "text")
        assert reason in text and detail in text
