"""What the report shows, read from the warehouse by SQL: run history with verdicts, rows per table and
run, the articles' mix, failed expectations with the first failing rows, quarantined files, staleness."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd

from newsetl.expectations import health
from newsetl.expectations.verdict import verdict
from newsetl.transforms import run_history
from newsetl.transforms.codes import COMPLETED
from newsetl.transforms.report.queries import failing_rows_sql, sql_file, sql_quote
from newsetl.transforms.report.samples import failure_samples
from newsetl.transforms.report.values import age, as_utc, fmt_time
from newsetl.transforms.settings import Settings

QUARANTINE_ROWS = 50
COUNTED_TABLES = ["documents", "articles", "mentions", "themes", "stories", "quarantine", "quality_results"]
MISSING_FIELDS = ["published_at", "authors", "outlet", "title"]
HISTORY_HEADERS = ["run", "started", "status", "verdict", "files", "loaded", "quarantined", "duplicates",
                   "quarantine rate", "critical failed", "warnings failed", "clock"]


@dataclass
class ReportData:
    """Everything the page shows, read by SQL; the renderers only format it."""

    history: pd.DataFrame          # one row per run, newest first, with its verdict
    table_counts: pd.DataFrame     # rows per table and run
    totals: dict[str, int]         # rows per table now
    missing_rates: pd.DataFrame    # share of the run's articles without each field
    outlets: pd.DataFrame          # articles per outlet over the runs shown
    languages: pd.DataFrame        # articles per language over the runs shown
    failures: pd.DataFrame         # failed expectations of the runs shown, with a query and sample rows
    quarantine: pd.DataFrame       # quarantined rows of the runs shown
    stale: str | None              # why the page's data is not current, or None
    unreadable: list[str]          # tables the warehouse does not have (yet)
    generated_at: datetime


class _Reader:
    """Runs the report's queries; a table (or column) the warehouse lacks yields no rows and is named on the page."""

    def __init__(self, con):
        self.con = con
        self.unreadable: list[str] = []

    def frame(self, sql: str, params: list | None = None, columns: list[str] | None = None) -> pd.DataFrame:
        try:
            return self.con.execute(sql, params or []).df()
        except (duckdb.CatalogException, duckdb.BinderException) as exc:
            missing = re.search(r"Table with name (\w+) does not exist", str(exc))
            name = missing.group(1) if missing else str(exc).splitlines()[0]
            if name not in self.unreadable:
                self.unreadable.append(name)
            return pd.DataFrame(columns=columns or [])


HISTORY_COLUMNS = ["run_id", "started_at", "finished_at", "status", "files_seen", "loaded", "quarantined", "duplicates",
                   "committed_at", "clock_flag"]


def _history(reader: _Reader, runs: int, now: datetime) -> pd.DataFrame:
    """The last `runs` runs in commit order, newest first (their clocks may lie), with their verdicts."""
    try:
        history = run_history.runs_by_commit(reader.con).head(runs)
    except (duckdb.CatalogException, duckdb.BinderException):
        reader.unreadable.append("runs")
        history = pd.DataFrame(columns=HISTORY_COLUMNS)
    history = history.reindex(columns=HISTORY_COLUMNS)
    # A run whose times lie ahead of the report's now ran with a fast clock, whether or not a later run said so.
    history["clock_flag"] = [run_history.AHEAD if run_history.ahead_of(r, now) else
                             (r["clock_flag"] if isinstance(r["clock_flag"], str) else None)
                             for _, r in history.iterrows()]
    failed = reader.frame(sql_file("failed_by_run"), columns=["run_id", "critical_failed", "warnings_failed"])
    history = history.merge(failed, on="run_id", how="left")
    for column in ("critical_failed", "warnings_failed"):
        history[column] = history[column].fillna(0).astype(int)
    history["verdict"] = [verdict(r.status, r.critical_failed, r.warnings_failed, 0 if pd.isna(r.quarantined) else r.quarantined)
                          for r in history.itertuples()]
    history["quarantine_rate"] = [None if pd.isna(r.files_seen) or not r.files_seen or pd.isna(r.quarantined)
                                  else r.quarantined / r.files_seen for r in history.itertuples()]
    return history


def _run_ids(history: pd.DataFrame) -> str:
    return "(" + ", ".join(sql_quote(r) for r in history["run_id"]) + ")" if len(history) else "(null)"


def _table_counts(reader: _Reader, history: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    ids = _run_ids(history)
    loaded_docs = f"(select doc_id, run_id from documents where status = 'loaded' and run_id in {ids})"
    queries = {
        "documents": f"select run_id, count(*) as n from documents where run_id in {ids} group by 1",
        "quarantine": f"select run_id, count(*) as n from quarantine where run_id in {ids} group by 1",
        "quality_results": f"select run_id, count(*) as n from quality_results where run_id in {ids} group by 1",
        **{t: f"select d.run_id, count(*) as n from {t} x join {loaded_docs} d using (doc_id) group by 1"
           for t in ("articles", "mentions", "themes", "stories")},
    }
    counts = history[["run_id"]].copy()
    for table in COUNTED_TABLES:
        per_run = reader.frame(queries[table], columns=["run_id", "n"])
        counts[table] = counts["run_id"].map(dict(zip(per_run["run_id"], per_run["n"]))).fillna(0).astype(int)
    totals = {}
    for table in [*COUNTED_TABLES, "entities"]:
        total = reader.frame(f"select count(*) as n from {table}", columns=["n"])
        if len(total):
            totals[table] = int(total["n"].iloc[0])
    return counts, totals


def _article_mix(reader: _Reader, history: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ids = _run_ids(history)
    run_articles = (f"select d.run_id, a.* from articles a join documents d using (doc_id) "
                    f"where d.status = 'loaded' and d.run_id in {ids}")
    rates = ", ".join(f"avg(case when {health.MISSING[f]} then 1.0 else 0.0 end) as {f}" for f in MISSING_FIELDS)
    missing = reader.frame(f"select run_id, count(*) as articles, {rates} from ({run_articles}) a group by run_id",
                           columns=["run_id", "articles", *MISSING_FIELDS])
    outlets = reader.frame(f"""select coalesce(nullif(trim(outlet), ''), '{health.NO_OUTLET}') as outlet, count(*) as articles
                               from ({run_articles}) group by 1 order by articles desc, outlet""",
                           columns=["outlet", "articles"])
    languages = reader.frame(f"""select coalesce(language, '(unknown)') as language, count(*) as articles
                                 from ({run_articles}) group by 1 order by articles desc, language""",
                             columns=["language", "articles"])
    return missing, outlets, languages


def _failures(reader: _Reader, history: pd.DataFrame, out_dir: Path) -> pd.DataFrame:
    failures = reader.frame(sql_file("failures", run_ids=_run_ids(history)),
                            columns=["run_id", "table_name", "expectation", "column_name", "critical", "unexpected",
                                     "elements"])
    queries = [failing_rows_sql(row.run_id, row.table_name, row.expectation, row.column_name, bool(row.critical))
               for row in failures.itertuples()]
    return failures.assign(query=queries, sample_html=failure_samples(reader.con, failures.assign(query=queries), out_dir))


def _quarantine(reader: _Reader, history: pd.DataFrame) -> pd.DataFrame:
    return reader.frame(sql_file("quarantine", run_ids=_run_ids(history)),
                        columns=["run_id", "doc_id", "source_path", "stage", "reason", "detail"])


def _stale(history: pd.DataFrame, now: datetime, stale_after: timedelta) -> str | None:
    """Why the data is not current: the last committed run failed, or it committed too long ago (its
    commit's time against now: a run's own clock may be wrong)."""
    if history.empty:
        return "No run is recorded in this warehouse yet."
    latest = history.iloc[0]
    completed = history[history["status"] == COMPLETED]
    last_good = (f"the newest completed run is {completed.iloc[0]['run_id']} "
                 f"({age(now - _committed(completed.iloc[0]))} old)" if len(completed)
                 else "no completed run is among the runs shown")
    if latest["status"] != COMPLETED:
        return (f"The latest run {latest['run_id']} {latest['status'] or 'did not complete'} "
                f"(started {fmt_time(latest['started_at'])}): nothing it read reached the warehouse; {last_good}.")
    since = now - _committed(latest)
    if since > stale_after:
        return (f"The newest run {latest['run_id']} committed {age(since)} ago (more than {age(stale_after)}): "
                "the warehouse may be missing recent articles; is the schedule running?")
    return None


def _committed(row) -> datetime:
    """When a run's last commit happened, else (a rebuilt catalog) when it started."""
    return as_utc(row.get("committed_at")) or as_utc(row["started_at"])


def collect(con, runs: int = 30, now: datetime | None = None, stale_after: timedelta | None = None,
            out_dir: str | Path | None = None) -> ReportData:
    """Read everything the report shows for the last `runs` runs; out_dir keeps the failing rows already read
    (samples.py). stale_after defaults to the settings' (NEWSETL_REPORT_STALE_HOURS)."""
    now = now or datetime.now(timezone.utc)
    if stale_after is None:
        stale_after = Settings.resolve().report_stale_after()
    reader = _Reader(con)
    history = _history(reader, runs, now)
    counts, totals = _table_counts(reader, history)
    missing, outlets, languages = _article_mix(reader, history)
    return ReportData(history=history, table_counts=counts, totals=totals, missing_rates=missing, outlets=outlets,
                      languages=languages, failures=_failures(reader, history, Path(out_dir) if out_dir else None),
                      quarantine=_quarantine(reader, history), stale=_stale(history, now, stale_after),
                      unreadable=reader.unreadable, generated_at=now)


def runs_in_focus(history: pd.DataFrame) -> set[str]:
    """The latest run and the newest completed one (what the warehouse holds when the latest failed)."""
    completed = history.loc[history["status"] == COMPLETED, "run_id"]
    return {history["run_id"].iloc[0], *completed.head(1)} if len(history) else set()

