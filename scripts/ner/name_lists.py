"""Build the name list the tag stage reconciles the model's output with (transforms/data/names_de.tsv).

    python scripts/ner/name_lists.py [--build build/ner] [--out transforms/data/names_de.tsv]

Source: the places annotated in the CC BY 4.0 training corpora
  (``<build>/corpus/train/*.spacy`` written by convert.py: GermEval 2014 training part,
  SmartData v1, MobIE, the LER sample; the shipped list was built without MobIE's test split,
  which is kept for evaluation). The GermEval dev and held-out parts are not read. A name is
  kept where it was annotated at least MIN_COUNT times, with one
  label for at least MIN_SHARE of its annotations, and where it is annotated at least
  MIN_PRECISION of the times it occurs as a whole word sequence in that text (so that
  common words that are sometimes names, such as "Bahn" or "Post", stay out).

Output columns: label, name, source. Persons and organisations are left out: on held-out GermEval
a person list (the 1,020 speakers of the 20th Bundestag, corpora/bundestag-wp20/speakers.tsv, plus
the corpora's persons) changed nothing and the corpora's organisations lowered micro F1
(scripts/ner/README.md).
"""
from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OUT = REPO / "transforms" / "data" / "names_de.tsv"
MIN_COUNT = 2
MIN_SHARE = 0.9
MIN_PRECISION = 0.7
LABELS = ("LOC",)


def corpus_names(train_dir: Path) -> list[tuple[str, str]]:
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("de").vocab
    seen: set[str] = set()
    labels: dict[str, Counter] = defaultdict(Counter)
    occurrences: Counter = Counter()
    docs = []
    for path in sorted(train_dir.glob("*.spacy")):
        for doc in DocBin().from_disk(path).get_docs(vocab):
            if doc.text in seen:  # GermEval is written twice
                continue
            seen.add(doc.text)
            docs.append(doc)
            for ent in doc.ents:
                labels[ent.text][ent.label_] += 1
    candidates = {name for name, c in labels.items() if sum(c.values()) >= MIN_COUNT}
    for doc in docs:
        words = [t.text for t in doc]
        for n in range(1, 6):
            for i in range(len(words) - n + 1):
                phrase = " ".join(words[i:i + n])
                if phrase in candidates:
                    occurrences[phrase] += 1
    kept = []
    for name in sorted(candidates):
        label, count = labels[name].most_common(1)[0]
        total = sum(labels[name].values())
        if (label in LABELS and count / total >= MIN_SHARE and total / max(occurrences[name], total) >= MIN_PRECISION
                and len(name) >= 2 and name[:1].isupper() and not re.search(r"\d", name)):
            kept.append((label, name))
    return kept


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, default=REPO / "build" / "ner")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    rows = {(label, name): "corpora" for label, name in corpus_names(args.build / "corpus" / "train")}
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("# label\tname\tsource. Built by scripts/ner/name_lists.py from the names annotated in GermEval 2014,\n"
                 "# SmartData v1, MobIE and German LER (all CC BY 4.0; credits in transforms/models/ner_de/MODEL_CARD.md)\n")
        for (label, name), source in sorted(rows.items()):
            fh.write(f"{label}\t{name}\t{source}\n")
    print(f"{args.out}: {len(rows)} names, {Counter(label for label, _ in rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
