"""The news-etl flow's tasks called as plain functions (task.fn, Prefect's advice for unit tests): one batch
through every stage, the run's stories, the load with its checks; where batches run."""
import pandas as pd
import pytest

from newsetl.transforms import storage as warehouse
from newsetl.transforms import themes
from newsetl.transforms.batch_tables import BatchTables
from newsetl.transforms.ingest import IngestLimits, plan_files

REPORT = ("Tokio (dpa) - Der Generalstabschef der USA, Joseph Dunford, hat Japan bei einem Besuch in Tokio den "
          "Beistand seines Landes zugesichert. Nordkorea stelle eine gemeinsame Bedrohung dar, sagte Dunford am "
          "Montag nach einem Treffen mit Ministerpräsident Shinzo Abe. Die Allianz beider Länder sei felsenfest.\n\n"
          "Abe begrüßte die Zusage und kündigte an, die eigene Raketenabwehr auszubauen. Nordkorea hatte zuletzt "
          "mehrere Raketen über Japan hinweg in den Pazifik geschossen, was in Tokio große Sorge auslöste.")


@pytest.fixture(scope="module")
def one_run(tmp_path_factory, quality_dir):
    """A run of one batch: a report, its shortened republication and an empty file, clustered and loaded."""
    from newsetl.flows.news_etl import cluster_run, load_run, process_batch  # Prefect: not at collection

    landing, path = tmp_path_factory.mktemp("landing"), tmp_path_factory.mktemp("warehouse")
    (landing / "report.txt").write_text(f"Dunford sichert Japan Beistand zu\n\n{REPORT}\n", encoding="utf-8")
    shortened = REPORT.split("\n\n")[0]
    (landing / "republished.txt").write_text(f"Japan und USA gegen Nordkorea\n\n{shortened}\n", encoding="utf-8")
    (landing / "empty.txt").write_bytes(b"")
    limits = IngestLimits()
    files = list(plan_files(str(landing), frozenset(), limits))
    counts = process_batch.fn(files, str(path), str(quality_dir), "r1", "batch-00000", limits, frozenset())
    stories = cluster_run.fn(str(path), "r1", str(quality_dir))
    now = pd.Timestamp.now(tz="UTC")
    load_run.fn(str(path), "r1", {"run_id": "r1", "flow_run_id": "", "started_at": now, "finished_at": now, "kind": "run",
                                  "files_seen": 3, "loaded": 2, "quarantined": 1, "duplicates": 0}, str(quality_dir))
    return path, counts, stories


def test_a_batch_runs_every_stage_and_stages_its_tables(one_run):
    path, counts, _ = one_run
    assert counts == {"loaded": 2, "quarantined": 1}
    staged = {table: warehouse.read_staged(path, table, "r1") for table in ("articles", "mentions", "quarantine", "signatures")}
    assert len(staged["articles"]) == len(staged["signatures"]) == 2
    assert {"Joseph Dunford", "Shinzo Abe"} <= set(staged["mentions"]["surface"])
    assert staged["quarantine"][["stage", "reason"]].values.tolist() == [["ingest", "empty file"]]


def test_the_republication_joins_the_reports_story(one_run):
    path, _, stories = one_run
    rows = warehouse.read_staged(path, "stories", "r1")
    assert stories == 1 and len(rows) == 2 and rows["is_canonical"].sum() == 1


def test_the_load_commits_the_run_with_its_health_and_entity_checks(one_run):
    path, _, _ = one_run
    with warehouse.connect(path, read_only=True) as con:
        assert con.execute("select count(*) from articles where story_id is not null").fetchone()[0] == 2
        assert con.execute("select status from runs").fetchall() == [("completed",)]
        checked = {t for (t,) in con.execute("select distinct table_name from quality_results").fetchall()}
        health = con.execute("select count(*) from quality_results where expectation like 'health_%'").fetchone()[0]
    assert {"documents", "articles", "mentions", "stories", "entities"} <= checked and health > 0


def test_a_document_a_stage_rejects_leaves_the_batch_with_the_stage_and_reason(one_run, monkeypatch):
    path, _, _ = one_run
    articles = warehouse.read_staged(path, "articles", "r1")
    documents = pd.DataFrame({"doc_id": articles["doc_id"], "status": "loaded", "reason": None})
    poisoned = articles["doc_id"].iloc[0]
    score = themes.score_themes

    def failing(body):
        if body == articles["body"].iloc[0]:
            raise ValueError("kaputt im Test")
        return score(body)

    monkeypatch.setattr(themes, "score_themes", failing)
    from newsetl.flows.news_etl import tag_batch

    tables = tag_batch(BatchTables(documents=documents, articles=articles), frozenset(), "r1")
    assert poisoned not in set(tables.articles["doc_id"]) | set(tables.mentions["doc_id"])
    assert tables.quarantine[["doc_id", "stage", "reason"]].values.tolist() == [[poisoned, "themes", "themes failed: ValueError"]]
