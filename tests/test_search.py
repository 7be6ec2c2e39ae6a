"""Search terms: the known German words a long compound splits into, per article."""
import pandas as pd

from newsetl.transforms.search import MIN_PART, SEARCH_COLUMNS, compound_parts, search_terms_batch


def test_a_compound_splits_into_known_words():
    assert compound_parts("Raketentests") == ("Raketen", "tests")
    assert compound_parts("Bundesregierung") == ("Bundes", "regierung")


def test_a_linking_s_is_allowed_between_the_parts():
    assert "konsultation" in compound_parts("Sicherheitskonsultation")


def test_no_part_is_shorter_than_the_minimum_and_unknown_words_give_none():
    parts = compound_parts("Außenministerium")
    assert parts and all(len(p) >= MIN_PART for p in parts)
    assert compound_parts("Qwrtzplkxvb") == ()


def test_one_row_per_article_with_the_parts_of_title_and_body():
    articles = pd.DataFrame({"doc_id": ["a", "b"], "title": ["Raketentests in Nordkorea", None],
                             "body": ["Die Sicherheitskonsultation begann am Montag.", "Kurz und klar."]})
    rows, rejected = search_terms_batch(articles)
    assert list(rows.columns) == SEARCH_COLUMNS and rejected.empty
    terms = dict(zip(rows["doc_id"], rows["terms"]))
    assert {"Raketen", "tests", "konsultation"} <= set(terms["a"].split())
    assert terms["b"] == ""  # short words are searched as they are
