import numpy as np
import pandas as pd
from datasketch import MinHashLSH

from newsetl.transforms import cluster
from newsetl.transforms.cluster import (
    CANDIDATE_JACCARD,
    LSH_BANDS,
    LSH_ROWS,
    NUM_PERM,
    SIGNATURE_COLUMNS,
    assign_stories,
    recluster,
    signatures,
)
from newsetl.transforms.warehouse import load_run, story_candidates, write_part

REPORT = " ".join(f"Satz {i}: Die Regierung in Berlin hat am Montag Maßnahme Nummer {i} für die Bahn beschlossen."
                  for i in range(30))
OTHER = " ".join(f"Teil {i}: Im Fußball gewann der Verein aus München das Spiel Nummer {i} gegen Dortmund klar."
                 for i in range(30))


def _articles(bodies: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(bodies), "body": list(bodies.values()),
                         "published_at": pd.NaT, "word_count": [len(b.split()) for b in bodies.values()]})


def _empty_known() -> pd.DataFrame:
    return pd.DataFrame(columns=SIGNATURE_COLUMNS)


def test_shortened_republication_joins_the_story_and_distinct_reports_do_not():
    shortened = REPORT[: len(REPORT) // 2]
    assigned, stories = assign_stories(
        signatures(_articles({"a" * 64: REPORT, "b" * 64: shortened, "c" * 64: OTHER})), _empty_known())
    story = dict(zip(stories["doc_id"], stories["story_id"]))
    assert story["a" * 64] == story["b" * 64] != story["c" * 64]
    canonical = stories[stories["is_canonical"]]["doc_id"].tolist()
    assert "a" * 64 in canonical  # the longer one, as neither has a date
    assert len(assigned) == 3


def test_a_later_variant_joins_the_known_story_under_its_id():
    known, stories = assign_stories(signatures(_articles({"a" * 64: REPORT})), _empty_known())
    known_story = stories["story_id"].iloc[0]
    variant = "Neuer Titel. " + REPORT[: int(len(REPORT) * 0.8)]
    assigned, new_stories = assign_stories(signatures(_articles({"d" * 64: variant})), known)
    assert assigned["story_id"].iloc[0] == known_story
    assert set(new_stories["doc_id"]) == {"a" * 64, "d" * 64}


def test_the_stored_signatures_sharing_a_band_are_those_an_lsh_index_returns():
    rng = np.random.default_rng(3)
    stored = [rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64) for _ in range(300)]
    new = []
    for k in range(100):
        values = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64)
        for band in rng.choice(LSH_BANDS, size=k % 4, replace=False):  # 0 to 3 whole bands of stored[k]
            values[band * LSH_ROWS:(band + 1) * LSH_ROWS] = stored[k][band * LSH_ROWS:(band + 1) * LSH_ROWS]
        values[0] = stored[k + 100][0]  # and one value of another: part of a band, no candidate
        new.append(values)
    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM)
    for number, values in enumerate(stored):
        lsh.insert(str(number), cluster._minhash(values))
    found = cluster._BandIndex([str(number) for number in range(len(stored))], stored).sharing_a_band(new)
    assert [sorted(f) for f in found] == [sorted(lsh.query(cluster._minhash(values))) for values in new]
    assert sum(map(bool, found)) == 75


def test_stored_candidates_are_the_matching_story_with_all_its_members(tmp_path):
    shortened = REPORT[: len(REPORT) // 2]
    stored = _articles({"a" * 64: REPORT, "b" * 64: shortened, "c" * 64: OTHER})
    known, _ = assign_stories(signatures(stored), _empty_known())
    write_part(tmp_path, "articles", stored.assign(authors=[[]] * len(stored)), "r1", "batch")
    write_part(tmp_path, "signatures", known, "r1", "all")
    now = pd.Timestamp.now(tz="UTC")
    load_run(tmp_path, "r1", {"run_id": "r1", "flow_run_id": "", "started_at": now, "finished_at": now,
                              "files_seen": 3, "loaded": 3, "quarantined": 0, "duplicates": 0})
    fresh = signatures(_articles({"d" * 64: "Neuer Titel. " + REPORT[len(REPORT) // 2:]}))
    candidates = story_candidates(tmp_path, fresh, LSH_BANDS, LSH_ROWS)
    # "b" shares no text with the new half, but belongs to the story it joins: its row must be rewritten too.
    assert set(candidates["doc_id"]) == {"a" * 64, "b" * 64}
    assigned, stories = assign_stories(fresh, candidates)
    assert set(stories["doc_id"]) == {"a" * 64, "b" * 64, "d" * 64}
    assert stories["is_canonical"].sum() == 1


def test_an_article_given_twice_gets_one_story_row_instead_of_an_lsh_key_error():
    twice = pd.concat([signatures(_articles({"a" * 64: REPORT}))] * 2, ignore_index=True)
    assigned, stories = assign_stories(twice, _empty_known())
    assert list(assigned["doc_id"]) == ["a" * 64] and list(stories["doc_id"]) == ["a" * 64]


def test_an_article_already_known_keeps_its_story_when_given_again():
    known, stories = assign_stories(signatures(_articles({"a" * 64: REPORT})), _empty_known())
    known_twice = pd.concat([known, known], ignore_index=True)
    assigned, again = assign_stories(signatures(_articles({"a" * 64: REPORT, "c" * 64: OTHER})), known_twice)
    assert list(assigned["doc_id"]) == ["c" * 64]
    assert set(again["doc_id"]) == {"c" * 64}


def test_clustered_again_a_story_keeps_its_id_and_a_split_off_part_gets_a_new_one():
    shortened = REPORT[: len(REPORT) // 2]
    articles = signatures(_articles({"a" * 64: REPORT, "b" * 64: shortened, "c" * 64: OTHER}))
    # Before: a run had put the unrelated c into the story of a and b, under c's id.
    assigned, stories = recluster(articles, {"a" * 64: "Sc", "b" * 64: "Sc", "c" * 64: "Sc"})
    story = dict(zip(assigned["doc_id"], assigned["story_id"]))
    assert story["a" * 64] == story["b" * 64] == "Sc"  # the larger part keeps the id
    assert story["c" * 64] == "S" + "c" * 16  # its own first article's id, as a run gives
    assert set(stories["story_id"]) == {"Sc", "S" + "c" * 16} and stories["is_canonical"].sum() == 2


def test_clustered_again_a_split_off_story_whose_own_id_is_taken_gets_a_free_one():
    shortened = REPORT[: len(REPORT) // 2]
    articles = signatures(_articles({"a" * 64: REPORT, "b" * 64: shortened, "c" * 64: OTHER}))
    # c's own id names the story that a and b keep.
    assigned, _ = recluster(articles, {"a" * 64: "S" + "c" * 16, "b" * 64: "S" + "c" * 16, "c" * 64: "S" + "c" * 16})
    story = dict(zip(assigned["doc_id"], assigned["story_id"]))
    assert story["a" * 64] == story["b" * 64] == "S" + "c" * 16
    assert story["c" * 64] not in (story["a" * 64], None) and story["c" * 64].startswith("S")
