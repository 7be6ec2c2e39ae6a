"""Backfills: after a stage's version changes, `reprocess --outdated` brings exactly the outdated documents up to date."""
import os
import shutil
import subprocess
import sys

import pytest
from conftest import SEEDS, use_catalog

from newsetl.transforms import versions
from newsetl.transforms import warehouse as wh

pytestmark = pytest.mark.e2e
# A child process with the themes stage at version 2 and a new theme that every article gets.
REPROCESS_AT_V2 = """
import sys
import pandas as pd
from newsetl.transforms import themes, versions
versions.RULES["themes"] = "2"
versions.stage_versions.cache_clear()
first = themes.themes_batch
def with_new_theme(articles):
    rows, rejected = first(articles)
    extra = pd.DataFrame({"doc_id": articles["doc_id"], "theme": "backfill-test", "score": 1.0})
    return pd.concat([rows, extra], ignore_index=True), rejected
themes.themes_batch = with_new_theme
from newsetl.flows.reprocess import news_etl_reprocess
# workers=1: batches in this process, where the stage is patched (worker processes import their own).
print(news_etl_reprocess(stages=["themes"], warehouse_dir=sys.argv[1], outdated=True, batch_size=1, workers=1))
"""


def _v2() -> str:
    """The themes version the child installs: rule version 2, the same taxonomy hash."""
    return "2" + versions.stage_versions()["themes"].removeprefix(versions.RULES["themes"])


def _reprocess(warehouse, **env) -> subprocess.CompletedProcess:
    from prefect.settings import PREFECT_API_URL

    return subprocess.run([sys.executable, "-c", REPROCESS_AT_V2, str(warehouse)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), **env})


def _state(warehouse) -> dict:
    with wh.connect(warehouse, read_only=True) as con:
        return {
            "versions": dict(con.execute("select version, count(*) from stage_versions where stage = 'themes' "
                                         "group by all").fetchall()),
            "new_theme": con.execute("select count(*) from themes where theme = 'backfill-test'").fetchone()[0],
            "doubled": con.execute("select count(*) from (select doc_id, theme from themes group by all "
                                   "having count(*) > 1)").fetchone()[0],
            "mentions": con.execute("select count(*) from mentions").fetchone()[0],
            "stories": con.execute("select md5(string_agg(doc_id || story_id, ',' order by doc_id)) from articles").fetchone()[0],
            "reprocessed": con.execute("select coalesce(sum(documents), 0) from reprocessed").fetchone()[0],
        }


def test_reprocess_outdated_updates_exactly_the_outdated_documents_and_survives_a_kill(prefect_harness, tmp_path,
                                                                                      request, catalog_kind):
    from newsetl.flows.news_etl import news_etl

    landing, warehouse = tmp_path / "landing", use_catalog(request, catalog_kind, tmp_path / "wh")
    landing.mkdir()
    for seed in sorted(SEEDS.iterdir()):
        shutil.copy(seed, landing / seed.name)
    news_etl(input_dir=str(landing), warehouse_dir=str(warehouse))
    before = _state(warehouse)
    assert before["versions"] == {versions.stage_versions()["themes"]: 5} and before["new_theme"] == 0

    # Killed while committing its third batch: two documents are done, three are not.
    killed = _reprocess(warehouse, NEWSETL_CRASH_AT="reprocess:inserted#3")
    assert killed.returncode == -9, killed.stderr[-2000:]
    half = _state(warehouse)
    assert half["versions"] == {_v2(): 2, versions.stage_versions()["themes"]: 3} and half["new_theme"] == 2

    finished = _reprocess(warehouse)
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert "'selected': 3, 'reprocessed': 3" in finished.stdout
    after = _state(warehouse)
    assert after["versions"] == {_v2(): 5} and after["new_theme"] == 5 and after["doubled"] == 0
    # Nothing else moved: mentions, story ids.
    assert after["mentions"] == before["mentions"] and after["stories"] == before["stories"]
    assert after["reprocessed"] == 5

    again = _reprocess(warehouse)
    assert "'selected': 0, 'reprocessed': 0" in again.stdout
    assert _state(warehouse) == after

    # The archive replays the reprocess batches, the killed run's two included.
    wh.rebuild(warehouse)
    assert _state(warehouse) == after


def test_a_reprocess_on_worker_processes_commits_each_batch_once(copy_of_seeds_run):
    from newsetl.flows.reprocess import news_etl_reprocess

    _, warehouse = copy_of_seeds_run
    # Three documents whose themes were never recorded: what --outdated selects.
    with wh.connect(warehouse) as con:
        con.execute("delete from stage_versions where stage = 'themes' and doc_id in "
                    "(select doc_id from articles order by doc_id limit 3)")
        themes_before = con.execute("select count(*) from themes").fetchone()[0]
    result = news_etl_reprocess(stages=["themes"], warehouse_dir=str(warehouse), outdated=True, batch_size=1, workers=2)
    assert (result["selected"], result["reprocessed"]) == (3, 3)
    after = _state(warehouse)
    assert after["versions"] == {versions.stage_versions()["themes"]: 5} and after["doubled"] == 0
    with wh.connect(warehouse, read_only=True) as con:
        assert con.execute("select count(*) from themes").fetchone()[0] == themes_before
    assert news_etl_reprocess(stages=["themes"], warehouse_dir=str(warehouse), outdated=True, workers=2)["selected"] == 0


def test_a_stories_reprocess_clusters_the_archive_again_and_keeps_the_ids_of_unchanged_stories(
        copy_of_seeds_run, monkeypatch):
    from newsetl.flows.reprocess import news_etl_reprocess

    _, warehouse = copy_of_seeds_run
    stories_v1 = versions.stage_versions()["stories"]
    before = _state(warehouse)
    # Seed 001 taken out of the story it shares with 000, as a worse rule might have left it.
    with wh.connect(warehouse) as con:
        lonely = "(select doc_id from documents where regexp_matches(source_path, '(^|/)001_[^/]*$'))"
        for table in ("articles", "stories", "signatures"):
            con.execute(f"update {table} set story_id = 'Slonely' where doc_id in {lonely}")
    assert _state(warehouse)["stories"] != before["stories"]
    monkeypatch.setitem(versions.RULES, "stories", "2")
    versions.stage_versions.cache_clear()
    try:
        result = news_etl_reprocess(stages=["stories"], warehouse_dir=str(warehouse), outdated=True, workers=1)
        assert (result["selected"], result["reprocessed"]) == (5, 5)
        after = _state(warehouse)
        with wh.connect(warehouse, read_only=True) as con:
            recorded = con.execute("select version, count(*) from stage_versions where stage = 'stories' "
                                   "group by all").fetchall()
            done = con.execute("select stage, documents, version_before, version_after from reprocessed").fetchall()
            story_rows = con.execute("select count(*), count(distinct doc_id) from stories").fetchone()
            shared = con.execute("select count(*), count(distinct story_id) from articles where doc_id in "
                                 "(select doc_id from documents where regexp_matches(source_path, '(^|/)00[01]_[^/]*$'))"
                                 ).fetchone()
        # 001 back in the story of 000 under its id; the others unchanged, under theirs; now at version 2.
        assert after["stories"] == before["stories"] and shared == (2, 1)
        assert recorded == [("2", 5)] and done == [("stories", 5, stories_v1, "2")] and story_rows == (5, 5)
        assert after["mentions"] == before["mentions"]
        assert news_etl_reprocess(stages=["stories"], warehouse_dir=str(warehouse), outdated=True)["selected"] == 0
        wh.rebuild(warehouse)
        assert _state(warehouse) == after
    finally:
        monkeypatch.undo()
        versions.stage_versions.cache_clear()


def test_a_clean_reprocess_killed_between_batches_leaves_every_article_its_story(copy_of_seeds_run):
    from prefect.settings import PREFECT_API_URL

    _, warehouse = copy_of_seeds_run
    # Killed while committing its third batch, before the stories of the whole archive are made again.
    child = ("import sys\nfrom newsetl.flows.reprocess import news_etl_reprocess\n"
             "news_etl_reprocess(stages=['clean'], warehouse_dir=sys.argv[1], batch_size=1, workers=1)\n")
    killed = subprocess.run([sys.executable, "-c", child, str(warehouse)], capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(),
                                 "NEWSETL_CRASH_AT": "reprocess:inserted#3"})
    assert killed.returncode == -9, killed.stderr[-2000:]
    with wh.connect(warehouse, read_only=True) as con:
        counts = [con.execute(f"select count(distinct doc_id) from {table}").fetchone()[0]
                  for table in ("articles", "stories", "signatures")]
    assert counts == [5, 5, 5]
