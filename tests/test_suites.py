"""The suites: one per table; critical expectations name the failing rows by their key, warnings only count them."""
import pandas as pd

from newsetl.expectations.gate import offsets_match, run_suite
from newsetl.expectations.suites import _drop_torn_files


def test_failing_rows_are_named_by_doc_id_not_by_position(quality_dir):
    articles = pd.DataFrame({"doc_id": ["b" * 64, "a" * 64], "body": ["Paris ist schön.", "Berlin ist groß."],
                             "language": ["xx", "de"], "title": ["B", "A"], "published_at": [None, None],
                             "word_count": [3, 3]}, index=[1, 0])  # positions no longer match the original order
    _, failing = run_suite("articles", articles, "r1", quality_dir)
    assert failing == {"b" * 64: "articles: expect_column_values_to_be_in_set on language"}


def test_quotes_suite_quarantines_a_quote_outside_the_body_and_an_unknown_kind(quality_dir):
    articles = pd.DataFrame({"doc_id": ["a" * 64], "body": ["„Wir helfen“, sagte sie."]})
    quotes = pd.DataFrame({"doc_id": ["a" * 64] * 3, "quote_id": ["q1", "q2", "q3"],
                           "kind": ["direct", "direct", "rumour"], "quote": ["„Wir helfen“", "„Wir helfen“", "sie"],
                           "start_char": [0, 5, 20], "end_char": [12, 17, 23], "cue": ["sagte"] * 3,
                           "speaker": ["sie"] * 3, "speaker_entity_id": ["E1", None, "E1"]})
    checked = quotes.assign(offsets_match=offsets_match(quotes, articles, "quote"))
    assert checked["offsets_match"].tolist() == [True, False, True]
    results, failing = run_suite("quotes", checked, "r1", quality_dir)
    assert set(failing) == {"a" * 64}  # the document of the failing quotes goes to quarantine
    unresolved = results[results["column_name"] == "speaker_entity_id"].iloc[0]
    assert not unresolved["critical"] and unresolved["unexpected_count"] == 1


def _outcomes(results: pd.DataFrame) -> dict:
    return {(r.expectation, r.column_name): (r.critical, r.success, r.unexpected_count) for r in results.itertuples()}


def test_a_doubled_entity_is_named_by_its_entity_id_and_a_long_country_code_only_warns(quality_dir):
    entities = pd.DataFrame({"entity_id": ["E1", "E2", "E2"], "name": ["Berlin", "Nordkorea", "Nordkorea"],
                             "label": ["LOC"] * 3, "country_code": ["DE", "PRK", "KP"], "aliases": [[]] * 3})
    results, failing = run_suite("entities", entities, "r1", quality_dir)
    assert failing == {"E2": "entities: expect_column_values_to_be_unique on entity_id"}
    assert _outcomes(results)[("expect_column_value_lengths_to_equal", "country_code")] == (False, False, 1)


def test_a_theme_score_above_one_is_critical(quality_dir):
    themes = pd.DataFrame({"doc_id": ["a" * 64, "b" * 64], "theme": ["economy", "military"], "score": [0.4, 1.5]})
    _, failing = run_suite("themes", themes, "r1", quality_dir)
    assert list(failing) == ["b" * 64]


def test_a_short_article_without_a_title_warns_but_is_not_quarantined(quality_dir):
    articles = pd.DataFrame({"doc_id": ["a" * 64], "body": ["Kurz."], "language": ["de"], "title": [None],
                             "published_at": [None], "word_count": [1]})
    results, failing = run_suite("articles", articles, "r1", quality_dir)
    outcomes = _outcomes(results)
    assert failing == {}
    assert outcomes[("expect_column_values_to_be_between", "word_count")] == (False, False, 1)
    assert outcomes[("expect_column_values_to_not_be_null", "title")] == (False, False, 1)


def test_what_a_killed_run_left_half_written_is_cleared_and_the_rest_kept(tmp_path):
    gx = tmp_path / "gx"
    for folder in ("expectations", "checkpoints", "uncommitted/validations"):
        (gx / folder).mkdir(parents=True)
    (gx / "expectations" / "articles.json").write_text("{}")
    (gx / "uncommitted" / "validations" / "torn.json").write_text('{"results": [')
    (gx / "uncommitted" / "validations" / "whole.json").write_text('{"results": []}')
    (gx / "great_expectations.yml").write_text("")
    _drop_torn_files(gx)
    assert sorted(p.name for p in gx.rglob("*") if p.is_file()) == ["whole.json"]
