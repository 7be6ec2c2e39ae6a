import pandas as pd

from expectations.gate import BatchTables, gate_batch, offsets_match


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


def test_critical_failure_quarantines_the_document_and_its_rows(tmp_path):
    tables = gate_batch(_tables(), "r1", tmp_path / "quality")
    assert tables.articles["doc_id"].tolist() == ["a" * 64]
    assert tables.mentions["doc_id"].tolist() == ["a" * 64]
    status = dict(zip(tables.documents["doc_id"], tables.documents["status"]))
    assert status == {"a" * 64: "loaded", "b" * 64: "quarantined"}
    assert tables.quarantine["detail"].str.contains("language").all()
    failed = tables.quality_results[~tables.quality_results["success"]]
    assert ("articles", "expect_column_values_to_be_in_set", "language") in set(
        zip(failed["table_name"], failed["expectation"], failed["column_name"]))
    assert (tmp_path / "quality" / "gx").is_dir()


def test_quotes_suite_quarantines_a_quote_outside_the_body_and_an_unknown_kind(tmp_path):
    from expectations.gate import run_suite

    articles = pd.DataFrame({"doc_id": ["a" * 64], "body": ["„Wir helfen“, sagte sie."]})
    quotes = pd.DataFrame({"doc_id": ["a" * 64] * 3, "quote_id": ["q1", "q2", "q3"],
                           "kind": ["direct", "direct", "rumour"], "quote": ["„Wir helfen“", "„Wir helfen“", "sie"],
                           "start_char": [0, 5, 20], "end_char": [12, 17, 23], "cue": ["sagte"] * 3,
                           "speaker": ["sie"] * 3, "speaker_entity_id": ["E1", None, "E1"]})
    checked = quotes.assign(offsets_match=offsets_match(quotes, articles, "quote"))
    assert checked["offsets_match"].tolist() == [True, False, True]
    results, failing = run_suite("quotes", checked, "r1", tmp_path / "quality")
    assert sorted(failing) == [1, 2]
    unresolved = results[results["column_name"] == "speaker_entity_id"].iloc[0]
    assert not unresolved["critical"] and unresolved["unexpected_count"] == 1
