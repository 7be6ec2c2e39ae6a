"""The report as Markdown (the Prefect artifact): verdicts, history and where to look, every value inert."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newsetl.expectations.verdict import VERDICT_RULE
from newsetl.transforms.codes import COMPLETED
from newsetl.transforms.report.data import HISTORY_HEADERS, QUARANTINE_ROWS, runs_in_focus
from newsetl.transforms.report.queries import quarantine_sql, query_command
from newsetl.transforms.report.values import clock_note, fmt_time, num, pct

if TYPE_CHECKING:
    from newsetl.transforms.report.data import ReportData

# What starts inline markup anywhere in a line (tags, entities, links, emphasis, code, table cells); any ASCII
# punctuation may be backslash-escaped in CommonMark, and a value's first character is too (headings, lists).
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>!&|~])")
_MD_PUNCTUATION = re.compile(r"^([!-/:-@\[-`{-~])")
_MD_ORDERED_LIST = re.compile(r"^(\d{1,9})([.)])")


def _md_text(value) -> str:
    """Text from the warehouse (names, reasons, details) as inert Markdown on one line: no tag, link,
    emphasis, code span or table cell can start in it."""
    text = _MD_INLINE.sub(r"\\\1", " ".join(str("" if value is None else value).split()))
    if text[:1] != "\\":
        text = _MD_PUNCTUATION.sub(r"\\\1", text)
    return _MD_ORDERED_LIST.sub(r"\1\\\2", text)


def _md_code(value, in_table: bool = False) -> str:
    """A code span that holds the value whole: its fence is longer than any run of backticks inside
    (which would end a shorter one), padded where the value starts or ends with one."""
    text = " ".join(str("" if value is None else value).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[:1] == "`" or text[-1:] == "`" else ""
    if in_table:  # a pipe ends a table cell even inside a code span, unless escaped
        text = text.replace("|", "\\|")
    return f"{fence}{pad}{text}{pad}{fence}"


def render_markdown(data: ReportData, warehouse=None) -> str:
    """The report's verdicts, history and where to look, as Markdown (the Prefect artifact).

    Prefect's UI renders it: every value from the warehouse is escaped (_md_text) or fenced (_md_code).
    """
    history = data.history
    lines_ = ["# newsetl data-quality report", ""]
    if data.stale:
        lines_ += [f"> **STALE:** {_md_text(data.stale)}", ""]
    if len(history):
        latest = history.iloc[0]
        lines_ += [f"**{latest.verdict}**: latest run {_md_code(latest.run_id)} ({_md_text(latest.status)}): "
                   f"{num(latest.critical_failed)} critical failures, {num(latest.warnings_failed)} warnings, "
                   f"{num(latest.quarantined)} quarantined files, {num(latest.loaded)} loaded.", ""]
    lines_ += [f"Verdict rule: {_md_text(VERDICT_RULE)}", "", "## History", "",
               "| " + " | ".join(HISTORY_HEADERS) + " |", "|" + " --- |" * len(HISTORY_HEADERS)]
    lines_ += ["| " + " | ".join([_md_code(r.run_id, in_table=True), _md_text(fmt_time(r.started_at)),
                                  _md_text(r.status), r.verdict, num(r.files_seen), num(r.loaded), num(r.quarantined),
                                  num(r.duplicates), _md_text(pct(r.quarantine_rate)), num(r.critical_failed),
                                  num(r.warnings_failed), _md_text(clock_note(r.clock_flag))]) + " |"
               for r in history.itertuples()]
    for run in history[history["run_id"].isin(runs_in_focus(history))].itertuples():
        failures = data.failures[data.failures["run_id"] == run.run_id]
        quarantine = data.quarantine[data.quarantine["run_id"] == run.run_id]
        lines_ += ["", f"## Where to look: run {_md_text(run.run_id)} ({run.verdict}, {_md_text(run.status)})", ""]
        for f in failures.itertuples():
            lines_ += [f"- {'critical' if f.critical else 'warning'}: {_md_text(f.table_name)} {_md_text(f.expectation)} "
                       f"{_md_text(f.column_name)}: {num(f.unexpected)} of {num(f.elements)}"]
            if f.query:
                lines_ += [f"  {_md_code(query_command(f.query, warehouse))}"]
        if len(quarantine):
            lines_ += ["", "| doc_id | source_path | stage | reason | detail |", "| --- | --- | --- | --- | --- |"]
            lines_ += [f"| {_md_code(q.doc_id, True)} | {_md_code(q.source_path, True)} | {_md_text(q.stage)} | "
                       f"{_md_text(q.reason)} | {_md_text(q.detail or '')} |"
                       for q in quarantine.head(QUARANTINE_ROWS).itertuples()]
            for reason in quarantine["reason"].drop_duplicates():
                lines_ += ["", f"{_md_text(reason)}: {_md_code(query_command(quarantine_sql(run.run_id, reason), warehouse))}"]
        if run.status != COMPLETED:
            lines_ += ["This run failed: nothing it read was loaded; its Prefect flow run logs say why."]
        elif failures.empty and quarantine.empty:
            lines_ += ["Nothing failed, nothing was quarantined."]
    lines_ += ["", "Charts and earlier runs' details: report.html beside this file."]
    return "\n".join(lines_) + "\n"

