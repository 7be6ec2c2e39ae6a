"""Cluster: articles -> stories of near-duplicate reports (MinHash LSH over word 4-gram shingles)."""
from __future__ import annotations

import hashlib
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
# A match must rest on a real shared passage: short shared text (a boilerplate sentence such as
# "Der Volltext ... steht nicht mehr zur Verfügung", an agency blurb) only counts when it is
# nearly all of the shorter article.
MIN_SHARED_SHINGLES = 20
SHORT_MATCH_CONTAINMENT = 0.8
SIGNATURE_COLUMNS = ["doc_id", "story_id", "shingle_count", "hashvalues", "published_at", "word_count"]
STORY_COLUMNS = ["story_id", "doc_id", "similarity", "is_canonical"]
_WORD = re.compile(r"\w+")
# Lines that do not carry the report: headings and teaser headlines (short, no sentence end) and
# short blocks of page furniture (related links, newsletter and subscription blurbs, credits).
# Outlets add and drop them around the same report, so they are left out of the shingles.
# Not clean's patterns (clean_lines._FURNITURE, clean_lines._SECTION_CUES), which decide on a raw page where the
# article ends: these see clean bodies, and are part of the signature scheme (a change makes new
# articles' shingles differ from those of the stored signatures), so each list changes on its own.
_SENTENCE_END = re.compile(r"[.!?…\"“”»«')]\s*$")
_FURNITURE = re.compile(
    r"(newsletter|abonn|\babos?\b|probeabo|jetzt (kostenlos |gratis )?(anmelden|registrieren|testen|lesen|"
    r"bestellen|sichern|abonnieren)|lesen sie (auch|mehr|hier)|mehr zum thema|auch interessant|"
    r"könnte sie (auch )?interessier|weitere artikel|ähnliche artikel|meistgelesen|folgen sie uns|"
    r"startseite|©|\bfoto:|\bbild:|\bfotos?\s*/|\banzeige\b|werbung|cookie|impressum|"
    r"alle rechte vorbehalten|artikel (teilen|drucken|anhören))", re.I)
FURNITURE_MAX_WORDS = 30
HEADING_MAX_WORDS = 12
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations
# The LSH bands (count, hash values per band) datasketch chooses for the candidate bar; the warehouse
# finds stored candidates by the same bands (newsetl.transforms.warehouse.story_candidates).
_LSH = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM)
LSH_BANDS, LSH_ROWS = _LSH.b, _LSH.r


def story_text(body: str) -> str:
    """The body without the lines outlets add around a report; the whole body if nothing is left."""
    kept = []
    for line in body.split("\n"):
        n = len(_WORD.findall(line))
        if n == 0 or (n <= HEADING_MAX_WORDS and not _SENTENCE_END.search(line)):
            continue
        if n <= FURNITURE_MAX_WORDS and _FURNITURE.search(line):
            continue
        kept.append(line)
    return "\n".join(kept) if kept else body


def shingles(body: str) -> set[str]:
    """Word 4-grams of the lower-cased story text of a body (see story_text)."""
    words = _WORD.findall(story_text(body).lower())
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}


def signature(body: str) -> tuple[np.ndarray, int]:
    """MinHash hash values and shingle count of a body."""
    grams = shingles(body)
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_PERMUTATIONS)
    minhash.update_batch([g.encode() for g in grams])
    return minhash.hashvalues, len(grams)


def _minhash(values: np.ndarray) -> MinHash:
    """A MinHash over stored hash values (sharing the permutations, which are costly to make)."""
    return MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME, permutations=_PERMUTATIONS)


def overlap(a: np.ndarray, size_a: int, b: np.ndarray, size_b: int) -> float:
    """Number of shared shingles, estimated from two signatures."""
    jaccard = float(np.mean(a == b))
    return jaccard * (size_a + size_b) / (1 + jaccard)


def containment(a: np.ndarray, size_a: int, b: np.ndarray, size_b: int) -> float:
    """Share of the smaller shingle set found in the other, estimated from two signatures."""
    return min(1.0, overlap(a, size_a, b, size_b) / max(1, min(size_a, size_b)))


def match_scores(a: np.ndarray, size_a: int, others: list[np.ndarray], other_sizes: list[int]) -> np.ndarray:
    """For each of the others, the estimated containment when it and a are the same story, else 0.0.

    Besides SAME_STORY_CONTAINMENT, the estimated Jaccard must reach the candidate bar: estimated
    from fewer matching hash values, the containment of a short text in a long one is mostly noise.
    In one pass over the others' hash values: a run scores each new article against every member of
    the stories it may join (1.2 million pairs in a run of 10,000 at an archive of 100,000).
    """
    if not others:
        return np.empty(0)
    jaccard = (np.stack(others) == a).mean(axis=1)
    sizes = np.asarray(other_sizes, dtype=np.float64)
    shared = jaccard * (size_a + sizes) / (1 + jaccard)
    score = np.minimum(1.0, shared / np.maximum(1, np.minimum(size_a, sizes)))
    passes = (jaccard >= CANDIDATE_JACCARD) & (score >= SAME_STORY_CONTAINMENT)
    passes &= (shared >= MIN_SHARED_SHINGLES) | (score >= SHORT_MATCH_CONTAINMENT)
    return np.where(passes, score, 0.0)


def signatures(articles: pd.DataFrame) -> pd.DataFrame:
    """Signature rows (SIGNATURE_COLUMNS, story_id still empty) of articles: doc_id, body, published_at, word_count."""
    rows = []
    for row in articles.itertuples(index=False):
        values, size = signature(row.body)
        rows.append({"doc_id": row.doc_id, "story_id": None, "shingle_count": size, "hashvalues": values,
                     "published_at": row.published_at, "word_count": row.word_count})
    return pd.DataFrame(rows, columns=SIGNATURE_COLUMNS)


class _BandIndex:
    """The stored signatures an LSH index would return for a new one: those equal to it in all the hash
    values of at least one of its LSH_BANDS bands.

    Inserting each stored signature into datasketch's index cost 0.3 ms (40,000 candidates: 12 s of a
    run's 16 s of story assignment) and kept each band's key as a Python object, so a run's stories grew
    with the archive; here each band's keys are one sorted NumPy array, looked up for all new signatures
    at once. The same candidates come out (tests/test_cluster.py).
    """

    def __init__(self, doc_ids: list[str], hashvalues: list[np.ndarray]):
        self.doc_ids = doc_ids
        self.values = (np.stack(hashvalues)[:, :LSH_BANDS * LSH_ROWS] if hashvalues
                       else np.empty((0, LSH_BANDS * LSH_ROWS), np.uint64))
        keys = np.ascontiguousarray(self._keys(self.values).T)  # a row per band: searchsorted reads it in place
        self.order = np.argsort(keys, axis=1, kind="stable")
        self.sorted_keys = np.take_along_axis(keys, self.order, axis=1)

    @staticmethod
    def _keys(values: np.ndarray) -> np.ndarray:
        """One 64-bit key per band (rows x LSH_BANDS); equal bands give equal keys, a collision only adds a
        candidate that the exact comparison drops."""
        bands = values.reshape(len(values), LSH_BANDS, LSH_ROWS)
        keys = np.zeros(bands.shape[:2], np.uint64)
        for row in range(LSH_ROWS):
            keys = keys * np.uint64(0x9E3779B97F4A7C15) ^ bands[:, :, row]
        return keys

    def sharing_a_band(self, values: list[np.ndarray]) -> list[list[str]]:
        """For each of the signatures given, the stored ones that share at least one whole band with it."""
        found: list[list[str]] = [[] for _ in values]
        if not self.doc_ids or not values:
            return found
        band_values = np.stack(values)[:, :LSH_BANDS * LSH_ROWS]
        keys = self._keys(band_values)
        new, stored = [], []
        for band in range(LSH_BANDS):
            row = self.sorted_keys[band]
            starts = np.searchsorted(row, keys[:, band], "left")
            counts = np.searchsorted(row, keys[:, band], "right") - starts
            # Every (new, stored) pair of equal keys: each new signature's run of equal stored keys, expanded.
            new.append(np.repeat(np.arange(len(values)), counts))
            offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            stored.append(self.order[band, np.repeat(starts, counts) + offsets])
        pairs = np.unique(np.concatenate(new) * len(self.doc_ids) + np.concatenate(stored))  # sorted, each once
        for chunk in np.array_split(pairs, max(1, len(pairs) // 100_000)):
            n, i = np.divmod(chunk, len(self.doc_ids))
            same = (band_values[n].reshape(-1, LSH_BANDS, LSH_ROWS)
                    == self.values[i].reshape(-1, LSH_BANDS, LSH_ROWS)).all(axis=2).any(axis=1)
            for new_index, stored_index in zip(n[same].tolist(), i[same].tolist()):
                found[new_index].append(self.doc_ids[stored_index])
        return found


def assign_stories(new: pd.DataFrame, known: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Story of each new article, joining known stories where it matches one.

    new: signatures of the new articles (see signatures()).
    known: signatures of articles already in the warehouse: all of them, or the candidates that
    share an LSH band with a new one together with every member of their stories.
    Returns the new signature rows and the stories rows of every story that gained a member.
    A doc_id given twice counts once (LSH keys must be unique); a new one already known keeps its story.
    """
    records = {}
    for row in known.drop_duplicates("doc_id").itertuples(index=False):
        records[row.doc_id] = {**row._asdict(), "hashvalues": np.asarray(row.hashvalues, dtype=np.uint64)}
    stored = _BandIndex(list(records), [r["hashvalues"] for r in records.values()])
    # This run's articles go into an LSH index as they are assigned, so that later ones find them.
    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM)
    new_rows, touched = [], set()
    ordered = new[~new["doc_id"].isin(records)].drop_duplicates("doc_id")
    ordered = ordered.sort_values(["published_at", "doc_id"], na_position="last")
    stored_candidates = stored.sharing_a_band([np.asarray(v, dtype=np.uint64) for v in ordered["hashvalues"]])
    for row, candidates in zip(ordered.itertuples(index=False), stored_candidates):
        values, size = np.asarray(row.hashvalues, dtype=np.uint64), row.shingle_count
        minhash = _minhash(values)
        candidates = candidates + lsh.query(minhash)
        scored = list(zip(match_scores(values, size, [records[c]["hashvalues"] for c in candidates],
                                       [records[c]["shingle_count"] for c in candidates]).tolist(), candidates))
        best = max(scored, default=(0.0, None))
        story_id = records[best[1]]["story_id"] if best[0] > 0.0 else "S" + row.doc_id[:16]
        record = {**row._asdict(), "story_id": story_id, "hashvalues": values}
        records[row.doc_id] = record
        lsh.insert(row.doc_id, minhash)
        new_rows.append(record)
        touched.add(story_id)
    return (pd.DataFrame(new_rows, columns=SIGNATURE_COLUMNS),
            _story_rows([r for r in records.values() if r["story_id"] in touched]))


def recluster(signatures: pd.DataFrame, previous: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The whole archive's stories again, from every article's signature: (signature rows, stories rows).

    Story ids stay where the stories stay: a new story takes the previous id that most of its members
    had (previous: doc_id -> story_id), each previous id going to the story that holds most of its
    members; a story that gained no previous id gets the id a run would have given it ("S" and its
    first article's doc_id), or, where that id is taken, the next free one of its members', or, where
    all are (a story split off the one its first article founded), one made of its members' ids.
    """
    rows, _ = assign_stories(signatures, signatures.iloc[:0])
    members: dict[str, list[str]] = {}
    for doc_id, story_id in zip(rows["doc_id"], rows["story_id"]):
        members.setdefault(story_id, []).append(doc_id)
    # Most members first; on a tie, the id a run would give (its first article's), then by name.
    overlaps = sorted(((-count, old_id != new_id, new_id, old_id) for new_id, docs in members.items()
                       for old_id, count in pd.Series([previous.get(d) for d in docs]).value_counts().items()))
    renamed: dict[str, str] = {}
    for _, _, new_id, old_id in overlaps:
        if new_id not in renamed and old_id not in renamed.values():
            renamed[new_id] = old_id
    taken = set(renamed.values())
    for new_id, docs in members.items():
        if new_id not in renamed:
            of_members = "S" + hashlib.sha256(" ".join(sorted(docs)).encode()).hexdigest()[:16]
            renamed[new_id] = next(i for i in [new_id, *("S" + d[:16] for d in docs), of_members] if i not in taken)
            taken.add(renamed[new_id])
    rows["story_id"] = rows["story_id"].map(renamed)
    return rows, _story_rows(rows.to_dict("records"))


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
