"""The plain script benchmarks/throughput.py measures newsetl against: one process, no orchestration.

    python benchmarks/plain_script.py LANDING OUT.duckdb

Reads every file (gzip opened, HTML through trafilatura), runs the product's shipped NER model
through spaCy's `nlp.pipe`, groups near-duplicates into stories with datasketch MinHash LSH over
word 4-grams, and writes articles, mentions and stories into one DuckDB file.
"""
from __future__ import annotations

import gzip
import hashlib
import re
import sys
from pathlib import Path

import duckdb
import pandas as pd
import spacy
import trafilatura
from datasketch import MinHash, MinHashLSH

MODEL = Path(__file__).resolve().parent.parent / "transforms" / "models" / "ner_de"
WORD = re.compile(r"\w+")


def read(path: Path) -> tuple[str, str] | None:
    raw = path.read_bytes()
    doc_id = hashlib.sha256(raw).hexdigest()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8", errors="replace")
    if ".htm" in path.name:
        text = trafilatura.extract(text) or ""
    return (doc_id, text) if text.strip() else None


def minhash(text: str) -> MinHash:
    words = WORD.findall(text.lower())
    signature = MinHash(num_perm=128)
    signature.update_batch([" ".join(words[i:i + 4]).encode() for i in range(max(1, len(words) - 3))])
    return signature


def main(landing: str, out: str) -> None:
    documents = [found for path in sorted(Path(landing).rglob("*")) if path.is_file() and (found := read(path))]
    ids, texts = [d for d, _ in documents], [t for _, t in documents]
    nlp = spacy.load(MODEL)
    mentions = [{"doc_id": doc_id, "label": ent.label_, "surface": ent.text, "start_char": ent.start_char,
                 "end_char": ent.end_char}
                for doc_id, doc in zip(ids, nlp.pipe(texts, batch_size=64)) for ent in doc.ents]
    lsh, story = MinHashLSH(threshold=0.5, num_perm=128), {}
    for doc_id, text in zip(ids, texts):
        signature = minhash(text)
        story[doc_id] = next((story[other] for other in lsh.query(signature)), doc_id)
        lsh.insert(doc_id, signature)
    articles = pd.DataFrame({"doc_id": ids, "body": texts, "story_id": [story[d] for d in ids]})
    mentions = pd.DataFrame(mentions, columns=["doc_id", "label", "surface", "start_char", "end_char"])
    with duckdb.connect(out) as con:
        con.execute("create or replace table articles as select * from articles")
        con.execute("create or replace table mentions as select * from mentions")
    print(f"{len(articles)} articles, {len(mentions)} mentions, {len(set(story.values()))} stories")


if __name__ == "__main__":
    main(*sys.argv[1:3])
