"""The maintainers' data-quality report: a verdict per run, history and trends, and where to look.

Built from the warehouse alone, through a read connection and SQL, so it can be rebuilt at any time
(`newsetl report`) and after a failed run. One self-contained HTML page (inline CSS and SVG, a
Content-Security-Policy that forbids every request) and the Markdown used as the Prefect artifact.
"""
from __future__ import annotations

import html
import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd

from newsetl.expectations import health
from newsetl.expectations.suites import SUITES, Check
from newsetl.transforms import run_history

VERDICT_RULE = ("FAIL when the run failed (runs.status is not completed) or a critical expectation failed; "
                "WARN when a warning-level expectation failed or a file was quarantined; PASS otherwise. "
                "Failed expectations are counted once per table, expectation and column, however many batches failed it.")
DEFAULT_STALE_AFTER = timedelta(hours=float(os.environ.get("NEWSETL_REPORT_STALE_HOURS", 48)))
SAMPLE_ROWS = 5
QUARANTINE_ROWS = 50
COUNTED_TABLES = ["documents", "articles", "mentions", "themes", "stories", "quarantine", "quality_results"]
MISSING_FIELDS = ["published_at", "authors", "outlet", "title"]


def verdict(status: str | None, critical_failures: int, warnings: int, quarantined: int) -> str:
    """The one place the verdict is decided (VERDICT_RULE says the same in words)."""
    if status != "completed" or critical_failures > 0:
        return "FAIL"
    if warnings > 0 or quarantined > 0:
        return "WARN"
    return "PASS"


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


# ---------------------------------------------------------------- reading the warehouse

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
    failed = reader.frame("""select run_id, count(*) filter (where critical) as critical_failed,
                                    count(*) filter (where not critical) as warnings_failed
                             from (select distinct run_id, table_name, expectation, column_name, critical
                                   from quality_results where not success)
                             group by run_id""", columns=["run_id", "critical_failed", "warnings_failed"])
    history = history.merge(failed, on="run_id", how="left")
    for column in ("critical_failed", "warnings_failed"):
        history[column] = history[column].fillna(0).astype(int)
    history["verdict"] = [verdict(r.status, r.critical_failed, r.warnings_failed, 0 if pd.isna(r.quarantined) else r.quarantined)
                          for r in history.itertuples()]
    history["quarantine_rate"] = [None if pd.isna(r.files_seen) or not r.files_seen or pd.isna(r.quarantined)
                                  else r.quarantined / r.files_seen for r in history.itertuples()]
    return history


def _run_ids(history: pd.DataFrame) -> str:
    return "(" + ", ".join(_quote(r) for r in history["run_id"]) + ")" if len(history) else "(null)"


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


def _check(table: str, expectation: str, column: str | None) -> Check | None:
    """The suite's check behind a quality_results row (GX names them in snake case)."""
    for check in SUITES.get(table, []):
        kind = "ExpectColumnValuesToBeInSet" if check.kind == "ExpectColumnValuesToBeEqual" else check.kind
        if check.column == column and re.sub(r"(?<!^)([A-Z])", r"_\1", kind).lower() == expectation:
            return check
    return None


def _violation(check: Check, column: str) -> str:
    """SQL predicate, true for the rows that fail the check."""
    args = check.kwargs or {}
    if check.kind == "ExpectColumnValuesToBeEqual" and check.column == "offsets_match":
        return "substr(a.body, t.start_char + 1, t.end_char - t.start_char) is distinct from t.surface"
    if check.kind == "ExpectColumnValuesToNotBeNull":
        return f"{column} is null"
    if check.kind == "ExpectColumnValueLengthsToEqual":
        return f"length({column}) <> {args['value']}"
    if check.kind in ("ExpectColumnValuesToBeInSet", "ExpectColumnValuesToBeEqual"):
        allowed = args["value_set"] if "value_set" in args else [args["value"]]
        return f"{column} not in ({', '.join(_quote(v) for v in allowed)})"
    if check.kind == "ExpectColumnValuesToBeUnique":
        return f"{column} in (select {check.column} from {{table}} group by 1 having count(*) > 1)"
    measure = f"length({column})" if check.kind == "ExpectColumnValueLengthsToBeBetween" else column
    bounds = ([f"{measure} < {args['min_value']}"] if "min_value" in args else []) + \
             ([f"{measure} > {args['max_value']}"] if "max_value" in args else [])
    return " or ".join(bounds)


def failing_rows_sql(run_id: str, table: str, expectation: str, column: str | None, critical: bool) -> str | None:
    """SQL listing the rows behind a failed expectation of a run, by doc_id and source_path.

    Rows that failed a critical expectation were moved to quarantine, so they are looked up there.
    """
    run = _quote(run_id)
    if expectation.startswith("health_"):
        return health.failing_rows_sql(run_id, expectation, column)
    if critical and table != "documents":
        return ("select q.doc_id, d.source_path, q.stage, q.reason, q.detail from quarantine q "
                "left join documents d on d.doc_id = q.doc_id and d.run_id = q.run_id "
                f"where q.run_id = {run} and q.detail = {_quote(f'{table}: {expectation} on {column}')}")
    if table == "article_entities":
        return ("select d.doc_id, d.source_path from articles a join documents d using (doc_id) "
                f"where d.run_id = {run} and d.status = 'loaded' "
                "and not exists (select 1 from mentions m where m.doc_id = a.doc_id)")
    check = _check(table, expectation, column)
    if check is None:
        return None
    if table == "documents":
        return (f"select t.doc_id, t.source_path, t.{column} from documents t "
                f"where t.run_id = {run} and ({_violation(check, 't.' + column).format(table='documents')})")
    if table == "entities":
        return ("select distinct t.entity_id, t.name, t.country_code, d.doc_id, d.source_path from entities t "
                "join mentions m using (entity_id) join documents d using (doc_id) "
                f"where d.run_id = {run} and d.status = 'loaded' and ({_violation(check, 't.' + column).format(table='entities')})")
    body_join = " join articles a using (doc_id)" if check.column == "offsets_match" else ""
    return (f"select t.doc_id, d.source_path, t.{column if check.column != 'offsets_match' else 'surface'} from {table} t "
            f"join documents d using (doc_id){body_join} where d.run_id = {run} and d.status = 'loaded' "
            f"and ({_violation(check, 't.' + column).format(table=table)})")


def _failures(reader: _Reader, history: pd.DataFrame) -> pd.DataFrame:
    failures = reader.frame(f"""
        select run_id, table_name, expectation, column_name, critical,
               sum(unexpected_count) as unexpected, sum(element_count) as elements
        from quality_results where not success and run_id in {_run_ids(history)}
        group by all order by run_id, critical desc, table_name, expectation, column_name""",
                            columns=["run_id", "table_name", "expectation", "column_name", "critical", "unexpected",
                                     "elements"])
    queries, samples = [], []
    for row in failures.itertuples():
        sql = failing_rows_sql(row.run_id, row.table_name, row.expectation, row.column_name, bool(row.critical))
        queries.append(sql)
        samples.append(_sample(reader, sql))
    return failures.assign(query=queries, sample=samples)


def _sample(reader: _Reader, sql: str | None) -> pd.DataFrame | str | None:
    """The first failing rows, or why they could not be read."""
    if sql is None:
        return None
    try:
        return reader.con.execute(f"select * from ({sql}) limit {SAMPLE_ROWS}").df()
    except duckdb.Error as exc:
        return f"query failed: {str(exc).splitlines()[0]}"


def _quarantine(reader: _Reader, history: pd.DataFrame) -> pd.DataFrame:
    return reader.frame(f"""
        select q.run_id, q.doc_id, d.source_path, q.stage, q.reason, q.detail
        from quarantine q left join documents d on d.doc_id = q.doc_id and d.run_id = q.run_id
        where q.run_id in {_run_ids(history)}
        order by q.run_id, q.reason, d.source_path""",
                        columns=["run_id", "doc_id", "source_path", "stage", "reason", "detail"])


def quarantine_sql(run_id: str, reason: str) -> str:
    """SQL listing a run's files quarantined for one reason."""
    return ("select q.doc_id, d.source_path, q.stage, q.detail from quarantine q "
            "left join documents d on d.doc_id = q.doc_id and d.run_id = q.run_id "
            f"where q.run_id = {_quote(run_id)} and q.reason = {_quote(reason)}")


def _as_utc(value) -> datetime | None:
    if value is None or pd.isna(value):
        return None
    value = pd.Timestamp(value).to_pydatetime()
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _stale(history: pd.DataFrame, now: datetime, stale_after: timedelta) -> str | None:
    """Why the data is not current: the last committed run failed, or it committed too long ago (its
    commit's time against now: a run's own clock may be wrong)."""
    if history.empty:
        return "No run is recorded in this warehouse yet."
    latest = history.iloc[0]
    completed = history[history["status"] == "completed"]
    last_good = (f"the newest completed run is {completed.iloc[0]['run_id']} "
                 f"({_age(now - _committed(completed.iloc[0]))} old)" if len(completed)
                 else "no completed run is among the runs shown")
    if latest["status"] != "completed":
        return (f"The latest run {latest['run_id']} {latest['status'] or 'did not complete'} "
                f"(started {_fmt_time(latest['started_at'])}): nothing it read reached the warehouse; {last_good}.")
    age = now - _committed(latest)
    if age > stale_after:
        return (f"The newest run {latest['run_id']} committed {_age(age)} ago (more than {_age(stale_after)}): "
                "the warehouse may be missing recent articles; is the schedule running?")
    return None


def _committed(row) -> datetime:
    """When a run's last commit happened, else (a rebuilt catalog) when it started."""
    return _as_utc(row.get("committed_at")) or _as_utc(row["started_at"])


def _age(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"


def _fmt_time(value) -> str:
    value = _as_utc(value)
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def collect(con, runs: int = 30, now: datetime | None = None,
            stale_after: timedelta = DEFAULT_STALE_AFTER) -> ReportData:
    """Read everything the report shows for the last `runs` runs."""
    now = now or datetime.now(timezone.utc)
    reader = _Reader(con)
    history = _history(reader, runs, now)
    counts, totals = _table_counts(reader, history)
    missing, outlets, languages = _article_mix(reader, history)
    return ReportData(history=history, table_counts=counts, totals=totals, missing_rates=missing, outlets=outlets,
                      languages=languages, failures=_failures(reader, history), quarantine=_quarantine(reader, history),
                      stale=_stale(history, now, stale_after), unreadable=reader.unreadable, generated_at=now)


# ---------------------------------------------------------------- commands and links

def query_command(sql: str, warehouse: str | Path | None = None) -> str:
    """A `newsetl query` command line that runs the SQL, quoted for a POSIX shell."""
    quoted = '"' + re.sub(r'(["\\$`])', r"\\\1", " ".join(sql.split())) + '"'
    target = f" --warehouse {_shell_word(str(warehouse))}" if warehouse else ""
    return f"newsetl query {quoted}{target}"


def _shell_word(word: str) -> str:
    return word if re.fullmatch(r"[\w./-]+", word) else "'" + word.replace("'", "'\\''") + "'"


def data_docs_pages(out_dir: Path, run_id: str) -> list[Path]:
    """The run's validation pages in the Great Expectations Data Docs under out_dir, if they were built."""
    site = out_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "validations"
    return sorted(site.glob(f"*/{run_id}/**/*.html")) if site.is_dir() else []


# ---------------------------------------------------------------- SVG charts (inline, no library)

PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#b83280", "#6b46c1", "#718096"]
CHART_W, CHART_H, PAD_L, PAD_B, PAD_T = 640, 220, 48, 44, 16


def _esc(value) -> str:
    return html.escape("" if value is None else str(value))


def _legend(names: list[str]) -> str:
    return "".join(f'<span class="key"><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{_esc(n)}</span>'
                   for i, n in enumerate(names))


def _nice_max(value: float) -> float:
    """The smallest 4 x (1, 2, 2.5 or 5 x 10^k) at or above value, so that the four grid steps read well."""
    step = max(value, 1) / 4
    magnitude = 10 ** math.floor(math.log10(step))
    return 4 * magnitude * next(m for m in (1, 2, 2.5, 5, 10) if m * magnitude >= step)


def _axes(y_max: float, labels: list[str], percent: bool) -> str:
    plot_h = CHART_H - PAD_B - PAD_T
    parts = []
    for step in range(5):
        value = y_max * step / 4
        y = CHART_H - PAD_B - plot_h * step / 4
        text = f"{value:.0%}" if percent else f"{value:,.4g}"
        parts.append(f'<line x1="{PAD_L}" x2="{CHART_W}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{PAD_L - 4}" y="{y + 4:.1f}" text-anchor="end">{text}</text>')
    slot = (CHART_W - PAD_L) / max(len(labels), 1)
    every = max(1, len(labels) // 8)  # at most about eight labels under the axis
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(f'<text x="{PAD_L + slot * (i + 0.5):.1f}" y="{CHART_H - PAD_B + 16}" '
                         f'text-anchor="middle">{_esc(label)}</text>')
    return "".join(parts)


def _svg(title: str, inner: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {CHART_W} {CHART_H}" role="img" aria-label="{_esc(title)}">'
            f"<title>{_esc(title)}</title>{inner}</svg>")


def stacked_bars(title: str, labels: list[str], series: dict[str, list[float]]) -> str:
    """Bars per run, one stacked segment per series."""
    totals = [sum(values[i] or 0 for values in series.values()) for i in range(len(labels))]
    y_max = _nice_max(max(totals + [1]))
    plot_h = CHART_H - PAD_B - PAD_T
    slot = (CHART_W - PAD_L) / max(len(labels), 1)
    bars = []
    for i, label in enumerate(labels):
        base = CHART_H - PAD_B
        for k, (name, values) in enumerate(series.items()):
            height = plot_h * (values[i] or 0) / y_max
            base -= height
            bars.append(f'<rect x="{PAD_L + slot * i + slot * 0.15:.1f}" y="{base:.1f}" width="{slot * 0.7:.1f}" '
                        f'height="{height:.1f}" fill="{PALETTE[k % len(PALETTE)]}">'
                        f"<title>{_esc(label)}: {_esc(name)} {values[i] or 0:,.0f}</title></rect>")
    return _svg(title, _axes(y_max, labels, False) + "".join(bars)) + f'<div class="legend">{_legend(list(series))}</div>'


def share_lines(title: str, labels: list[str], series: dict[str, list[float | None]]) -> str:
    """A line per series of shares (0..1) over the runs; runs without a value break the line."""
    known = [v for values in series.values() for v in values if v is not None and not pd.isna(v)]
    y_max = min(1.0, _nice_max(100 * max(known + [0.0])) / 100)
    plot_h = CHART_H - PAD_B - PAD_T
    slot = (CHART_W - PAD_L) / max(len(labels), 1)
    paths = []
    for k, (name, values) in enumerate(series.items()):
        color = PALETTE[k % len(PALETTE)]
        points, segments = [], []
        for i, value in enumerate(values):
            if value is None or pd.isna(value):
                segments.append(points)
                points = []
                continue
            x, y = PAD_L + slot * (i + 0.5), CHART_H - PAD_B - plot_h * value / y_max
            points.append((x, y))
            paths.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}">'
                         f"<title>{_esc(labels[i])}: {_esc(name)} {value:.1%}</title></circle>")
        segments.append(points)
        for segment in segments:
            if len(segment) > 1:
                paths.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                             + " ".join(f"{x:.1f},{y:.1f}" for x, y in segment) + '"/>')
    return _svg(title, _axes(y_max, labels, True) + "".join(paths)) + f'<div class="legend">{_legend(list(series))}</div>'


def horizontal_bars(title: str, items: list[tuple[str, int]]) -> str:
    """One bar per item, longest first (the caller sorts)."""
    row_h, label_w = 20, 200
    height = row_h * len(items) + 8
    top = max([v for _, v in items] + [1])
    rows = []
    for i, (label, value) in enumerate(items):
        width = (CHART_W - label_w - 60) * value / top
        y = 4 + i * row_h
        rows.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{_esc(label[:32])}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row_h - 6}" fill="{PALETTE[0]}">'
                    f"<title>{_esc(label)}: {value:,}</title></rect>"
                    f'<text x="{label_w + width + 4:.1f}" y="{y + 14}">{value:,}</text>')
    return (f'<svg class="chart" viewBox="0 0 {CHART_W} {height}" role="img" aria-label="{_esc(title)}">'
            f"<title>{_esc(title)}</title>{''.join(rows)}</svg>")


# ---------------------------------------------------------------- rendering

def _num(value) -> str:
    return "-" if value is None or pd.isna(value) else f"{int(value):,}"


def _pct(value) -> str:
    return "-" if value is None or pd.isna(value) else f"{value:.1%}"


def _run_label(row) -> str:
    started = _as_utc(row.started_at)
    return started.strftime("%m-%d %H:%M") if started else str(row.run_id)[:12]


def _table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    """An HTML table of already-escaped cells."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def runs_in_focus(history: pd.DataFrame) -> set[str]:
    """The latest run and the newest completed one (what the warehouse holds when the latest failed)."""
    completed = history.loc[history["status"] == "completed", "run_id"]
    return {history["run_id"].iloc[0], *completed.head(1)} if len(history) else set()


def _badge(value: str) -> str:
    return f'<span class="badge {value.lower()}">{value}</span>'


def _history_rows(data: ReportData) -> list[list[str]]:
    return [[f'<a href="#run-{_esc(r.run_id)}">{_esc(r.run_id)}</a>', _esc(_fmt_time(r.started_at)), _esc(r.status),
             _badge(r.verdict), _num(r.files_seen), _num(r.loaded), _num(r.quarantined), _num(r.duplicates),
             _pct(r.quarantine_rate), _num(r.critical_failed), _num(r.warnings_failed), _esc(_clock(r.clock_flag))]
            for r in data.history.itertuples()]


HISTORY_HEADERS = ["run", "started", "status", "verdict", "files", "loaded", "quarantined", "duplicates",
                   "quarantine rate", "critical failed", "warnings failed", "clock"]


def _clock(flag) -> str:
    return {run_history.BEHIND: "behind the previous run's", run_history.AHEAD: "ahead of now"}.get(flag, "")


def _sample_html(sample) -> str:
    if sample is None:
        return ""
    if isinstance(sample, str):
        return f'<p class="note">{_esc(sample)}</p>'
    if sample.empty:
        return ('<p class="note">No such rows in the warehouse now: the rows of documents quarantined later in '
                "the run left every table (see its quarantined rows).</p>")

    def cell(column, value) -> str:
        shown = "NULL" if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else value
        return f"<code>{_esc(shown)}</code>" if column in ("doc_id", "source_path") else _esc(shown)

    return _table([_esc(c) for c in sample.columns],
                  [[cell(c, v) for c, v in row.items()] for _, row in sample.iterrows()], "rows")


def _command_html(sql: str | None, warehouse) -> str:
    return f'<pre class="cmd">{_esc(query_command(sql, warehouse))}</pre>' if sql else ""


def _run_section(run, data: ReportData, out_dir: Path, warehouse, open_: bool) -> str:
    failures = data.failures[data.failures["run_id"] == run.run_id]
    quarantine = data.quarantine[data.quarantine["run_id"] == run.run_id]
    docs = data_docs_pages(out_dir, run.run_id)
    parts = [f'<details id="run-{_esc(run.run_id)}"{" open" if open_ else ""}>'
             f"<summary>{_badge(run.verdict)} run <code>{_esc(run.run_id)}</code> "
             f"started {_esc(_fmt_time(run.started_at))}: {_esc(run.status)}, "
             f"{_num(run.critical_failed)} critical failed, {_num(run.warnings_failed)} warnings, "
             f"{_num(run.quarantined)} quarantined</summary>"]
    if run.status != "completed":
        parts.append('<p class="note">This run failed: its files, articles and results were not loaded. '
                     "Its Prefect flow run logs say why; a new run picks its files up again.</p>")
    for failure in failures.itertuples():
        severity = "critical" if failure.critical else "warning"
        parts.append(f'<div class="failure {severity}"><h4>{severity}: {_esc(failure.table_name)} · '
                     f"{_esc(failure.expectation)} · {_esc(failure.column_name)}</h4>"
                     f"<p>{_num(failure.unexpected)} unexpected of {_num(failure.elements)} checked.</p>"
                     f"{_command_html(failure.query, warehouse)}{_sample_html(failure.sample)}</div>")
    if len(quarantine):
        parts.append(f"<h4>Quarantined rows ({len(quarantine)})</h4>")
        for reason in quarantine["reason"].drop_duplicates():
            parts.append(f"<p>{_esc(reason)}:</p>{_command_html(quarantine_sql(run.run_id, reason), warehouse)}")
        shown = quarantine.head(QUARANTINE_ROWS)
        parts.append(_table(["doc_id", "source_path", "stage", "reason", "detail"],
                            [[f"<code>{_esc(q.doc_id)}</code>", f"<code>{_esc(q.source_path)}</code>", _esc(q.stage),
                              _esc(q.reason), _esc(q.detail)] for q in shown.itertuples()], "rows quarantine"))
        if len(quarantine) > QUARANTINE_ROWS:
            parts.append(f'<p class="note">{len(quarantine) - QUARANTINE_ROWS} more: run the commands above.</p>')
    if docs:
        links = " ".join(f'<a href="{_esc(p.relative_to(out_dir).as_posix())}">{_esc(p.parent.parent.parent.name)}</a>'
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


def render_html(data: ReportData, out_dir: Path, warehouse=None) -> str:
    """The report as one self-contained page."""
    history = data.history
    chronological = history.iloc[::-1]
    labels = [_run_label(r) for r in chronological.itertuples()]
    body = ["<h1>newsetl data-quality report</h1>",
            f'<p class="note">Generated {_esc(_fmt_time(data.generated_at))} from the warehouse; '
            f"the last {len(history)} runs. Rebuild: <code>newsetl report</code>.</p>"]
    if data.stale:
        body.append(f'<div class="stale" id="stale">STALE: {_esc(data.stale)}</div>')
    if len(history):
        latest = history.iloc[0]
        body.append(f'<section class="verdict" id="verdict"><span class="big {latest.verdict.lower()}">{latest.verdict}</span>'
                    f'<div><div>Latest run <code>{_esc(latest.run_id)}</code>, started {_esc(_fmt_time(latest.started_at))}, '
                    f"status <b>{_esc(latest.status)}</b></div><div class=\"counts\">"
                    f"<span><b>{_num(latest.critical_failed)}</b> critical failures</span>"
                    f"<span><b>{_num(latest.warnings_failed)}</b> warnings</span>"
                    f"<span><b>{_num(latest.quarantined)}</b> quarantined files</span>"
                    f"<span><b>{_num(latest.loaded)}</b> loaded</span></div></div></section>")
    body.append(f'<p class="note"><b>Verdict rule.</b> {_esc(VERDICT_RULE)}</p>')
    if data.unreadable:
        body.append(f'<p class="note">Not readable in this warehouse (yet): {_esc(", ".join(data.unreadable))}.</p>')

    body.append('<h2 id="history">History</h2>')
    body.append(_table(HISTORY_HEADERS, _history_rows(data), "history"))

    body.append('<h2 id="trends">Trends</h2><div class="charts">')
    if len(history):
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

    body.append('<h2 id="tables">Rows per table and run</h2>')
    counts = data.table_counts
    body.append(_table(["run", *COUNTED_TABLES],
                       [[_esc(r["run_id"]), *(_num(r[t]) for t in COUNTED_TABLES)] for _, r in counts.iterrows()],
                       "table-counts"))
    body.append("<p>Rows in the warehouse now: " + ", ".join(f"{_esc(t)} <b>{_num(n)}</b>" for t, n in data.totals.items())
                + ". Articles, mentions, themes and stories count the rows of each run's loaded documents.</p>")

    body.append('<h2 id="where">Where to look</h2><p class="note">Per run: each failed expectation with a command '
                "that lists its rows (doc_id, source_path) and the first of them; each quarantined file; "
                "the run's Great Expectations Data Docs pages where they were built.</p>")
    opened = runs_in_focus(history)
    body += [_run_section(run, data, out_dir, warehouse, run.run_id in opened) for run in history.itertuples()]
    title = f"newsetl report: {history.iloc[0].verdict if len(history) else 'no runs'}"
    # default-src 'none': the page may not fetch anything, from any host, not even itself.
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{_esc(title)}</title>"
            f"<style>{CSS}</style></head><body><main>{''.join(body)}</main></body></html>\n")


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
                   f"{_num(latest.critical_failed)} critical failures, {_num(latest.warnings_failed)} warnings, "
                   f"{_num(latest.quarantined)} quarantined files, {_num(latest.loaded)} loaded.", ""]
    lines_ += [f"Verdict rule: {_md_text(VERDICT_RULE)}", "", "## History", "",
               "| " + " | ".join(HISTORY_HEADERS) + " |", "|" + " --- |" * len(HISTORY_HEADERS)]
    lines_ += ["| " + " | ".join([_md_code(r.run_id, in_table=True), _md_text(_fmt_time(r.started_at)),
                                  _md_text(r.status), r.verdict, _num(r.files_seen), _num(r.loaded), _num(r.quarantined),
                                  _num(r.duplicates), _md_text(_pct(r.quarantine_rate)), _num(r.critical_failed),
                                  _num(r.warnings_failed), _md_text(_clock(r.clock_flag))]) + " |"
               for r in history.itertuples()]
    for run in history[history["run_id"].isin(runs_in_focus(history))].itertuples():
        failures = data.failures[data.failures["run_id"] == run.run_id]
        quarantine = data.quarantine[data.quarantine["run_id"] == run.run_id]
        lines_ += ["", f"## Where to look: run {_md_text(run.run_id)} ({run.verdict}, {_md_text(run.status)})", ""]
        for f in failures.itertuples():
            lines_ += [f"- {'critical' if f.critical else 'warning'}: {_md_text(f.table_name)} {_md_text(f.expectation)} "
                       f"{_md_text(f.column_name)}: {_num(f.unexpected)} of {_num(f.elements)}"]
            if f.query:
                lines_ += [f"  {_md_code(query_command(f.query, warehouse))}"]
        if len(quarantine):
            lines_ += ["", "| doc_id | source_path | stage | reason | detail |", "| --- | --- | --- | --- | --- |"]
            lines_ += [f"| {_md_code(q.doc_id, True)} | {_md_code(q.source_path, True)} | {_md_text(q.stage)} | "
                       f"{_md_text(q.reason)} | {_md_text(q.detail or '')} |"
                       for q in quarantine.head(QUARANTINE_ROWS).itertuples()]
            for reason in quarantine["reason"].drop_duplicates():
                lines_ += ["", f"{_md_text(reason)}: {_md_code(query_command(quarantine_sql(run.run_id, reason), warehouse))}"]
        if run.status != "completed":
            lines_ += ["This run failed: nothing it read was loaded; its Prefect flow run logs say why."]
        elif failures.empty and quarantine.empty:
            lines_ += ["Nothing failed, nothing was quarantined."]
    lines_ += ["", "Charts and earlier runs' details: report.html beside this file."]
    return "\n".join(lines_) + "\n"


def build_report(con, out_dir: str | Path, runs: int = 30, *, warehouse: str | Path | None = None,
                 now: datetime | None = None, stale_after: timedelta = DEFAULT_STALE_AFTER) -> tuple[Path, str]:
    """Regenerate report.html and report.md under out_dir from the warehouse behind `con`.

    warehouse: the folder the page's `newsetl query` commands name (they use the default one without it).
    Returns the HTML page's path and the Markdown.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = collect(con, runs, now, stale_after)
    markdown = render_markdown(data, warehouse)
    (out_dir / "report.md").write_text(markdown, encoding="utf-8")
    page = out_dir / "report.html"
    page.write_text(render_html(data, out_dir, warehouse), encoding="utf-8")
    return page, markdown

