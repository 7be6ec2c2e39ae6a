"""The news-etl flow end to end on the seeds, under one Prefect test harness."""
import gzip
import shutil

import pyarrow.parquet as pq
import pytest

from newsetl.transforms import warehouse as wh

SEED_000, SEED_001, SEED_002, SEED_003, SEED_004 = (
    "000_ee8c34442706e64e.txt", "001_93b077a67018bb08.txt", "002_35ea90125d1fd7c8.txt",
    "003_47986a837ee5ad56.txt", "004_13fff153f0bd0e0d.txt")
TABLES = ["documents", "articles", "mentions", "entities", "themes", "stories", "quarantine"]


def _db(warehouse):
    return wh.connect(warehouse, read_only=True)


def _counts(warehouse) -> dict[str, int]:
    with _db(warehouse) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


def _by_seed(con, sql: str) -> dict:
    rows = con.execute(f"select d.source_path, x.* exclude (doc_id) from ({sql}) x join documents d using (doc_id)").fetchall()
    return {row[0][:3]: row[1:] for row in rows}


def test_seeds_load_into_every_table(seeds_run):
    _, warehouse, counts = seeds_run
    assert counts["loaded"] == 5 and counts["quarantined"] == 0
    with _db(warehouse) as con:
        assert con.execute("select count(*) from articles").fetchone()[0] == 5
        assert con.execute("select count(*) from documents where status = 'loaded'").fetchone()[0] == 5
        assert con.execute("select count(*) from quality_results").fetchone()[0] > 0
        assert con.execute("select status from runs").fetchall() == [("completed",)]
    assert "5 loaded" in (warehouse / "quality" / "report.md").read_text()
    assert (warehouse / "quality" / "report.html").exists()
    assert any((warehouse / "parquet" / "articles").rglob("*.parquet"))
    assert any((warehouse / "lake").rglob("*.parquet"))


def test_only_the_two_dpa_reports_share_a_story(seeds_run):
    _, warehouse, _ = seeds_run
    with _db(warehouse) as con:
        story = {k: v[0] for k, v in _by_seed(con, "select doc_id, story_id from articles").items()}
    assert story["000"] == story["001"]
    assert len({story[k] for k in ("000", "002", "003", "004")}) == 4


def test_metadata_of_the_seeds(seeds_run):
    _, warehouse, _ = seeds_run
    with _db(warehouse) as con:
        meta = _by_seed(con, "select doc_id, published_at, agency, outlet from articles")
    assert str(meta["004"][0]).startswith("2024-10-30")
    assert str(meta["002"][0]).startswith("2025-01")
    assert meta["000"][1] == meta["001"][1] == "dpa"
    assert meta["002"][1:] == ("AP", "Euronews")


def test_people_and_places_with_offsets(seeds_run):
    _, warehouse, _ = seeds_run
    with _db(warehouse) as con:
        found = set(con.execute("select label, surface from mentions").fetchall())
        bad = con.execute("""select count(*) from mentions m join articles a using (doc_id)
                             where substr(a.body, m.start_char + 1, m.end_char - m.start_char) <> m.surface""").fetchone()
        kim = con.execute("""select count(distinct m.entity_id), list(distinct d.source_path[:3] order by 1)
                             from mentions m join documents d using (doc_id)
                             join entities e using (entity_id) where e.name = 'Kim Jong Un'""").fetchone()
    for person in ("Joseph Dunford", "Shinzo Abe", "Antony Blinken", "Kim Jong Un", "Wladimir Putin", "Boris Pistorius"):
        assert ("PER", person) in found, person
    for place in ("Japan", "Nordkorea", "Südkorea", "Russland", "China"):
        assert ("LOC", place) in found, place
    assert bad == (0,)
    assert kim[0] == 1 and {"001", "002", "004"} <= set(kim[1])


def test_no_boilerplate_in_bodies(seeds_run):
    _, warehouse, _ = seeds_run
    with _db(warehouse) as con:
        bodies = "\n".join(b for (b,) in con.execute("select body from articles").fetchall())
    for boilerplate in ("Das könnte Sie auch interessieren", "Meistgelesene Artikel", "Hinweise für das Kommentieren",
                        "Textgröße ändern:", "Lesedauer", "Foto:", "Empfohlen", "Weihnachtsaktion",
                        "Das »nd« bleibt gefährdet", "Haftbefehl gegen mutmaßlichen antisemitischen Schläger",
                        "Merz sieht ein neues Miteinander"):
        assert boilerplate not in bodies, boilerplate


def test_rerun_changes_nothing_and_a_new_file_adds_only_its_rows(copy_of_seeds_run):
    from newsetl.flows.news_etl import news_etl

    landing, warehouse = copy_of_seeds_run
    before = _counts(warehouse)
    again = news_etl(input_dir=str(landing), warehouse_dir=str(warehouse))
    assert again["new_documents"] == 0 and _counts(warehouse) == before

    variant = (landing / SEED_000).read_text(encoding="utf-8").replace(
        "US-Generalstabschef in Japan: Nordkorea gemeinsame Bedrohung", "Dunford sichert Japan Beistand zu")
    variant = variant.replace("Dennoch übte Japan für diesen Fall.", "")
    (landing / "005_variant.txt").write_text(variant, encoding="utf-8")
    news_etl(input_dir=str(landing), warehouse_dir=str(warehouse))
    after = _counts(warehouse)
    assert after["documents"] == before["documents"] + 1 and after["articles"] == before["articles"] + 1
    assert after["stories"] == before["stories"] + 1
    with _db(warehouse) as con:
        story = {k: v[0] for k, v in _by_seed(con, "select doc_id, story_id from articles").items()}
    assert story["005"] == story["000"]


def test_bad_input_is_quarantined_and_the_run_goes_on(prefect_harness, seeds_dir, tmp_path):
    from newsetl.flows.news_etl import news_etl

    landing = tmp_path / "landing"
    shutil.copytree(seeds_dir, landing)
    (landing / "empty.txt").write_bytes(b"")
    (landing / "binary.txt").write_bytes(bytes(range(256)) * 20)
    latin1 = ("München (dpa) - Die Bürgermeisterin hat am Montag über die Straßenbahn und die Größe der "
              "Übergänge gesprochen, wie die Stadt mitteilte.")
    (landing / "latin1.txt").write_bytes(latin1.encode("latin-1"))
    (landing / "cut.txt.gz").write_bytes(gzip.compress((seeds_dir / SEED_004).read_bytes())[:500])
    (landing / "english.txt").write_text(
        "Allies pledge support\n\nWashington (AP) - The United States and Japan pledged on Thursday to deepen "
        "their military cooperation in the face of growing threats, officials said after the meeting.\n", encoding="utf-8")
    counts = news_etl(input_dir=str(landing), warehouse_dir=str(tmp_path / "wh"))
    assert counts["files_seen"] == 10 and counts["loaded"] == 7 and counts["quarantined"] == 3
    assert counts["non_german_articles"] == 1
    with _db(tmp_path / "wh") as con:
        # The run-level health check counts the English article among the run's articles.
        assert con.execute("select unexpected_count from quality_results "
                           "where expectation = 'health_language_mix'").fetchone()[0] == 1
    with _db(tmp_path / "wh") as con:
        docs = dict(con.execute("select source_path, status from documents").fetchall())
        reasons = dict(con.execute("select d.source_path, q.reason from quarantine q join documents d using (doc_id)").fetchall())
        body = con.execute("select body from articles where body like 'München%'").fetchone()[0]
    assert len(docs) == 10
    assert {docs[f] for f in ("empty.txt", "binary.txt", "cut.txt.gz")} == {"quarantined"}
    assert reasons["empty.txt"] == "empty file" and reasons["cut.txt.gz"].startswith("corrupt gzip")
    assert body == latin1


def test_the_batch_with_most_to_read_runs_first_and_keeps_its_place_in_the_part_names(prefect_harness, seeds_dir,
                                                                                      tmp_path):
    from newsetl.flows.news_etl import news_etl

    landing = tmp_path / "landing"
    landing.mkdir()
    for seed in (SEED_000, SEED_003, SEED_002):  # the last file read in name order is the largest
        shutil.copy(seeds_dir / seed, landing / seed)
    largest = max((seeds_dir / s for s in (SEED_000, SEED_003, SEED_002)), key=lambda p: p.stat().st_size).name
    (landing / largest).rename(landing / "z_largest.txt")
    news_etl(input_dir=str(landing), warehouse_dir=str(tmp_path / "wh"), batch_size=1, workers=1)
    with _db(tmp_path / "wh") as con:
        first = con.execute("select source_path from documents order by ingested_at limit 1").fetchone()[0]
    assert first == "z_largest.txt"
    part = next((tmp_path / "wh" / "parquet" / "documents").rglob("batch-00002.parquet"))
    assert pq.read_table(part).column("source_path").to_pylist() == ["z_largest.txt"]


def test_rebuild_from_parquet_reproduces_every_table(copy_of_seeds_run):
    from newsetl.transforms.warehouse import SCHEMAS, rebuild

    _, warehouse = copy_of_seeds_run
    tables = [t for t in list(SCHEMAS) + ["entities"]]

    def snapshot() -> dict:
        with _db(warehouse) as con:
            return {t: con.execute(f"select md5(string_agg(x::varchar, '|' order by x::varchar)), count(*) "
                                   f"from {t} x").fetchone() for t in tables}

    before = snapshot()
    rebuild(warehouse)
    assert snapshot() == before


def test_a_failed_run_is_recorded_and_its_files_come_again(prefect_harness, seeds_dir, tmp_path, monkeypatch):
    from newsetl.flows.news_etl import news_etl

    landing, warehouse = tmp_path / "landing", tmp_path / "wh"
    shutil.copytree(seeds_dir, landing)
    monkeypatch.setenv("NEWSETL_FAIL_AT", "load:inserted")
    state = news_etl(input_dir=str(landing), warehouse_dir=str(warehouse), return_state=True)
    assert state.is_failed()
    monkeypatch.delenv("NEWSETL_FAIL_AT")
    counts = news_etl(input_dir=str(landing), warehouse_dir=str(warehouse))
    assert counts["loaded"] == 5
    with _db(warehouse) as con:
        assert con.execute("select count(*) from articles").fetchone()[0] == 5
        message = con.execute("select message from runs where status = 'failed'").fetchone()[0]
    assert message == "InjectedFault: fault injected at load:inserted"
    assert wh.rebuild(warehouse)["runs"] == 2
    with _db(warehouse) as con:
        assert sorted(s for (s,) in con.execute("select status from runs").fetchall()) == ["completed", "failed"]


def test_a_document_quarantined_at_validation_leaves_no_entity_or_alias_behind(prefect_harness, seeds_dir, tmp_path,
                                                                                monkeypatch):
    from newsetl.flows.news_etl import news_etl
    from newsetl.transforms import tag

    tag_batch = tag.tag_batch

    def with_a_bad_offset(articles, known_entity_ids, done=None):
        """Seed 004's first mention one character off: its offsets no longer match its body."""
        mentions, aliases, rejected = tag_batch(articles, known_entity_ids, done)
        bad = articles.loc[articles["body"].str.contains("Pistorius"), "doc_id"].iloc[0]
        first = mentions.index[mentions["doc_id"] == bad][0]
        mentions.loc[first, ["start_char", "end_char"]] += 1
        return mentions, aliases, rejected

    monkeypatch.setattr(tag, "tag_batch", with_a_bad_offset)
    counts = news_etl(input_dir=str(seeds_dir), warehouse_dir=str(tmp_path / "wh"), workers=1)
    assert counts["loaded"] == 4 and counts["quarantined"] == 1
    with _db(tmp_path / "wh") as con:
        stage = con.execute("""select d.source_path, q.stage from quarantine q join documents d using (doc_id)""").fetchall()
        names = {n for (n,) in con.execute("select name from entities").fetchall()}
        aliases = {a for (a,) in con.execute("select alias from entity_aliases").fetchall()}
        orphans = con.execute("""select count(*) from entities e
                                 where not exists (select 1 from mentions m where m.entity_id = e.entity_id)""").fetchone()
    assert stage == [(SEED_004, "validate")]
    # Boris Pistorius is named in seed 004 only: his entity and aliases leave with it; the others stay.
    assert "Boris Pistorius" not in names and not {a for a in aliases if "Pistorius" in a}
    assert "Kim Jong Un" in names and orphans == (0,)


def test_importing_flows_creates_nothing(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PREFECT_HOME"} | {"NEWSETL_STATE_DIR": str(tmp_path / "state")}
    subprocess.run([sys.executable, "-c", "import newsetl.flows, newsetl.flows.cli"], env=env, cwd=tmp_path, check=True)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.e2e
def test_newsetl_run_keeps_prefects_state_under_the_state_dir(seeds_dir, tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_HOME", "PREFECT_API_URL")}
    env["NEWSETL_STATE_DIR"] = str(tmp_path / "state")
    result = subprocess.run([sys.executable, "-m", "newsetl.flows.cli", "run", "--input", str(seeds_dir),
                             "--warehouse", str(tmp_path / "wh")], env=env, cwd=tmp_path, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "state" / "prefect" / "prefect.db").is_file()
    assert "Failed to initialize plugins" not in result.stderr  # Prefect imported by two threads at once
