import pandas as pd

from transforms.cluster import assign_stories

REPORT = " ".join(f"Satz {i}: Die Regierung in Berlin hat am Montag Maßnahme Nummer {i} für die Bahn beschlossen."
                  for i in range(30))
OTHER = " ".join(f"Teil {i}: Im Fußball gewann der Verein aus München das Spiel Nummer {i} gegen Dortmund klar."
                 for i in range(30))


def _articles(bodies: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(bodies), "body": list(bodies.values()),
                         "published_at": pd.NaT, "word_count": [len(b.split()) for b in bodies.values()]})


def _empty_known() -> pd.DataFrame:
    signatures, _ = assign_stories(_articles({}), pd.DataFrame(
        columns=["doc_id", "story_id", "shingle_count", "hashvalues", "published_at", "word_count"]))
    return signatures


def test_shortened_republication_joins_the_story_and_distinct_reports_do_not():
    shortened = REPORT[: len(REPORT) // 2]
    signatures, stories = assign_stories(_articles({"a" * 64: REPORT, "b" * 64: shortened, "c" * 64: OTHER}),
                                         _empty_known())
    story = dict(zip(stories["doc_id"], stories["story_id"]))
    assert story["a" * 64] == story["b" * 64] != story["c" * 64]
    canonical = stories[stories["is_canonical"]]["doc_id"].tolist()
    assert "a" * 64 in canonical  # the longer one, as neither has a date
    assert len(signatures) == 3


def test_a_later_variant_joins_the_known_story_under_its_id():
    signatures, stories = assign_stories(_articles({"a" * 64: REPORT}), _empty_known())
    known_story = stories["story_id"].iloc[0]
    variant = "Neuer Titel. " + REPORT[: int(len(REPORT) * 0.8)]
    new_signatures, new_stories = assign_stories(_articles({"d" * 64: variant}), signatures)
    assert new_signatures["story_id"].iloc[0] == known_story
    assert set(new_stories["doc_id"]) == {"a" * 64, "d" * 64}
