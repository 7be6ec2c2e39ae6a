"""Exact-span NER evaluation on held-out GermEval 2014, its dev part, WikiANN-de test and MobIE test.

Usage::

    python benchmarks/eval_ner.py [--variant model|rules|combined] [--model PATH]
                                  [--corpora DIR] [--datasets germeval,germeval-dev,wikiann,mobie]
                                  [--limit N] [--no-speed]

Prints a readable table and one JSON line (prefixed by nothing, starting with "{").

* Gold: GermEval outer PER/LOC/ORG spans (OTH, *deriv, *part are not scored) of the
  fixed held-out split (NER-de-test.tsv sentences whose 0-based index % 5 == 0, see
  scripts/ner/convert.py); WikiANN-de test.conllu PER/LOC/ORG (evaluation only, its
  licence is non-commercial).
* germeval-dev: the GermEval part that chooses between models (index % 5 == 1). mobie: MobIE
  test, one text per document (tweets and traffic news), so that names repeated within a
  document count; route numbers are scored neither way.
* Text: each sentence's tokens joined by single spaces; gold token spans become
  character spans; predictions are character spans (start, end, label). A prediction is
  correct when start, end and label are all equal. MISC predictions are ignored.
* model variant: spaCy model loaded from transforms/models/ner_de (or --model).
  rules / combined: ``newsetl.transforms.tag.find_mentions(texts, use_model=..., use_rules=True)``
  (combined with the model at --model).
* tokens/second: the model variant, nlp.pipe(batch_size=64), one thread, counted in
  spaCy tokens over the held-out GermEval texts (repeated to about 60k tokens); reported
  per wall-clock second and per CPU-second of the process (the latter is what one
  dedicated core gives when other processes compete for the machine).

When the corpora folder (default ../shared/corpora relative to the repo root, or env
NEWSETL_CORPORA) is absent, prints "skipped: corpus not found at ..." and exits 0.
"""
from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "transforms" / "models" / "ner_de"
LABELS = ("PER", "LOC", "ORG")

Span = tuple[int, int, str]


def corpora_dir() -> Path:
    env = os.environ.get("NEWSETL_CORPORA")
    return Path(env) if env else (REPO.parent / "shared" / "corpora")


# ------------------------------------------------------------------ data
def _bio_to_char_spans(tokens: list[str], tags: list[str], labels=LABELS) -> tuple[str, list[Span]]:
    """Join tokens with spaces; BIO tags (outer PER/LOC/ORG only) -> char spans."""
    starts, pos = [], 0
    for t in tokens:
        starts.append(pos)
        pos += len(t) + 1
    text = " ".join(tokens)
    spans: list[Span] = []
    cur = None  # [start_tok, end_tok, label]
    for i, tag in enumerate(list(tags) + ["O"]):
        typ = tag[2:] if tag[:2] in ("B-", "I-") else None
        cont = tag.startswith("I-") and cur is not None and cur[2] == typ
        if cont:
            cur[1] = i + 1
            continue
        if cur is not None:
            if cur[2] in labels:
                s, e = cur[0], cur[1]
                spans.append((starts[s], starts[e - 1] + len(tokens[e - 1]), cur[2]))
            cur = None
        if typ is not None:
            cur = [i, i + 1, typ]
    return text, spans


def heldout_index(i: int) -> bool:
    """The fixed GermEval held-out split: NER-de-test.tsv sentence index % 5 == 0."""
    return i % 5 == 0


def load_germeval_heldout(corpora: Path, part=heldout_index) -> list[tuple[str, list[Span]]]:
    path = corpora / "germeval2014" / "NER-de-test.tsv"
    out, toks, tags, idx = [], [], [], 0
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#"):
            continue
        if not line.strip():
            if toks:
                if part(idx):
                    out.append(_bio_to_char_spans(toks, tags))
                idx += 1
            toks, tags = [], []
            continue
        parts = line.split("\t")
        toks.append(parts[1])
        tags.append(parts[2])  # outer tag; LOCderiv etc. are not in LABELS
    return out


def dev_index(i: int) -> bool:
    """The GermEval part that chooses between models: NER-de-test.tsv sentence index % 5 == 1."""
    return i % 5 == 1


def load_germeval_dev(corpora: Path) -> list[tuple[str, list[Span]]]:
    return load_germeval_heldout(corpora, dev_index)


MOBIE_LABELS = {"person": "PER", "location": "LOC", "location-city": "LOC", "location-street": "LOC",
                "location-stop": "LOC", "organization": "ORG", "organization-company": "ORG",
                "location-route": "IGNORE"}


def load_mobie_test(corpora: Path) -> list[tuple[str, list[Span]]]:
    """MobIE test, one text per document (its sentences joined by spaces), so that names repeated
    within a document show. Route numbers (S4, A7) are scored neither way: GermEval has no
    convention for them, so a prediction overlapping one is ignored."""
    path = corpora / "mobie" / "test.conll2003"
    docs: list[tuple[list[str], list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            docs.append(([], []))
        elif line.strip() and docs:
            parts = line.split("\t")
            tag = parts[3]
            label = MOBIE_LABELS.get(tag[2:]) if tag != "O" else None
            docs[-1][0].append(parts[0])
            docs[-1][1].append(f"{tag[:2]}{label}" if label else "O")
    return [_bio_to_char_spans(toks, tags, (*LABELS, "IGNORE")) for toks, tags in docs if toks]


def load_wikiann_test(corpora: Path) -> list[tuple[str, list[Span]]]:
    path = corpora / "wikiann-de" / "test.conllu"
    out, toks, tags = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if toks:
                out.append(_bio_to_char_spans(toks, tags))
            toks, tags = [], []
            continue
        parts = line.split("\t")
        toks.append(parts[1])
        tags.append(parts[2])
    return out


DATASETS = {
    "germeval": ("germeval2014", load_germeval_heldout),
    "germeval-dev": ("germeval2014", load_germeval_dev),
    "wikiann": ("wikiann-de", load_wikiann_test),
    "mobie": ("mobie", load_mobie_test),
}


# ------------------------------------------------------------------ predictors
def load_model(path: Path | str = DEFAULT_MODEL):
    import spacy

    return spacy.load(path)


def model_predict(nlp, texts: list[str], batch_size: int = 64) -> list[list[Span]]:
    return [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in nlp.pipe(texts, batch_size=batch_size)
    ]


def tag_predictor(variant: str, model_path: Path | str = DEFAULT_MODEL):
    """find_mentions from newsetl.transforms.tag for the rules/combined variants (with the model at model_path), or None."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    try:
        mod = importlib.import_module("newsetl.transforms.tag")
        fm = mod.find_mentions
        importlib.import_module("newsetl.transforms.tag_model").MODEL_DIR = Path(model_path)  # read when the model is first loaded
    except (ImportError, AttributeError) as exc:
        print(f"note: newsetl.transforms.tag.find_mentions unavailable ({exc}); evaluating the model only")
        return None
    use_model = variant == "combined"
    return lambda texts: fm(texts, use_model=use_model, use_rules=True)


# ------------------------------------------------------------------ scoring
def score(gold: list[list[Span]], pred: list[list[Span]]) -> dict:
    tp = {label: 0 for label in LABELS}
    fp = dict(tp)
    fn = dict(tp)
    for g, p in zip(gold, pred, strict=True):
        gs = {s for s in g if s[2] in LABELS}
        ignored = [s for s in g if s[2] == "IGNORE"]
        ps = {(int(s[0]), int(s[1]), s[2]) for s in p if s[2] in LABELS
              and not any(s[0] < i[1] and i[0] < s[1] for i in ignored)}
        for s in ps & gs:
            tp[s[2]] += 1
        for s in ps - gs:
            fp[s[2]] += 1
        for s in gs - ps:
            fn[s[2]] += 1

    def prf(t, f_p, f_n):
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "support": t + f_n}

    res = {label: prf(tp[label], fp[label], fn[label]) for label in LABELS}
    res["micro"] = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return res


def evaluate(variant: str = "model", datasets=("germeval", "wikiann"), corpora: Path | None = None,
             model_path: Path | str = DEFAULT_MODEL, limit: int = 0, nlp=None) -> dict:
    """Scores per dataset; datasets whose corpus folder is missing are reported as skipped."""
    corpora = corpora or corpora_dir()
    if variant == "model":
        nlp = nlp or load_model(model_path)
        predict = lambda texts: model_predict(nlp, texts)  # noqa: E731
    else:
        predict = tag_predictor(variant, model_path)
        if predict is None:
            variant = "model"
            nlp = nlp or load_model(model_path)
            predict = lambda texts: model_predict(nlp, texts)  # noqa: E731
    out: dict = {"variant": variant}
    for name in datasets:
        folder, loader = DATASETS[name]
        if not (corpora / folder).is_dir():
            out[name] = {"skipped": f"corpus not found at {corpora / folder}"}
            continue
        data = loader(corpora)
        if limit:
            data = data[:limit]
        texts = [t for t, _ in data]
        t0 = time.perf_counter()
        pred = predict(texts)
        out[name] = score([g for _, g in data], pred)
        out[name]["sentences"] = len(data)
        out[name]["seconds"] = round(time.perf_counter() - t0, 2)
    return out


def speed(nlp, texts: list[str], min_tokens: int = 60000, batch_size: int = 64) -> dict:
    n_words = sum(len(t.split()) for t in texts) or 1
    reps = max(1, -(-min_tokens // n_words))
    big = texts * reps
    list(nlp.pipe(big[:200], batch_size=batch_size))  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    n = sum(len(d) for d in nlp.pipe(big, batch_size=batch_size))
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    # wall-clock rate, and the rate per CPU-second of this process (what one dedicated core
    # gives; robust against other processes competing for the cores)
    return {"tokens": n, "seconds": round(dt, 2), "tokens_per_second": round(n / dt),
            "cpu_seconds": round(dc, 2), "tokens_per_cpu_second": round(n / dc)}


def table(res: dict) -> str:
    lines = [f"variant: {res['variant']}"]
    for name in DATASETS:
        r = res.get(name)
        if r is None:
            continue
        if "skipped" in r:
            lines.append(f"{name}: skipped: {r['skipped']}")
            continue
        lines.append(f"{name} ({r['sentences']} sentences)")
        lines.append(f"  {'label':6s} {'P':>6s} {'R':>6s} {'F1':>6s} {'gold':>6s}")
        for label in (*LABELS, "micro"):
            s = r[label]
            lines.append(f"  {label:6s} {s['p']:6.3f} {s['r']:6.3f} {s['f']:6.3f} {s['support']:6d}")
    if "speed" in res:
        s = res["speed"]
        lines.append(f"speed: {s['tokens_per_second']} tokens/s wall, {s['tokens_per_cpu_second']} tokens per CPU-second "
                     f"(1 thread, nlp.pipe batch 64, {s['tokens']} tokens)")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Exact-span NER evaluation (GermEval held-out, WikiANN-de test)")
    ap.add_argument("--variant", choices=("model", "rules", "combined"), default="model")
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--corpora", type=Path, default=None)
    ap.add_argument("--datasets", default="germeval,wikiann")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args(argv)
    corpora = args.corpora or corpora_dir()
    datasets = [d for d in args.datasets.split(",") if d]
    present = [d for d in datasets if (corpora / DATASETS[d][0]).is_dir()]
    if not present:
        for d in datasets:
            print(f"skipped: corpus not found at {corpora / DATASETS[d][0]}")
        return 0
    if not Path(args.model).exists() and args.variant == "model":
        print(f"skipped: model not found at {args.model}")
        return 0
    nlp = load_model(args.model) if Path(args.model).exists() else None
    res = evaluate(args.variant, datasets, corpora, args.model, args.limit, nlp=nlp)
    if not args.no_speed and nlp is not None and "germeval" in present:
        texts = [t for t, _ in load_germeval_heldout(corpora)]
        res["speed"] = speed(nlp, texts)
    print(table(res))
    print(json.dumps(res, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
