"""Cluster: articles -> stories of near-duplicate reports (MinHash LSH over word 4-gram shingles)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
# Stored signatures are only comparable when rebuilt with the scheme that made them.
SCHEME = "affine32"
SHINGLE_WORDS = 4
# LSH finds candidates with a low Jaccard bar; containment then decides, because a republished
# report is often a shortened or extended copy, whose Jaccard is low while containment stays high.
CANDIDATE_JACCARD = 0.1
SAME_STORY_CONTAINMENT = 0.5
SIGNATURE_COLUMNS = ["doc_id", "story_id", "shingle_count", "hashvalues", "published_at", "word_count"]
STORY_COLUMNS = ["story_id", "doc_id", "similarity", "is_canonical"]
_WORD = re.compile(r"\w+")


def shingles(body: str) -> set[str]:
    """Word 4-grams of the lower-cased body."""
    words = _WORD.findall(body.lower())
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}


def signature(body: str) -> tuple[np.ndarray, int]:
    """MinHash hash values and shingle count of a body."""
    grams = shingles(body)
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch([g.encode() for g in grams])
    return minhash.hashvalues, len(grams)


def containment(a: np.ndarray, size_a: int, b: np.ndarray, size_b: int) -> float:
    """Share of the smaller shingle set found in the other, estimated from two signatures."""
    jaccard = float(np.mean(a == b))
    overlap = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, overlap / max(1, min(size_a, size_b)))


def assign_stories(articles: pd.DataFrame, known: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Story of each new article, joining known stories where it matches one.

    articles: doc_id, body, published_at, word_count of the new articles.
    known: signatures of articles already in the warehouse (SIGNATURE_COLUMNS).
    Returns the new signature rows and the stories rows of every story that gained a member.
    """
    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM)
    records = {}
    for row in known.itertuples(index=False):
        values = np.asarray(row.hashvalues, dtype=np.uint64)
        records[row.doc_id] = {**row._asdict(), "hashvalues": values}
        lsh.insert(row.doc_id, MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME))
    new_rows, touched = [], set()
    ordered = articles.sort_values(["published_at", "doc_id"], na_position="last")
    for row in ordered.itertuples(index=False):
        values, size = signature(row.body)
        minhash = MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME)
        scored = [(containment(values, size, records[c]["hashvalues"], records[c]["shingle_count"]), c)
                  for c in lsh.query(minhash)]
        best = max(scored, default=(0.0, None))
        story_id = records[best[1]]["story_id"] if best[0] >= SAME_STORY_CONTAINMENT else "S" + row.doc_id[:16]
        record = {"doc_id": row.doc_id, "story_id": story_id, "shingle_count": size, "hashvalues": values,
                  "published_at": row.published_at, "word_count": row.word_count}
        records[row.doc_id] = record
        lsh.insert(row.doc_id, minhash)
        new_rows.append(record)
        touched.add(story_id)
    return (pd.DataFrame(new_rows, columns=SIGNATURE_COLUMNS),
            _story_rows([r for r in records.values() if r["story_id"] in touched]))


def _story_rows(members: list[dict]) -> pd.DataFrame:
    """Stories rows: the canonical article is the earliest, else the longest; similarity is to it."""
    rows = []
    by_story: dict[str, list[dict]] = {}
    for member in members:
        by_story.setdefault(member["story_id"], []).append(member)
    for story_id, group in by_story.items():
        canonical = min(group, key=lambda r: (pd.isna(r["published_at"]),
                                              r["published_at"] if not pd.isna(r["published_at"]) else 0,
                                              -r["word_count"], r["doc_id"]))
        for r in group:
            similarity = 1.0 if r is canonical else containment(
                r["hashvalues"], r["shingle_count"], canonical["hashvalues"], canonical["shingle_count"])
            rows.append({"story_id": story_id, "doc_id": r["doc_id"], "similarity": round(similarity, 4),
                         "is_canonical": r is canonical})
    return pd.DataFrame(rows, columns=STORY_COLUMNS)
