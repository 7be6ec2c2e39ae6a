"""The first rows behind each failed expectation, as the report shows them, read once rather than per report.

Each is a query (about 40 ms on a 1,000-article warehouse), and the report shows 30 runs of several
failures each: read again for every report, they were most of its cost, and that cost grew with the runs.
- A query several runs share (the freshest articles, the latest runs) is read once per report.
- The rows of a run's own documents stay as they are while later runs load theirs, so their page
  fragment is kept in report-samples.json beside the report and read again only after a commit that may
  have changed earlier runs' rows: anything but a run's own commits (a reprocess, a rebuild, a schema
  change). Shared tables (entities, stories, duplicate keys) are read every time.
"""
from __future__ import annotations

import json
import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import duckdb
import pandas as pd

from newsetl.expectations.whole_files import PARTIAL
from newsetl.transforms.report.queries import sql_file
from newsetl.transforms.report.templating import render

SAMPLE_ROWS = 5
SAMPLES_FILE = "report-samples.json"
CODE_COLUMNS = ("doc_id", "source_path")
# Commits that add a run's own rows and touch no earlier run's: a run's start and load, a failed run's
# row, the marking of dead runs.
_RUN_COMMITS = r"^(start|run|failed) \S+$|^recovery$"
# Rows these read are not the run's own: other runs change them.
_SHARED = {"entities", "stories"}
_SHARED_CHECKS = {"expect_column_values_to_be_unique", "health_stories_per_article"}


def failure_samples(con, failures: pd.DataFrame, out_dir: Path | None) -> list[str]:
    """The HTML of each failure's first failing rows (failures: run_id, table_name, expectation, query)."""
    key = _generation(con)
    kept = _load(out_dir, key)
    shown: dict[str, str] = {}
    keep: dict[str, str] = {}
    failed: set[str] = set()  # a query that failed is tried again next time
    fragments = []
    for row in failures.itertuples():
        sql, own = row.query, _runs_own(row, row.query)
        if sql not in shown and own and sql in kept:
            shown[sql] = kept[sql]
        elif sql not in shown:
            sample = _read(con, sql)
            shown[sql] = sample_html(sample)
            if isinstance(sample, str):
                failed.add(sql)
        if own and key is not None and sql not in failed:
            keep[sql] = shown[sql]
        fragments.append(shown[sql])
    _save(out_dir, key, keep)
    return fragments


def _runs_own(failure, sql: str | None) -> bool:
    """Whether the query reads rows of the failure's run alone (its documents, quarantine and results)."""
    return (sql is not None and f"'{failure.run_id}'" in sql and failure.table_name not in _SHARED
            and failure.expectation not in _SHARED_CHECKS)


def _generation(con) -> str | None:
    """What the kept fragments hold for: this catalog (its first commit's time) as of its last commit other
    than a run's own, and this newsetl; None where the catalog does not say."""
    try:
        first, last = con.execute(sql_file("samples_generation"),
                                  {"run_commits": _RUN_COMMITS}).fetchone()
    except duckdb.Error:
        return None
    try:
        release = version("newsetl")
    except PackageNotFoundError:
        release = "unknown"
    return f"{first}/{last}/{release}/{SAMPLE_ROWS}"


def _load(out_dir: Path | None, key: str | None) -> dict[str, str]:
    if out_dir is None or key is None:
        return {}
    try:
        kept = json.loads((out_dir / SAMPLES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return kept.get("samples", {}) if isinstance(kept, dict) and kept.get("key") == key else {}


def _save(out_dir: Path | None, key: str | None, samples: dict[str, str]) -> None:
    """Written whole or not at all: a report killed meanwhile leaves the previous file."""
    if out_dir is None or key is None:
        return
    partial = out_dir / f".{SAMPLES_FILE}{PARTIAL}"
    try:
        partial.write_text(json.dumps({"key": key, "samples": samples}), encoding="utf-8")
        os.replace(partial, out_dir / SAMPLES_FILE)
    except OSError:  # a full disk or a folder the report cannot write: the next report reads the rows again
        partial.unlink(missing_ok=True)


def _read(con, sql: str | None) -> pd.DataFrame | str | None:
    """The first failing rows, or why they could not be read."""
    if sql is None:
        return None
    try:
        return con.execute(f"select * from ({sql}) limit {SAMPLE_ROWS}").df()
    except duckdb.Error as exc:
        return f"query failed: {str(exc).splitlines()[0]}"


def sample_html(sample) -> str:
    """The rows (or why there are none) as the page shows them under a failure (templates/sample.html.j2)."""
    if sample is None:
        return ""
    if isinstance(sample, str):
        return render("sample.html.j2", error=sample)
    rows = [[("NULL" if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else value, column in CODE_COLUMNS)
             for column, value in row.items()] for _, row in sample.iterrows()]
    return render("sample.html.j2", error=None, columns=list(sample.columns), rows=rows)
