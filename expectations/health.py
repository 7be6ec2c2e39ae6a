"""Data health checks over a loaded run: freshness, volume, field completeness per outlet, language mix,
entities and stories per article. Each is an expectation with a severity, in the quality_results shape,
and each names the SQL that lists its failing rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pandas as pd

from newsetl.transforms import run_history
from newsetl.transforms.batch_tables import RESULT_COLUMNS
from newsetl.transforms.codes import COMPLETED
from newsetl.transforms.settings import Settings

# Critical health checks make the run FAIL; the others WARN (see expectations/verdict.py).
# An article outside every story means clustering lost it: the warehouse is wrong, not just thin.
CRITICAL = {"health_stories_per_article"}
MISSING = {  # SQL predicate on articles `a` that is true where the field is missing
    "published_at": "a.published_at is null",
    "authors": "a.authors is null or len(a.authors) = 0",
    "title": "a.title is null or trim(a.title) = ''",
    "outlet": "a.outlet is null or trim(a.outlet) = ''",
}
NO_OUTLET = "(no outlet)"


@dataclass(frozen=True)
class HealthSettings:
    """Thresholds of the health checks; of() takes the common ones from the settings (NEWSETL_HEALTH_*)."""

    max_age: timedelta = timedelta(days=7)
    # Articles dated later than this after their run started: a date parsed wrong, or a clock that lies.
    max_ahead: timedelta = timedelta(days=1)
    # Loaded articles must lie within [low, high] x the median of the earlier completed runs ...
    volume_low: float = 0.5
    volume_high: float = 2.0
    # ... of which the last volume_history are taken, and at least volume_min_history are needed.
    volume_history: int = 10
    volume_min_history: int = 3
    # Least share of an outlet's articles that carry the field.
    min_present: dict[str, float] = field(default_factory=lambda: {
        "published_at": 0.8, "authors": 0.5, "title": 0.95, "outlet": 0.9})
    # Outlets with fewer articles in the run are not judged: a share of one to four articles says little.
    min_outlet_articles: int = 5
    max_non_german_share: float = 0.1
    min_entities: int = 1
    max_entities: int = 300

    @classmethod
    def of(cls, settings: Settings | None = None) -> HealthSettings:
        """The thresholds of these settings, else of the settings read now."""
        settings = settings or Settings.resolve()
        return cls(max_age=timedelta(days=settings.health_max_age_days), volume_low=settings.health_volume_low,
                   volume_high=settings.health_volume_high, max_non_german_share=settings.health_max_non_german)


# The run's loaded articles; every check below reads them through this.
RUN_ARTICLES = """select a.* from articles a join documents d using (doc_id)
                  where d.run_id = ? and d.status = 'loaded'"""


def _row(run_id: str, table: str, expectation: str, column: str | None, success: bool, unexpected: int,
         elements: int) -> dict:
    return {"run_id": run_id, "table_name": table, "expectation": expectation, "column_name": column,
            "critical": expectation.split("[")[0] in CRITICAL, "success": bool(success),
            "unexpected_count": int(unexpected), "element_count": int(elements)}


def _scalar(con, sql: str, params: list | None = None):
    return con.execute(sql, params or []).fetchone()[0]


def _run_started(con, run_id: str) -> datetime:
    started = con.execute("select started_at from runs where run_id = ?", [run_id]).fetchone()
    return started[0] if started and started[0] else datetime.now(timezone.utc)


def _freshness(con, run_id: str, settings: HealthSettings) -> dict:
    """The warehouse's newest article, as of the run's start: a feed that stopped shows here first."""
    newest = _scalar(con, "select max(published_at) from articles")
    started = _run_started(con, run_id)
    if newest is not None and newest.tzinfo is None:
        newest = newest.replace(tzinfo=timezone.utc)  # published_at is stored as naive UTC
    fresh = newest is not None and started - newest <= settings.max_age
    return _row(run_id, "articles", "health_freshness", "published_at", fresh, 0 if fresh else 1, 1)


def _future_sql(run_id_param: str, settings: HealthSettings) -> str:
    """SQL predicate on articles `a`: dated more than max_ahead after the run's start (published_at is naive UTC)."""
    return (f"a.published_at > (select timezone('UTC', started_at) from runs where run_id = {run_id_param}) "
            f"+ to_seconds({settings.max_ahead.total_seconds()})")


def _future_dates(con, run_id: str, settings: HealthSettings) -> dict | None:
    """The run's articles dated more than a day after the run: a warning, not a reason to drop them."""
    future, total = con.execute(f"select count(*) filter (where {_future_sql('$run', settings)}), count(*) "
                                f"from ({RUN_ARTICLES.replace('?', '$run')}) a", {"run": run_id}).fetchone()
    if not total:
        return None
    return _row(run_id, "articles", "health_future_dates", "published_at", future == 0, future, total)


def _volume(con, run_id: str, settings: HealthSettings) -> dict:
    loaded = _scalar(con, f"select count(*) from ({RUN_ARTICLES})", [run_id])
    runs = run_history.runs_by_commit(con, "run_id, status, loaded")  # commit order: clocks may lie
    earlier = runs[(runs["status"] == COMPLETED) & (runs["run_id"] != run_id)]["loaded"].head(settings.volume_history)
    if len(earlier) < settings.volume_min_history:
        return _row(run_id, "runs", "health_volume", "loaded", True, 0, 0)
    median = float(earlier.median())
    within = settings.volume_low * median <= loaded <= settings.volume_high * median
    return _row(run_id, "runs", "health_volume", "loaded", within, 0 if within else 1, 1)


def _completeness(con, run_id: str, settings: HealthSettings) -> list[dict]:
    """Share present per outlet for date, authors and title (an outlet's template change shows there);
    the outlet itself over the whole run."""
    rows = []
    outlet_missing = f"count(*) filter (where {MISSING['outlet']})"
    missing, total = con.execute(f"select {outlet_missing}, count(*) from ({RUN_ARTICLES}) a", [run_id]).fetchone()
    if total:
        rows.append(_row(run_id, "articles", "health_completeness", "outlet",
                         (total - missing) / total >= settings.min_present["outlet"], missing, total))
    for column in ("published_at", "authors", "title"):
        per_outlet = con.execute(f"""
            select coalesce(nullif(trim(a.outlet), ''), '{NO_OUTLET}') as outlet,
                   count(*) filter (where {MISSING[column]}) as missing, count(*) as total
            from ({RUN_ARTICLES}) a group by 1 order by 1""", [run_id]).fetchall()
        for outlet, missing, total in per_outlet:
            if total < settings.min_outlet_articles:
                continue
            rows.append(_row(run_id, "articles", f"health_completeness[{outlet}]", column,
                             (total - missing) / total >= settings.min_present[column], missing, total))
    return rows


def _language_mix(con, run_id: str, settings: HealthSettings) -> dict | None:
    foreign, total = con.execute(f"""select count(*) filter (where a.language is distinct from 'de'), count(*)
                                     from ({RUN_ARTICLES}) a""", [run_id]).fetchone()
    if not total:
        return None
    return _row(run_id, "articles", "health_language_mix", "language",
                foreign / total <= settings.max_non_german_share, foreign, total)


def _per_article(con, run_id: str, settings: HealthSettings) -> list[dict]:
    entities_out, stories_out, total = con.execute(f"""
        with run_articles as ({RUN_ARTICLES}),
             entity_counts as (select a.doc_id, count(distinct m.entity_id) as n
                               from run_articles a left join mentions m using (doc_id) group by a.doc_id),
             story_counts as (select a.doc_id, count(s.story_id) as n
                              from run_articles a left join stories s using (doc_id) group by a.doc_id)
        select (select count(*) from entity_counts where n not between ? and ?),
               (select count(*) from story_counts where n <> 1),
               (select count(*) from run_articles)""",
                                                   [run_id, settings.min_entities, settings.max_entities]).fetchone()
    if not total:
        return []
    return [_row(run_id, "articles", "health_entities_per_article", "entity_id", entities_out == 0, entities_out, total),
            _row(run_id, "articles", "health_stories_per_article", "story_id", stories_out == 0, stories_out, total)]


def health_checks(con, run_id: str, settings: HealthSettings | None = None) -> pd.DataFrame:
    """The health checks of a loaded run, read through a warehouse connection, as quality_results rows."""
    settings = settings or HealthSettings.of()
    rows = [_freshness(con, run_id, settings), _volume(con, run_id, settings), *_completeness(con, run_id, settings),
            _language_mix(con, run_id, settings), *_per_article(con, run_id, settings),
            _future_dates(con, run_id, settings)]
    return pd.DataFrame([r for r in rows if r is not None], columns=RESULT_COLUMNS)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def failing_rows_sql(run_id: str, expectation: str, column: str | None,
                     settings: HealthSettings | None = None) -> str | None:
    """SQL that lists the rows behind a failed health check (doc_id and source_path where rows are articles)."""
    settings = settings or HealthSettings.of()
    articles = ("select d.doc_id, d.source_path, a.outlet, a.language from articles a join documents d using (doc_id) "
                f"where d.run_id = {_quote(run_id)} and d.status = 'loaded'")
    if expectation == "health_freshness":
        return ("select d.doc_id, d.source_path, a.outlet, a.published_at from articles a "
                "join documents d using (doc_id) where d.status = 'loaded' order by a.published_at desc nulls last limit 10")
    if expectation == "health_volume":
        return "select run_id, started_at, status, files_seen, loaded from runs order by started_at desc limit 12"
    if expectation == "health_completeness":
        return f"{articles} and ({MISSING[column]})"
    if expectation.startswith("health_completeness["):
        outlet = expectation.removeprefix("health_completeness[").removesuffix("]")
        which = MISSING["outlet"] if outlet == NO_OUTLET else f"a.outlet = {_quote(outlet)}"
        return f"{articles} and ({which}) and ({MISSING[column]})"
    if expectation == "health_future_dates":
        return (f"select d.doc_id, d.source_path, a.published_at from articles a join documents d using (doc_id) "
                f"where d.run_id = {_quote(run_id)} and d.status = 'loaded' and {_future_sql(_quote(run_id), settings)}")
    if expectation == "health_language_mix":
        return f"{articles} and a.language is distinct from 'de'"
    if expectation == "health_entities_per_article":
        return (f"select x.doc_id, x.source_path, count(distinct m.entity_id) as entities from ({articles}) x "
                f"left join mentions m using (doc_id) group by all "
                f"having count(distinct m.entity_id) not between {settings.min_entities} and {settings.max_entities}")
    if expectation == "health_stories_per_article":
        return (f"select x.doc_id, x.source_path, count(s.story_id) as stories from ({articles}) x "
                f"left join stories s using (doc_id) group by all having count(s.story_id) <> 1")
    return None
