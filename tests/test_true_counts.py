"""True counts: a run's files seen are every file it listed, and those already in the warehouse are the known ones."""
from newsetl.transforms import warehouse
from newsetl.transforms.ingest import read_batch, survey_files

GERMAN = "Köln (dpa) - Die Straßenbahn fährt über die Brücke, sagte die Bürgermeisterin."


def test_the_survey_counts_every_listed_file_and_the_known_ones(tmp_path):
    (tmp_path / "a.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GERMAN + " Neu.", encoding="utf-8")
    first, _ = read_batch(survey_files(tmp_path).plan, "run-1")
    known = frozenset(zip(first["doc_id"], first["source_path"]))
    (tmp_path / "c.txt").write_text(GERMAN + " Noch neuer.", encoding="utf-8")
    survey = survey_files(tmp_path, known)
    assert (survey.listed, survey.known, [f.source_path for f in survey.plan]) == (3, 2, ["c.txt"])


def test_an_incremental_run_reports_every_file_it_listed_and_the_known_ones(copy_of_seeds_run):
    from newsetl.flows.news_etl import news_etl

    landing, folder = copy_of_seeds_run
    seeds = len(list(landing.iterdir()))
    (landing / "new.txt").write_text(GERMAN, encoding="utf-8")
    counts = news_etl(input_dir=str(landing), warehouse_dir=str(folder))
    assert (counts["files_seen"], counts["new_documents"], counts["already_in_warehouse"]) == (seeds + 1, 1, seeds)
    with warehouse.connect(folder, read_only=True) as con:
        stored = con.execute("select files_seen from runs where run_id = ?", [counts["run_id"]]).fetchone()[0]
    assert stored == seeds + 1
    report = (folder / "quality" / "report.md").read_text(encoding="utf-8")
    row = next(line for line in report.splitlines() if line.startswith(f"| `{counts['run_id']}` |"))
    assert row.split(" | ")[4] == str(seeds + 1)
