"""Health checks over a loaded run: freshness, volume, completeness per outlet, language mix, entities and
stories per article, each with the SQL that lists its failing rows."""
from __future__ import annotations

from datetime import datetime, timedelta

from contract import DOC_A, DOC_B, DOC_C, DOC_D, NOW, add_article, contract_warehouse

from newsetl.expectations.health import HealthSettings, failing_rows_sql, health_checks

SETTINGS = HealthSettings(max_age=timedelta(days=2), min_outlet_articles=2)


def _health(con, run_id: str = "r1", settings: HealthSettings = SETTINGS) -> dict:
    rows = health_checks(con, run_id, settings)
    return {(r.expectation, r.column_name): r for r in rows.itertuples()}


def test_freshness_fails_when_the_newest_article_is_older_than_the_allowed_age():
    con = contract_warehouse([("r1", NOW, 1, 1, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "a.txt", published=datetime(2026, 11, 27))
    assert not _health(con)[("health_freshness", "published_at")].success
    con.execute("update articles set published_at = '2026-11-29'")
    assert _health(con)[("health_freshness", "published_at")].success


def test_volume_is_judged_against_the_median_of_earlier_runs():
    con = contract_warehouse([(f"e{i}", NOW - timedelta(days=5 - i), 10, n, 0, 0, "completed") for i, n in enumerate([8, 10, 12])]
                     + [("r1", NOW, 3, 3, 0, 0, "completed")])
    for doc in (DOC_A, DOC_B, DOC_C):
        add_article(con, "r1", doc, f"{doc[0]}.txt")
    volume = _health(con)[("health_volume", "loaded")]
    assert (volume.success, volume.critical) == (False, False)  # 3 < 0.5 x 10


def test_volume_is_not_judged_without_enough_history():
    con = contract_warehouse([("r1", NOW, 1, 1, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "a.txt")
    assert _health(con)[("health_volume", "loaded")].success


def test_completeness_is_judged_per_outlet():
    con = contract_warehouse([("r1", NOW, 4, 4, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "a.txt", outlet="taz", published=None)
    add_article(con, "r1", DOC_B, "b.txt", outlet="taz", published=None)
    add_article(con, "r1", DOC_C, "c.txt", outlet="Spiegel")
    add_article(con, "r1", DOC_D, "d.txt", outlet="Spiegel")
    checks = _health(con)
    taz, spiegel = checks[("health_completeness[taz]", "published_at")], checks[("health_completeness[Spiegel]", "published_at")]
    assert (taz.success, taz.unexpected_count, taz.element_count) == (False, 2, 2)
    assert spiegel.success
    sql = failing_rows_sql("r1", "health_completeness[taz]", "published_at")
    assert sorted(con.execute(sql).fetchall()) == [(DOC_A, "a.txt", "taz", "de"), (DOC_B, "b.txt", "taz", "de")]


def test_outlets_with_too_few_articles_are_not_judged():
    con = contract_warehouse([("r1", NOW, 1, 1, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "a.txt", outlet="taz", published=None)
    assert ("health_completeness[taz]", "published_at") not in _health(con)


def test_the_language_mix_names_the_non_german_articles():
    con = contract_warehouse([("r1", NOW, 2, 2, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "a.txt", language="en")
    add_article(con, "r1", DOC_B, "b.txt")
    mix = _health(con)[("health_language_mix", "language")]
    assert (mix.success, mix.unexpected_count, mix.element_count) == (False, 1, 2)
    assert con.execute(failing_rows_sql("r1", "health_language_mix", "language")).fetchall() == [(DOC_A, "a.txt", "Spiegel", "en")]


def test_an_article_outside_every_story_is_critical_and_one_without_entities_warns():
    con = contract_warehouse([("r1", NOW, 2, 2, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "a.txt", stories=0, entities=0)
    add_article(con, "r1", DOC_B, "b.txt")
    checks = _health(con)
    stories, entities = checks[("health_stories_per_article", "story_id")], checks[("health_entities_per_article", "entity_id")]
    assert (stories.success, stories.critical, stories.unexpected_count) == (False, True, 1)
    assert (entities.success, entities.critical, entities.unexpected_count) == (False, False, 1)
    assert con.execute(failing_rows_sql("r1", "health_stories_per_article", "story_id")).fetchall() == [(DOC_A, "a.txt", 0)]


def test_health_results_have_the_quality_results_shape():
    con = contract_warehouse([("r1", NOW, 1, 1, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "a.txt")
    rows = health_checks(con, "r1", SETTINGS)
    con.execute("insert into quality_results by name select * from rows")
    assert con.execute("select count(*) from quality_results").fetchone()[0] == len(rows) > 0


def test_articles_without_an_outlet_are_judged_together_and_listed():
    con = contract_warehouse([("r1", NOW, 2, 2, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "a.txt", outlet=None, published=None)
    add_article(con, "r1", DOC_B, "b.txt", outlet=" ", published=None)
    checks = _health(con)
    assert not checks[("health_completeness", "outlet")].success
    missing = checks[("health_completeness[(no outlet)]", "published_at")]
    assert (missing.success, missing.unexpected_count) == (False, 2)
    sql = failing_rows_sql("r1", "health_completeness[(no outlet)]", "published_at")
    assert sorted(row[0] for row in con.execute(sql).fetchall()) == [DOC_A, DOC_B]


def test_the_sql_of_every_failing_check_runs_and_names_rows():
    con = contract_warehouse([(f"e{i}", NOW - timedelta(days=5 - i), 10, 10, 0, 0, "completed") for i in range(3)]
                             + [("r1", NOW, 2, 2, 0, 0, "completed")])
    add_article(con, "r1", DOC_A, "a.txt", outlet=None, language="en", published=datetime(2026, 1, 1), authors=(),
                title=None, stories=0, entities=0)
    add_article(con, "r1", DOC_B, "b.txt", outlet=None, language="fr", published=None, authors=(), title=None)
    failed = [r for r in health_checks(con, "r1", SETTINGS).itertuples() if not r.success]
    assert {r.expectation.split("[")[0] for r in failed} == {
        "health_freshness", "health_volume", "health_completeness", "health_language_mix",
        "health_entities_per_article", "health_stories_per_article"}
    for row in failed:
        assert con.execute(failing_rows_sql("r1", row.expectation, row.column_name, SETTINGS)).fetchall(), row.expectation


def test_thresholds_come_from_the_environment_when_they_are_asked_for(monkeypatch):
    monkeypatch.setenv("NEWSETL_HEALTH_MAX_AGE_DAYS", "3")
    monkeypatch.setenv("NEWSETL_HEALTH_VOLUME_LOW", "0.25")
    monkeypatch.setenv("NEWSETL_HEALTH_MAX_NON_GERMAN", "0.5")
    settings = HealthSettings.of()
    assert (settings.max_age, settings.volume_low, settings.max_non_german_share) == (timedelta(days=3), 0.25, 0.5)
    assert settings.volume_high == HealthSettings().volume_high
