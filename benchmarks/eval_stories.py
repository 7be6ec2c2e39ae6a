"""Same-story clustering benchmark: real German articles and synthetic republications.

Usage::

    python benchmarks/eval_stories.py [--corpora DIR] [--originals N] [--variants N]
                                      [--seed S] [--modes oneshot,incremental]

Prints a readable table and one JSON line (starting with "{").

* Originals: every article of 10kgnad/test.csv (``label;'text'``, title and body run
  together) and wikinews-de/articles.jsonl (title + text) with at least MIN_WORDS words
  (MIN_WORDS = 20: 2,023 of the 2,026; the 3 dropped are 7-15 word fragments). ``--originals N``
  takes a deterministic sample of N of them (the test gate uses this).
* Variants: republications made deterministically (``random.Random(seed)``) from randomly
  chosen originals, each mixing several of the ways outlets rework an agency report:
  truncation after some paragraphs/sentences (at least 40 % of the words kept), a new
  headline and teaser (the original's lead sentence sometimes dropped), a closing
  paragraph (a generic sentence or a paragraph of an unrelated article), agency line
  changes ("Berlin (dpa) - " added or a dateline removed, "(dpa/nd)" appended), boilerplate
  lines around (teaser headlines of other articles, "Mehr zum Thema", an outlet's
  newsletter blurb, photo credits) and small word edits (a few words replaced or dropped).
  The variant's text goes to the clusterer as its body, boilerplate included (the worst
  case: the clean stage left it in). An original and its variants are one gold story.
* Metric: pairwise. Predicted pairs are the pairs of articles sharing a story_id, gold
  pairs those sharing an original. precision = |pred & gold| / |pred|, recall =
  |pred & gold| / |gold|. false_merge_pairs = predicted pairs across gold stories;
  merged_originals = pairs of two distinct originals put in one story.
* Modes: ``oneshot`` runs ``assign_stories(all, empty_known)`` over one shuffled frame;
  ``incremental`` loads the first half, then passes the rest with the first half's
  signatures as ``known`` (as the warehouse does run after run).
  published_at is NaT throughout, so the processing order is the (random) doc_id order
  and a variant is often seen before its original.
* ms_per_1000: wall time of assign_stories per 1,000 articles (one process, this machine).

When the corpora folder (default ../shared/corpora relative to the repo root, or env
NEWSETL_CORPORA) is absent, prints "skipped: corpus not found at ..." and exits 0.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from newsetl.transforms.cluster import LSH_BANDS, LSH_ROWS, SIGNATURE_COLUMNS, assign_stories  # noqa: E402
from newsetl.transforms.cluster import signatures as cluster_signatures  # noqa: E402
from newsetl.transforms.warehouse import load_run, story_candidates, write_part  # noqa: E402

SEED = 20240611
MIN_WORDS = 20
DEFAULT_VARIANTS = 1400
BASELINE = REPO / "benchmarks" / "baselines" / "stories.json"
# The size tests/test_stories_gate.py runs: the full benchmark, as it takes well under a minute
# (about 20 s on two busy cores); reduce it here (and re-baseline) if it grows slower.
FULL_CONFIG = {"originals": None, "variants": DEFAULT_VARIANTS, "seed": SEED}
TEST_CONFIG = dict(FULL_CONFIG)
_WORD = re.compile(r"\w+")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?“\"])\s+(?=[A-ZÄÖÜ„\"])")


def corpora_dir() -> Path:
    env = os.environ.get("NEWSETL_CORPORA")
    return Path(env) if env else (REPO.parent / "shared" / "corpora")


def corpus_files(corpora: Path) -> list[Path]:
    return [corpora / "10kgnad" / "test.csv", corpora / "wikinews-de" / "articles.jsonl"]


def words(text: str) -> int:
    return len(_WORD.findall(text))


# ------------------------------------------------------------------ originals
def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if s.strip()]


def load_originals(corpora: Path, min_words: int = MIN_WORDS) -> list[dict]:
    """Each original: source, title, paragraphs (lists of sentences), text."""
    out: list[dict] = []
    gnad = corpora / "10kgnad" / "test.csv"
    with gnad.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.reader(fh, delimiter=";", quotechar="'")):
            if len(row) < 2:
                continue
            sents = sentences(row[1])
            # one block of running text: pseudo-paragraphs of three sentences, the first (the
            # title and teaser run together) standing alone
            paras = [sents[:1]] + [sents[j:j + 3] for j in range(1, len(sents), 3)]
            out.append({"source": f"10kgnad:{i}", "title": sents[0] if sents else "",
                        "paragraphs": [p for p in paras if p]})
    wiki = corpora / "wikinews-de" / "articles.jsonl"
    with wiki.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            paras = [sentences(p) for p in re.split(r"\n\s*\n", rec["text"]) if p.strip()]
            out.append({"source": f"wikinews:{rec['id']}", "title": rec.get("title") or "",
                        "paragraphs": [p for p in paras if p]})
    for o in out:
        o["text"] = "\n\n".join(" ".join(p) for p in o["paragraphs"])
    return [o for o in out if words(o["text"]) >= min_words]


# ------------------------------------------------------------------ variants
CITIES = ["Berlin", "Hamburg", "München", "Frankfurt", "Köln", "Wien", "Brüssel", "Washington",
          "Paris", "London", "Düsseldorf", "Stuttgart", "Dresden", "Hannover", "Genf", "Zürich"]
AGENCY_CREDITS = ["dpa", "AFP", "Reuters", "dpa/AFP", "epd", "KNA", "dpa/nd", "AFP/nd", "dpa/taz",
                  "dpa/AFX", "Reuters/dpa"]
OUTLET_CREDITS = ["dpa/nd", "AFP/nd", "dpa/taz", "mit Material von dpa", "(dpa/jW)", "red/dpa"]
HEADLINE_TEMPLATES = ["{a}: Was jetzt bekannt ist", "{a} und {b} – die Hintergründe",
                      "Streit um {a}", "{a}: Neue Entwicklung", "Wirbel um {a}",
                      "Überraschende Wende bei {a}", "{a} im Fokus", "Was {a} für {b} bedeutet",
                      "Eilmeldung: {a}", "{a} – so geht es weiter"]
TEASER_TEMPLATES = ["Neue Entwicklungen rund um {a} und {b} sorgen für Gesprächsstoff.",
                    "Die wichtigsten Informationen zu {a} im Überblick.",
                    "Was hinter {a} steckt und welche Rolle {b} dabei spielt.",
                    "Um {a} gibt es Diskussionen – nun äußern sich die Beteiligten.",
                    "Der Fall {a} beschäftigt auch {b}. Ein Überblick.",
                    "Hier lesen Sie, was über {a} bislang bekannt ist."]
CLOSINGS = ["Die Ermittlungen dauern an.", "Weitere Einzelheiten waren zunächst nicht bekannt.",
            "Eine Stellungnahme stand am Abend noch aus.",
            "Wir aktualisieren diesen Artikel, sobald neue Informationen vorliegen.",
            "Die Polizei bittet Zeugen, sich zu melden.",
            "Ob es weitere Gespräche geben wird, ist offen. Eine Entscheidung wird in den kommenden Wochen erwartet.",
            "Die Opposition kritisierte das Vorgehen scharf und kündigte an, das Thema erneut auf die Tagesordnung zu setzen."]
NEWSLETTERS = [
    "Newsletter: Jeden Morgen die wichtigsten Nachrichten des Tages direkt in Ihr Postfach. Jetzt kostenlos anmelden!",
    "Sie wollen keine Nachricht verpassen? Abonnieren Sie unseren Newsletter und erhalten Sie jeden Abend "
    "einen Überblick über die Themen des Tages.",
    "Unterstützen Sie unabhängigen Journalismus: Mit einem Abo sichern Sie den Zugang zu allen Artikeln und "
    "helfen uns, weiter kritisch zu berichten.",
    "Mehr Nachrichten aus Ihrer Region finden Sie auf unserer Startseite. Folgen Sie uns auch auf Facebook, Instagram und X.",
    "Dieser Artikel wurde automatisch aus dem Nachrichtenangebot der Agenturen übernommen und von der Redaktion nicht bearbeitet.",
]
FURNITURE = ["Foto: dpa", "Foto: picture alliance / dpa", "Lesedauer: 3 Min.", "Artikel teilen",
             "Bild: AFP", "© dpa-infocom, dpa:240611-99-01", "Drucken", "Anzeige"]
SYNONYMS = {"sagte": "erklärte", "erklärte": "sagte", "rund": "etwa", "etwa": "rund",
            "jedoch": "aber", "aber": "jedoch", "bereits": "schon", "schon": "bereits",
            "Montag": "Dienstag", "Dienstag": "Mittwoch", "Mittwoch": "Donnerstag",
            "Donnerstag": "Freitag", "Freitag": "Montag", "zudem": "außerdem", "außerdem": "zudem",
            "sowie": "und", "mehr": "über", "Menschen": "Personen", "Personen": "Menschen",
            "wurde": "ist", "nach": "laut", "laut": "nach", "bisher": "bislang", "bislang": "bisher",
            "dass": "daß", "Prozent": "%", "Euro": "EUR", "rief": "forderte", "großen": "erheblichen"}
DROPPABLE = {"auch", "noch", "bereits", "jedoch", "dabei", "zudem", "nun", "derzeit", "offenbar",
             "allerdings", "zunächst", "sehr", "etwa", "rund", "schon", "inzwischen"}
_DATELINE = re.compile(r"^[A-ZÄÖÜ][\w.\-]+(?: [A-ZÄÖÜ][\w.\-]+)?\s*(?:\([^)]{1,20}\))?\s*[-–—]\s+")
KINDS = ("truncate", "headline", "closing", "agency", "boilerplate", "edits")


def _nouns(text: str, rng: random.Random, k: int = 2) -> list[str]:
    """Capitalised words from inside sentences (mostly nouns and names)."""
    toks = re.findall(r"(?<=[a-zäöüß,] )([A-ZÄÖÜ][a-zäöüß]{3,})", text)
    counts = Counter(toks)
    top = [w for w, _ in counts.most_common(8)] or ["Politik", "Gesellschaft"]
    picked = rng.sample(top, min(k, len(top)))
    while len(picked) < k:
        picked.append("Berlin")
    return picked


def _edit_words(text: str, rng: random.Random, n: int) -> str:
    toks = text.split(" ")
    for _ in range(n):
        i = rng.randrange(len(toks))
        core = toks[i].strip(".,;:!?\"„“()")
        if core in SYNONYMS:
            toks[i] = toks[i].replace(core, SYNONYMS[core])
        elif core in DROPPABLE and toks[i] == core:
            toks[i] = ""
        elif rng.random() < 0.5 and len(toks) > 1:
            j = rng.randrange(len(toks))  # a word of the text in another place
            if toks[j].isalpha():
                toks[i] = toks[j]
        else:
            toks[i] = ""
    return " ".join(t for t in toks if t)


def _headline(original: dict) -> str:
    """A teaser headline of an article, as related-article lists show it (no lead, <= 12 words)."""
    title = re.split(r"\s+[–—-]\s+|(?<=[.!?])\s", original["title"].strip())[0].rstrip(".")
    return " ".join(title.split()[:12])


def _unrelated_paragraph(originals: list[dict], skip: int, rng: random.Random, limit: float) -> str | None:
    """A paragraph of another article: <= 35 % of that article, <= 70 words and <= limit words."""
    for _ in range(10):
        j = rng.randrange(len(originals))
        if j == skip:
            continue
        other = originals[j]
        total = words(other["text"])
        paras = [" ".join(p) for p in other["paragraphs"][1:]]
        fit = [p for p in paras if 8 <= words(p) <= min(70, 0.35 * total, limit)]
        if fit:
            return rng.choice(fit)
    return None


def make_variant(originals: list[dict], idx: int, rng: random.Random) -> tuple[str, list[str]]:
    """One republication of originals[idx]: its text and the transformations used."""
    orig = originals[idx]
    paras = [list(p) for p in orig["paragraphs"]]
    n_kinds = rng.choice([2, 3, 3, 4, 4, 5])
    kinds = set(rng.sample(KINDS, n_kinds))
    total = sum(words(" ".join(p)) for p in paras)

    if "truncate" in kinds:
        keep = rng.uniform(0.4, 0.85) * total
        kept, count = [], 0
        for p in paras:
            if count >= keep:
                break
            if count + words(" ".join(p)) <= keep or not kept:
                kept.append(p)
                count += words(" ".join(p))
            else:  # cut inside the paragraph, after a sentence
                part = []
                for s in p:
                    if count >= keep:
                        break
                    part.append(s)
                    count += words(s)
                kept.append(part)
        paras = kept
    body = [" ".join(p) for p in paras if p]

    if "edits" in kinds:
        n = max(2, min(8, total // 60))
        for _ in range(n):
            k = rng.randrange(len(body))
            body[k] = _edit_words(body[k], rng, 1)

    if "agency" in kinds:
        m = _DATELINE.match(body[0])
        if m and rng.random() < 0.6:
            body[0] = body[0][m.end():]
        else:
            body[0] = f"{rng.choice(CITIES)} ({rng.choice(AGENCY_CREDITS)}) - {body[0]}"
        if rng.random() < 0.6:
            body[-1] = f"{body[-1]} ({rng.choice(OUTLET_CREDITS)})"

    top: list[str] = []
    if "headline" in kinds:
        a, b = _nouns(orig["text"], rng)
        if rng.random() < 0.5 and len(body) > 1 and words(" ".join(body[1:])) >= 0.4 * total:
            body = body[1:]  # the agency's title/lead replaced by the outlet's own
        top += [rng.choice(HEADLINE_TEMPLATES).format(a=a, b=b), rng.choice(TEASER_TEMPLATES).format(a=a, b=b)]

    if "closing" in kinds:
        # a closing paragraph, not the bulk of the text: at most 40 % of what is left of the report
        limit = 0.4 * words(" ".join(body))
        para = _unrelated_paragraph(originals, idx, rng, limit) if rng.random() < 0.5 else None
        body.append(para or rng.choice(CLOSINGS))

    bottom: list[str] = []
    if "boilerplate" in kinds:
        if rng.random() < 0.5:
            top = [rng.choice(FURNITURE)] + top
        if rng.random() < 0.4:
            top.append(f"Lesen Sie auch: {_headline(originals[rng.randrange(len(originals))])}")
        if rng.random() < 0.7:
            bottom.append("Mehr zum Thema")
            bottom += [_headline(originals[rng.randrange(len(originals))]) for _ in range(rng.randint(2, 4))]
        if rng.random() < 0.6:
            bottom.append(rng.choice(NEWSLETTERS))
    return "\n\n".join(top + body + bottom), sorted(kinds)


def build_dataset(originals: list[dict], n_variants: int, seed: int = SEED) -> pd.DataFrame:
    """Originals and variants, shuffled: doc_id, body, published_at, word_count, gold, is_variant, kinds."""
    rng = random.Random(seed)
    rows = [{"body": o["text"], "gold": i, "is_variant": False, "kinds": ""} for i, o in enumerate(originals)]
    # 1 to 3 variants per chosen original, 1 most often
    made = 0
    order = list(range(len(originals)))
    rng.shuffle(order)
    for idx in order:
        if made >= n_variants:
            break
        for _ in range(min(n_variants - made, rng.choice([1, 1, 1, 2, 2, 3]))):
            text, kinds = make_variant(originals, idx, rng)
            rows.append({"body": text, "gold": idx, "is_variant": True, "kinds": ",".join(kinds)})
            made += 1
    rng.shuffle(rows)
    for n, r in enumerate(rows):
        r["doc_id"] = hashlib.sha256(f"{seed}:{n}:{r['body']}".encode()).hexdigest()
        r["word_count"] = words(r["body"])
    frame = pd.DataFrame(rows)
    frame["published_at"] = pd.NaT
    return frame[["doc_id", "body", "published_at", "word_count", "gold", "is_variant", "kinds"]]


# ------------------------------------------------------------------ scoring
def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def score(gold: pd.Series, pred: pd.Series, is_variant: pd.Series) -> dict:
    """Pairwise precision/recall of same-story, over aligned gold and predicted labels."""
    both = pd.DataFrame({"gold": gold.to_numpy(), "pred": pred.to_numpy(), "variant": is_variant.to_numpy()})
    tp = sum(_pairs(int(n)) for n in both.groupby(["gold", "pred"]).size())
    pred_pairs = sum(_pairs(int(n)) for n in both.groupby("pred").size())
    gold_pairs = sum(_pairs(int(n)) for n in both.groupby("gold").size())
    originals = both[~both["variant"]]
    merged_originals = sum(_pairs(int(n)) for n in originals.groupby("pred").size())
    stories_per_pred = both.groupby("pred")["gold"].nunique()
    return {
        "precision": round(tp / pred_pairs, 5) if pred_pairs else 1.0,
        "recall": round(tp / gold_pairs, 5) if gold_pairs else 1.0,
        "gold_pairs": gold_pairs, "pred_pairs": pred_pairs, "true_pairs": tp,
        "false_merge_pairs": pred_pairs - tp,
        "merged_originals": merged_originals,
        "impure_stories": int((stories_per_pred > 1).sum()),
    }


def _empty_known() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in SIGNATURE_COLUMNS})


def run_mode(frame: pd.DataFrame, mode: str) -> dict:
    """Cluster the frame in one go or in two incremental runs; metrics and timing."""
    cols = ["doc_id", "body", "published_at", "word_count"]
    start = time.perf_counter()
    if mode == "oneshot":
        signatures, _ = assign_stories(cluster_signatures(frame[cols]), _empty_known())
    elif mode == "incremental":
        # As the flow does it: the second run reads its candidates from what the first run loaded.
        half = len(frame) // 2
        first, _ = assign_stories(cluster_signatures(frame.iloc[:half][cols]), _empty_known())
        with tempfile.TemporaryDirectory() as stored:
            now = pd.Timestamp.now(tz="UTC")
            write_part(stored, "articles", frame.iloc[:half][cols].assign(authors=[[]] * half), "first", "batch")
            write_part(stored, "signatures", first, "first", "all")
            load_run(stored, "first", {"run_id": "first", "flow_run_id": "", "started_at": now, "finished_at": now,
                                       "files_seen": half, "loaded": half, "quarantined": 0, "duplicates": 0})
            fresh = cluster_signatures(frame.iloc[half:][cols])
            known = story_candidates(stored, fresh, LSH_BANDS, LSH_ROWS)
            second, _ = assign_stories(fresh, known)
        signatures = pd.concat([first, second], ignore_index=True)
    else:
        raise ValueError(mode)
    elapsed = time.perf_counter() - start
    story = dict(zip(signatures["doc_id"], signatures["story_id"]))
    pred = frame["doc_id"].map(story)
    res = score(frame["gold"], pred, frame["is_variant"])
    res["ms_per_1000"] = round(elapsed * 1000 / len(frame) * 1000, 1)
    # recall by transformation: share of variants in their original's story
    orig_story = dict(zip(frame.loc[~frame["is_variant"], "gold"], pred[~frame["is_variant"]]))
    variants = frame[frame["is_variant"]]
    joined = pred[frame["is_variant"]].to_numpy() == variants["gold"].map(orig_story).to_numpy()
    res["variants_joined"] = round(float(joined.mean()), 5) if len(variants) else 1.0
    by_kind = {}
    for kind in KINDS:
        mask = variants["kinds"].str.contains(kind).to_numpy()
        if mask.any():
            by_kind[kind] = round(float(joined[mask].mean()), 4)
    res["variants_joined_by_kind"] = by_kind
    return res


def evaluate(corpora: Path | None = None, originals: int | None = None, variants: int = DEFAULT_VARIANTS,
             seed: int = SEED, modes=("oneshot", "incremental")) -> dict:
    corpora = corpora or corpora_dir()
    pool = load_originals(corpora)
    if originals is not None and originals < len(pool):
        pool = random.Random(seed + 1).sample(pool, originals)
    frame = build_dataset(pool, variants, seed)
    out = {"originals": int((~frame["is_variant"]).sum()), "variants": int(frame["is_variant"].sum()),
           "articles": len(frame), "seed": seed}
    for mode in modes:
        out[mode] = run_mode(frame, mode)
    return out


def table(res: dict) -> str:
    head = f"{'mode':<12} {'originals':>9} {'variants':>8} {'precision':>9} {'recall':>7} " \
           f"{'false pairs':>11} {'merged orig.':>12} {'ms/1000':>8}"
    lines = [head, "-" * len(head)]
    for mode in ("oneshot", "incremental"):
        if mode in res:
            r = res[mode]
            lines.append(f"{mode:<12} {res['originals']:>9} {res['variants']:>8} {r['precision']:>9.4f} "
                         f"{r['recall']:>7.4f} {r['false_merge_pairs']:>11} {r['merged_originals']:>12} "
                         f"{r['ms_per_1000']:>8.0f}")
    for mode in ("oneshot", "incremental"):
        if mode in res:
            kinds = ", ".join(f"{k} {v:.3f}" for k, v in res[mode]["variants_joined_by_kind"].items())
            lines.append(f"{mode}: variants joined {res[mode]['variants_joined']:.4f} ({kinds})")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Same-story clustering benchmark (10kgnad + wikinews-de)")
    ap.add_argument("--corpora", type=Path, default=None)
    ap.add_argument("--originals", type=int, default=None, help="sample this many originals (default: all)")
    ap.add_argument("--variants", type=int, default=DEFAULT_VARIANTS)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--modes", default="oneshot,incremental")
    ap.add_argument("--write-baseline", action="store_true",
                    help=f"run the full and the test configuration and write {BASELINE.relative_to(REPO)}")
    args = ap.parse_args(argv)
    corpora = args.corpora or corpora_dir()
    for path in corpus_files(corpora):
        if not path.is_file():
            print(f"skipped: corpus not found at {path}")
            return 0
    if args.write_baseline:
        return write_baseline(corpora)
    res = evaluate(corpora, args.originals, args.variants, args.seed, tuple(args.modes.split(",")))
    print(table(res))
    print(json.dumps(res, sort_keys=True))
    return 0


def _figures(res: dict) -> dict:
    keep = ("precision", "recall", "false_merge_pairs", "merged_originals", "gold_pairs", "pred_pairs",
            "variants_joined", "ms_per_1000")
    out = {k: res[k] for k in ("originals", "variants", "articles", "seed")}
    for mode in ("oneshot", "incremental"):
        out[mode] = {k: res[mode][k] for k in keep}
    return out


def write_baseline(corpora: Path) -> int:
    full = evaluate(corpora, **FULL_CONFIG)
    print(table(full))
    test = full if TEST_CONFIG == FULL_CONFIG else evaluate(corpora, **TEST_CONFIG)
    baseline = {"command": "python benchmarks/eval_stories.py --write-baseline",
                "tolerance": 0.005, "test_config": TEST_CONFIG,
                "full": _figures(full), "test": _figures(test)}
    BASELINE.write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n")
    print(f"wrote {BASELINE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
