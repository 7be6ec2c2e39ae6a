"""Convert the CC BY 4.0 German NER corpora to spaCy DocBin files.

Usage::

    python scripts/ner/convert.py [--corpora ../shared/corpora] [--out build/ner]

Writes under ``<out>/corpus/``:

* ``train/*.spacy``   every training source (spaCy's corpus reader reads the folder)
* ``dev.spacy``       GermEval dev part used for early stopping / model selection
* ``heldout.spacy``   GermEval held-out part (evaluation only, never trained on or
                      used for model selection)
* ``pretrain.jsonl``  unlabelled text for ``spacy pretrain`` (CC BY 4.0 sources only)
* ``stats.json``      sentence and entity counts per file

Output labels: PER, LOC, ORG, MISC.

GermEval 2014 split (fixed, by 0-based sentence index ``i`` in NER-de-test.tsv)
---------------------------------------------------------------------------------
* ``i % 5 == 0`` -> held-out (1,020 sentences)      -- evaluation only
* ``i % 5 == 1`` -> dev (1,020 sentences)            -- early stopping
* all other NER-de-test.tsv sentences and all of NER-de-dev.tsv -> train
  (GermEval training sentences are written twice: it is the target domain.)

Label mapping
-------------
GermEval 2014 (outer column only; the inner/nested column is ignored)
    PER -> PER, LOC -> LOC, ORG -> ORG, OTH -> MISC
    *deriv (e.g. LOCderiv "deutschen") -> O (not an entity)
    *part  (e.g. ORGpart "SPD-Vorsitzender") -> O (not an entity)
    This matches the evaluation, which scores exact spans of the outer PER, LOC and
    ORG tags only: a deriv/part token predicted as an entity is a false positive.
SmartData v1 (character offsets, tokenised here with spaCy's blank German tokenizer;
one training doc per text line)
    person -> PER
    location, location-city, location-street, location-stop -> LOC
    organization, organization-company -> ORG
    product -> MISC
    location-route (road/rail line numbers like "A7", "S4") -> missing annotation
        (neither entity nor O: GermEval has no clear convention for them)
    date, time, number, duration, trigger, org-position, ... -> O
MobIE (``token POS chunk NER`` BIO columns) -- same mapping as SmartData. ``--mobie-splits``
(default train,dev,test, as the shipped model was trained) chooses the splits; train,dev keeps
the test split for evaluation (benchmarks/eval_ner.py --datasets mobie).
LER courts (19 fine types, BIO)
    PER, RR (judge), AN (lawyer) -> PER
    LD (country), ST (city), STR (street), LDS (landscape) -> LOC
    ORG, UN (company), INN (institution), GRT (court) -> ORG
    MRK (brand), GS (law), VO (ordinance), EUN (EU norm) -> MISC
    VS (regulation), VT (contract), RS (case law citation), LIT (literature) -> O
        (long citation spans, not named entities in the GermEval sense)
    Sub-sampling (seeded, legal text must not dominate): every sentence with a PER
    or LOC entity, up to LER_ORG_CAP further sentences with an ORG entity, and
    LER_EMPTY sentences with no PER/LOC/ORG entity; sentences longer than 80
    tokens are skipped.

Pretraining text: all training-split text above (GermEval train, SmartData, MobIE,
LER sub-sample plus further LER sentences). 10kGNAD and wikinews-de are CC BY-NC-SA
and are deliberately NOT used (weights derived from them would ship in the model).
The GermEval held-out and dev sentences are excluded from pretraining, and WikiANN is
never read here.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span
from spacy.util import filter_spans

SEED = 0
LER_ORG_CAP = 1200
LER_EMPTY = 400
LER_MAX_LEN = 80
LER_PRETRAIN_EXTRA = 15000
GERMEVAL_TRAIN_COPIES = 2

GERMEVAL_MAP = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "MISC"}
DFKI_MAP = {
    "person": "PER",
    "location": "LOC",
    "location-city": "LOC",
    "location-street": "LOC",
    "location-stop": "LOC",
    "organization": "ORG",
    "organization-company": "ORG",
    "product": "MISC",
}
DFKI_MISSING = {"location-route"}
LER_MAP = {
    "PER": "PER", "RR": "PER", "AN": "PER",
    "LD": "LOC", "ST": "LOC", "STR": "LOC", "LDS": "LOC",
    "ORG": "ORG", "UN": "ORG", "INN": "ORG", "GRT": "ORG",
    "MRK": "MISC", "GS": "MISC", "VO": "MISC", "EUN": "MISC",
}

_NLP = spacy.blank("de")
VOCAB = _NLP.vocab


def bio_spans(tags: list[str], mapping: dict[str, str], missing: set[str] = frozenset()):
    """BIO tags -> (entities, missing) lists of (start_tok, end_tok, label)."""
    ents, miss = [], []
    cur = None  # [start, end, raw_type]
    for i, tag in enumerate(tags + ["O"]):
        if tag == "O" or tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[2] != tag[2:])):
            if cur is not None:
                raw = cur[2]
                if raw in mapping:
                    ents.append((cur[0], cur[1], mapping[raw]))
                elif raw in missing:
                    miss.append((cur[0], cur[1], raw))
                cur = None
            if tag != "O":
                cur = [i, i + 1, tag[2:]]
        else:  # I- continuing
            cur[1] = i + 1
    return ents, miss


def make_doc(words: list[str], ents, missing=()) -> Doc:
    doc = Doc(VOCAB, words=words)
    spans = [Span(doc, s, e, label=lab) for s, e, lab in ents]
    miss = [Span(doc, s, e) for s, e, _ in missing]
    doc.set_ents(spans, missing=miss, default="outside")
    return doc


# ---------------------------------------------------------------- GermEval
def read_germeval(path: Path) -> list[tuple[list[str], list[str]]]:
    """Sentences of a GermEval TSV as (tokens, outer tags) in file order."""
    sents, toks, tags = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if toks:
                sents.append((toks, tags))
            toks, tags = [], []
            continue
        parts = line.split("\t")
        toks.append(parts[1])
        tags.append(parts[2])
    if toks:
        sents.append((toks, tags))
    return sents


def germeval_split(index: int) -> str:
    """Fixed split of NER-de-test.tsv by 0-based sentence index."""
    if index % 5 == 0:
        return "heldout"
    if index % 5 == 1:
        return "dev"
    return "train"


def germeval_docs(corpora: Path):
    gdir = corpora / "germeval2014"
    out = {"train": [], "dev": [], "heldout": []}
    for toks, tags in read_germeval(gdir / "NER-de-dev.tsv"):
        out["train"].append(make_doc(toks, bio_spans(tags, GERMEVAL_MAP)[0]))
    for i, (toks, tags) in enumerate(read_germeval(gdir / "NER-de-test.tsv")):
        out[germeval_split(i)].append(make_doc(toks, bio_spans(tags, GERMEVAL_MAP)[0]))
    return out


# ---------------------------------------------------------------- SmartData
def iter_json_concat(path: Path):
    raw = gzip.open(path, "rt", encoding="utf-8").read()
    dec = json.JSONDecoder()
    i, n = 0, len(raw)
    while True:
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            return
        obj, i = dec.raw_decode(raw, i)
        yield obj


def smartdata_docs(corpora: Path) -> list[Doc]:
    docs = []
    for name in ("train.json.gz", "test.json.gz"):
        for rec in iter_json_concat(corpora / "smartdata-v1" / name):
            text = (rec.get("text") or {}).get("string") or ""
            mentions = ((rec.get("conceptMentions") or {}).get("array")) or []
            pos = 0
            for line in text.split("\n"):
                start, end = pos, pos + len(line)
                pos = end + 1
                if not line.strip():
                    continue
                doc = _NLP.make_doc(line)
                ents, miss = [], []
                for m in mentions:
                    s, e = m["span"]["start"] - start, m["span"]["end"] - start
                    if s < 0 or e > len(line) or s >= e:
                        continue
                    typ = m["type"]
                    if typ in DFKI_MAP or typ in DFKI_MISSING:
                        sp = doc.char_span(s, e, label=DFKI_MAP.get(typ, "MISSING"), alignment_mode="expand")
                        if sp is not None and len(sp):
                            (ents if typ in DFKI_MAP else miss).append(sp)
                ents = filter_spans(ents)
                taken = {t for sp in ents for t in range(sp.start, sp.end)}
                miss = [sp for sp in filter_spans(miss) if not any(t in taken for t in range(sp.start, sp.end))]
                doc.set_ents(ents, missing=miss, default="outside")
                docs.append(doc)
    return docs


# ---------------------------------------------------------------- CoNLL-like
def read_columns(path: Path, tok_col: int, tag_col: int, sep: str | None = None):
    sents, toks, tags = [], [], []
    with open(path, encoding="utf-8", newline="") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if line.startswith("-DOCSTART-"):
                continue
            if not line.strip():
                if toks:
                    sents.append((toks, tags))
                toks, tags = [], []
                continue
            parts = line.split(sep)
            toks.append(parts[tok_col])
            tags.append(parts[tag_col])
    if toks:
        sents.append((toks, tags))
    return sents


def mobie_docs(corpora: Path, splits=("train", "dev", "test")) -> list[Doc]:
    docs = []
    for split in splits:
        for toks, tags in read_columns(corpora / "mobie" / f"{split}.conll2003", 0, 3, sep="\t"):
            ents, miss = bio_spans(tags, DFKI_MAP, DFKI_MISSING)
            docs.append(make_doc(toks, ents, miss))
    return docs


def ler_docs(corpora: Path):
    """Returns (sampled training docs, extra raw sentences for pretraining)."""
    rng = random.Random(SEED)
    per_loc, org, empty = [], [], []
    for path in sorted((corpora / "ler-courts").glob("*.conll")):
        for toks, tags in read_columns(path, 0, 1, sep=" "):
            ents, _ = bio_spans(tags, LER_MAP)
            labels = {lab for _, _, lab in ents}
            item = (toks, ents)
            if labels & {"PER", "LOC"}:
                per_loc.append(item)
            elif "ORG" in labels:
                org.append(item)
            else:
                empty.append(item)
    rng.shuffle(org)
    rng.shuffle(empty)
    chosen = [x for x in per_loc if len(x[0]) <= LER_MAX_LEN]
    chosen += [x for x in org if len(x[0]) <= LER_MAX_LEN][:LER_ORG_CAP]
    chosen += [x for x in empty if len(x[0]) <= LER_MAX_LEN][:LER_EMPTY]
    rest = [x for x in empty[LER_EMPTY:] if len(x[0]) <= LER_MAX_LEN][:LER_PRETRAIN_EXTRA]
    docs = [make_doc(t, e) for t, e in chosen]
    extra = [" ".join(t) for t, _ in rest]
    return docs, extra


def ent_counts(docs) -> dict:
    c: dict[str, int] = {}
    for d in docs:
        for e in d.ents:
            c[e.label_] = c.get(e.label_, 0) + 1
    return {"docs": len(docs), "tokens": sum(len(d) for d in docs), **dict(sorted(c.items()))}


def main(argv=None) -> int:
    here = Path(__file__).resolve()
    repo = here.parents[2]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=repo.parent / "shared" / "corpora")
    ap.add_argument("--out", type=Path, default=repo / "build" / "ner")
    ap.add_argument("--germeval-copies", type=int, default=GERMEVAL_TRAIN_COPIES)
    ap.add_argument("--mobie-splits", default="train,dev,test")
    args = ap.parse_args(argv)
    corpora = args.corpora
    out = args.out / "corpus"
    (out / "train").mkdir(parents=True, exist_ok=True)

    stats = {}
    ge = germeval_docs(corpora)
    sets = {
        "train/germeval.spacy": ge["train"] * args.germeval_copies,
        "dev.spacy": ge["dev"],
        "heldout.spacy": ge["heldout"],
        "train/smartdata.spacy": smartdata_docs(corpora),
        "train/mobie.spacy": mobie_docs(corpora, args.mobie_splits.split(",")),
    }
    ler, ler_extra = ler_docs(corpora)
    sets["train/ler.spacy"] = ler
    for rel, docs in sets.items():
        DocBin(docs=docs, store_user_data=False).to_disk(out / rel)
        stats[rel] = ent_counts(docs)
        print(f"{rel:24s} {stats[rel]}")

    texts = [d.text for d in ge["train"]]
    for rel in ("train/smartdata.spacy", "train/mobie.spacy", "train/ler.spacy"):
        texts += [d.text for d in sets[rel]]
    texts += ler_extra
    random.Random(SEED).shuffle(texts)
    with open(out / "pretrain.jsonl", "w", encoding="utf-8") as fh:
        for t in texts:
            if t.strip():
                fh.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")
    stats["pretrain.jsonl"] = {"texts": len(texts), "words": sum(len(t.split()) for t in texts)}
    print("pretrain.jsonl", stats["pretrain.jsonl"])
    (out / "stats.json").write_text(json.dumps(stats, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
