"""The quality gate: a batch's tables validated, the documents of rows failing critical expectations quarantined."""
import pandas as pd

from newsetl.expectations.gate import gate_batch, offsets_match
from newsetl.transforms.batch_tables import BatchTables


def _tables() -> BatchTables:
    documents = pd.DataFrame({"doc_id": ["a" * 64, "b" * 64], "source_path": ["a.txt", "b.txt"],
                              "status": ["loaded", "loaded"], "reason": [None, None], "encoding": ["utf-8"] * 2})
    articles = pd.DataFrame({"doc_id": ["a" * 64, "b" * 64], "body": ["Berlin ist groß.", "Paris ist schön."],
                             "language": ["de", "xx"], "title": ["A", "B"], "published_at": [None, None],
                             "word_count": [3, 3]})
    mentions = pd.DataFrame({"doc_id": ["a" * 64, "b" * 64], "entity_id": ["E1", "E2"], "label": ["LOC", "LOC"],
                             "surface": ["Berlin", "Paris"], "start_char": [0, 0], "end_char": [6, 5]})
    themes = pd.DataFrame({"doc_id": ["a" * 64], "theme": ["economy"], "score": [0.5]})
    return BatchTables(documents=documents, articles=articles, mentions=mentions, themes=themes)


def test_offsets_match_checks_the_body_slice():
    tables = _tables()
    assert offsets_match(tables.mentions, tables.articles).tolist() == [True, True]
    tables.mentions.loc[1, "end_char"] = 4
    assert offsets_match(tables.mentions, tables.articles).tolist() == [True, False]


def test_critical_failure_quarantines_the_document_and_its_rows(quality_dir):
    tables = gate_batch(_tables(), "r1", quality_dir)
    assert tables.articles["doc_id"].tolist() == ["a" * 64]
    assert tables.mentions["doc_id"].tolist() == ["a" * 64]
    status = dict(zip(tables.documents["doc_id"], tables.documents["status"]))
    assert status == {"a" * 64: "loaded", "b" * 64: "quarantined"}
    assert tables.quarantine["detail"].str.contains("language").all()
    failed = tables.quality_results[~tables.quality_results["success"]]
    assert ("articles", "expect_column_values_to_be_in_set", "language") in set(
        zip(failed["table_name"], failed["expectation"], failed["column_name"]))
    assert (quality_dir / "gx").is_dir()


def test_the_entities_suite_runs_on_the_entities_the_runs_articles_mention(quality_dir):
    import duckdb

    from newsetl.expectations.gate import validate_entities

    con = duckdb.connect()
    con.execute("create table documents as select * from (values ('" + "a" * 64 + "', 'r1', 'loaded'), "
                "('" + "b" * 64 + "', 'r0', 'loaded')) t(doc_id, run_id, status)")
    con.execute("create table mentions as select * from (values ('" + "a" * 64 + "', 'E1'), ('" + "a" * 64 + "', 'E2'), "
                "('" + "b" * 64 + "', 'E3')) t(doc_id, entity_id)")
    con.execute("create table entities as select * from (values ('E1', 'Berlin', 'LOC', 'DE', ['Berlin']), "
                "('E2', 'Nordkorea', 'LOC', 'PRK', ['Nordkorea']), ('E3', null, 'PER', null, [])) "
                "t(entity_id, name, label, country_code, aliases)")
    results = validate_entities(con, "r1", quality_dir)
    outcome = {(r.expectation, r.column_name): (r.success, r.unexpected_count, r.element_count) for r in results.itertuples()}
    assert outcome == {("expect_column_values_to_be_unique", "entity_id"): (True, 0, 2),
                       ("expect_column_values_to_not_be_null", "name"): (True, 0, 2),
                       ("expect_column_value_lengths_to_equal", "country_code"): (False, 1, 2)}
    assert set(results["run_id"]) == {"r1"}


def test_aliases_seen_only_in_quarantined_documents_leave_with_them():
    from newsetl.expectations.gate import quarantine_docs

    kept, dropped = "k" * 64, "q" * 64
    tables = BatchTables(
        documents=pd.DataFrame({"doc_id": [kept, dropped], "status": "loaded", "reason": None}),
        mentions=pd.DataFrame({"doc_id": [kept, dropped, dropped], "entity_id": ["E1", "E1", "E2"],
                               "surface": ["Olaf Scholz", "Scholz", "Allianz"]}),
        entity_aliases=pd.DataFrame({"entity_id": ["E1", "E1", "E2"], "name": ["Olaf Scholz", "Olaf Scholz", "Allianz"],
                                     "label": ["PER", "PER", "ORG"], "country_code": None,
                                     "alias": ["Olaf Scholz", "Scholz", "Allianz"]}))
    quarantine_docs(tables, {dropped: ("validate", "failed critical expectation", "x")}, "r1")
    assert list(zip(tables.entity_aliases["entity_id"], tables.entity_aliases["alias"])) == [("E1", "Olaf Scholz")]


def test_a_batch_without_articles_validates_its_documents_only(quality_dir):
    documents = pd.DataFrame({"doc_id": ["e" * 64, "short"], "source_path": ["empty.txt", "x.txt"],
                              "status": ["quarantined", "loaded"], "reason": ["empty file", None], "encoding": [None, "utf-8"]})
    tables = gate_batch(BatchTables(documents=documents), "r1", quality_dir)
    assert set(tables.quality_results["table_name"]) == {"documents"}
    failed = tables.quality_results[~tables.quality_results["success"]]
    assert set(zip(failed["expectation"], failed["column_name"])) == {
        ("expect_column_value_lengths_to_equal", "doc_id"), ("expect_column_values_to_not_be_null", "encoding")}
    # A document row is the file itself: it is recorded, never quarantined by its own checks.
    assert tables.quarantine.empty and list(tables.documents["status"]) == ["quarantined", "loaded"]


def test_a_context_opened_in_the_background_is_opened_once_not_before_every_validation(tmp_path, monkeypatch):
    from newsetl.expectations import gate

    opened = []

    class CountingValidator(gate.Validator):
        def __init__(self, *args, **kwargs):
            opened.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(gate, "Validator", CountingValidator)
    monkeypatch.setattr(gate, "_validators", {})
    monkeypatch.setattr(gate, "_opening", {})
    gate.open_file_context(tmp_path, in_background=True)
    for run_id in ("r1", "r2", "r3"):
        gate.run_suite("documents", _tables().documents, run_id, tmp_path)
    assert len(opened) == 1
