"""Quotation and speaker evaluation on quotes-de (German Wikinews, every quotation annotated).

Usage::

    python benchmarks/eval_quotes.py [--split train|dev] [--corpora DIR] [--misses N]
                                     [--mentions-cache FILE]

Runs the product path: ``tag.tag_batch`` on an articles frame built from each record's text,
then ``quote.quotes_batch``. Prints a table and one JSON line (starting with "{").

* Gold: one quotation per distinct quote span; the corpus annotates a few twice (once per speaker).
* Matching: a predicted quotation matches a gold one of the same article when their word sets
  (lower-cased \\w+ tokens; for gold the union of the quote's spans) overlap with Jaccard >= 0.5.
  Pairs are taken greedily by Jaccard, one-to-one. Precision over all predictions, recall over all
  gold quotations, recall by gold kind (Direct, Indirect, FreeIndirect, IndirectFreeIndirect,
  Reported), whatever kind was predicted.
* Speaker accuracy (tagged): over matched pairs whose gold speaker names an entity, i.e. the gold
  speaker span contains a PER or ORG mention of the tag stage (pronouns, role nouns and "die Polizei"
  are left out). The prediction is right when its speaker_entity_id is the entity of one of those
  mentions: the resolved id is what the warehouse joins on, so the speaker text alone never counts.
  It leaves out every speaker the tagger missed, so it reads high.
* Named speakers: over every matched pair whose gold speaker phrase holds a name, whether the tagger
  found it or not. A name is a run of two or more capitalised words joined by spaces (German
  capitalises every noun, but two in a row are nearly always a name), else an acronym (FDP, NATO),
  after determiners, pronouns and other function words are dropped. Right when the last word of a
  run (the surname, the organisation's head; a genitive s aside) is a word of the predicted speaker
  or of its entity's name (the surfaces of that entity's mentions in the article).
* Any speaker: over every matched pair whose gold speaker phrase has a content word (a bare "er" has
  none and is left out), right when the predicted speaker or its entity's name shares one.
* Cost: seconds of tag_batch and of quotes_batch over the same articles, and their ratio.
* --misses N prints N missed gold quotations and N false predictions (train only: dev is never
  read record by record). --mentions-cache keeps the tag stage's output in a pickle, so that
  tuning the quote rules does not re-run tagging (timings then cover the quote stage only).

When the corpus (../shared/corpora/quotes-de, or $NEWSETL_CORPORA/quotes-de) is absent, prints
"skipped: corpus not found at ..." and exits 0.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import pickle
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402

from newsetl.transforms import quote, tag  # noqa: E402

GOLD_KINDS = ("Direct", "Indirect", "FreeIndirect", "IndirectFreeIndirect", "Reported")
SCORE_KEYS = ("precision", "recall", "f1", "recall_direct", "speaker_accuracy", "speaker_named", "speaker_any")
_WORD = re.compile(r"\w+")
# Words that neither make a name nor count as shared content: determiners, pronouns, prepositions,
# conjunctions, auxiliaries.
FUNCTION_WORDS = frozenset("""
der die das den dem des ein eine einen einem einer eines kein keine dieser diese dieses diesem diesen
er sie es ihr ihm ihn ihnen ich du wir man sich sein seine seinen seinem seiner seines ihre ihren ihrem
ihrer ihres unser unsere deren dessen wer was welche welcher jene jener jemand alle beide beiden andere
von vom zu zum zur in im an am auf aus bei beim mit nach über unter für gegen durch um vor hinter neben
zwischen seit ohne laut gemäß zufolge während wegen bis als wie so und oder sowie aber auch noch nur
ist sind war waren hat haben hatte hatten wird werden wurde wurden sei seien habe nicht
""".split())
_NAME_TOKEN = re.compile(r"\w[\w'’-]*")


def default_corpus() -> Path:
    env = os.environ.get("NEWSETL_CORPORA")
    return (Path(env) if env else REPO.parent / "shared" / "corpora") / "quotes-de"


def read_split(corpus: Path, split: str) -> list[dict]:
    with gzip.open(corpus / f"{split}.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _same_word(a: str, b: str) -> bool:
    """Equal words, a genitive s aside (Hoyers, Amts)."""
    return a == b or a + "s" == b or a == b + "s"


def name_heads(phrase: str) -> list[str]:
    """The last word (lower-case) of each name in a speaker phrase: runs of two or more capitalised
    words joined by spaces; where there is none, the acronyms."""
    heads, run, previous_end = [], [], 0
    for m in _NAME_TOKEN.finditer(phrase):
        token = m.group()
        joined = not phrase[previous_end:m.start()].strip()
        previous_end = m.end()
        if not joined or not (token[:1].isupper() and token.lower() not in FUNCTION_WORDS):
            if len(run) >= 2:
                heads.append(run[-1].lower())
            run = []
        if token[:1].isupper() and token.lower() not in FUNCTION_WORDS:
            run.append(token)
    if len(run) >= 2:
        heads.append(run[-1].lower())
    acronyms = [t.lower() for t in re.findall(r"\b[A-ZÄÖÜ]{2,}\b", phrase) if t.lower() not in FUNCTION_WORDS]
    return heads or acronyms


def content_words(text: str) -> set[str]:
    """Lower-case words less function words; a word with a hyphen or apostrophe (Ferrero-Waldner, O’Keefe,
    Chamene'i) whole and in parts, as name_heads reads it whole."""
    found = {w.lower() for w in re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", text)}
    return (found | {part for w in found for part in re.split(r"[-'’]", w)}) - FUNCTION_WORDS


def speaker_scores(gold_phrases: list[str], predicted: str | None, entity_names: set[str]) -> tuple:
    """(named right, named counted, any right, any counted) of one matched pair, either gold speaker counting."""
    said = content_words(" ".join([predicted or "", *entity_names]))
    heads = [h for phrase in gold_phrases for h in name_heads(phrase)]
    gold_words = set().union(*(content_words(phrase) for phrase in gold_phrases))
    named = any(_same_word(h, w) for h in heads for w in said)
    shared = any(_same_word(g, w) for g in gold_words for w in said)
    return named, bool(heads), shared, bool(gold_words)


def articles_frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [hashlib.sha256(r["id"].encode()).hexdigest() for r in records],
                         "body": [r["text"] for r in records], "title": [r["title"] for r in records],
                         "language": "de"})


def tag_mentions(articles: pd.DataFrame, cache: Path | None) -> tuple[pd.DataFrame, float]:
    if cache and cache.is_file():
        return pickle.loads(cache.read_bytes()), 0.0
    started = time.perf_counter()
    mentions, _, _ = tag.tag_batch(articles)
    seconds = time.perf_counter() - started
    if cache:
        cache.write_bytes(pickle.dumps(mentions))
    return mentions, seconds


def match(gold: list[dict], predicted: list[dict]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index) with word-set Jaccard >= 0.5, best first."""
    pairs = sorted(((jaccard(g["words"], p["words"]), i, j) for i, g in enumerate(gold)
                    for j, p in enumerate(predicted)), reverse=True)
    used_gold, used_pred, matched = set(), set(), []
    for score, i, j in pairs:
        if score < 0.5:
            break
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            matched.append((i, j))
    return matched


def evaluate(corpus: Path, split: str = "dev", misses: int = 0, cache: Path | None = None) -> dict:
    records = read_split(corpus, split)
    articles = articles_frame(records)
    mentions, tag_seconds = tag_mentions(articles, cache)
    started = time.perf_counter()
    predicted = quote.quotes_batch(articles, mentions)
    quote_seconds = time.perf_counter() - started

    named = mentions[mentions["label"].isin(["PER", "ORG"])]
    named_by_doc = {d: list(zip(g["start_char"], g["end_char"], g["entity_id"])) for d, g in named.groupby("doc_id")}
    surfaces_by_doc: dict[str, dict[str, set[str]]] = {}
    for d, eid, surface in zip(mentions["doc_id"], mentions["entity_id"], mentions["surface"]):
        surfaces_by_doc.setdefault(d, {}).setdefault(eid, set()).add(surface)
    predicted_by_doc = {d: g.to_dict("records") for d, g in predicted.groupby("doc_id")}
    totals = {"gold": 0, "predicted": len(predicted), "matched": 0}
    by_kind = {k: [0, 0] for k in GOLD_KINDS}
    speakers = [0, 0]
    speakers_named, speakers_any = [0, 0], [0, 0]
    missed, false = [], []
    for record, doc_id in zip(records, articles["doc_id"]):
        text = record["text"]
        gold_by_spans: dict[str, dict] = {}
        for g in record["quotes"]:
            spans = g["quote"]["spans"]
            key = json.dumps(spans)
            if key in gold_by_spans:
                # The same quotation annotated twice (two speakers): one quotation, either speaker counts.
                gold_by_spans[key]["speaker_spans"] += g["speaker"]["spans"]
                gold_by_spans[key]["speakers"].append(g["speaker"]["text"])
                continue
            gold_by_spans[key] = {"kind": g["type"], "words": frozenset().union(*(words(text[a:b]) for a, b in spans)),
                                  "text": g["quote"]["text"], "speaker": g["speaker"]["text"],
                                  "speaker_spans": list(g["speaker"]["spans"]), "speakers": []}
            gold_by_spans[key]["speakers"].append(g["speaker"]["text"])
        gold = list(gold_by_spans.values())
        preds = [dict(p, words=words(p["quote"])) for p in predicted_by_doc.get(doc_id, [])]
        pairs = match(gold, preds)
        totals["gold"] += len(gold)
        totals["matched"] += len(pairs)
        for g in gold:
            by_kind[g["kind"]][1] += 1
        for i, j in pairs:
            by_kind[gold[i]["kind"]][0] += 1
            ids = {eid for a, b in gold[i]["speaker_spans"] for s, e, eid in named_by_doc.get(doc_id, [])
                   if s >= a and e <= b}
            if ids:
                speakers[1] += 1
                speakers[0] += preds[j]["speaker_entity_id"] in ids
            predicted_speaker = preds[j]["speaker"] if isinstance(preds[j]["speaker"], str) else None
            names = surfaces_by_doc.get(doc_id, {}).get(preds[j]["speaker_entity_id"], set())
            named_right, named_counted, any_right, any_counted = speaker_scores(
                gold[i]["speakers"], predicted_speaker, names)
            speakers_named[0] += named_right and named_counted
            speakers_named[1] += named_counted
            speakers_any[0] += any_right and any_counted
            speakers_any[1] += any_counted
        matched_gold, matched_pred = {i for i, _ in pairs}, {j for _, j in pairs}
        missed += [(g["kind"], g["text"], g["speaker"]) for i, g in enumerate(gold) if i not in matched_gold]
        false += [(p["kind"], p["quote"], p["speaker"]) for j, p in enumerate(preds) if j not in matched_pred]

    precision = totals["matched"] / totals["predicted"] if totals["predicted"] else 0.0
    recall = totals["matched"] / totals["gold"] if totals["gold"] else 0.0
    result = {
        "split": split, "articles": len(records), **totals,
        "precision": round(precision, 4), "recall": round(recall, 4),
        "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
        "recall_by_kind": {k: {"recall": round(m / n, 4) if n else 0.0, "support": n} for k, (m, n) in by_kind.items()},
        "recall_direct": round(by_kind["Direct"][0] / by_kind["Direct"][1], 4) if by_kind["Direct"][1] else 0.0,
        "speaker_accuracy": round(speakers[0] / speakers[1], 4) if speakers[1] else 0.0,
        "speaker_support": speakers[1],
        "speaker_named": round(speakers_named[0] / speakers_named[1], 4) if speakers_named[1] else 0.0,
        "speaker_named_support": speakers_named[1],
        "speaker_any": round(speakers_any[0] / speakers_any[1], 4) if speakers_any[1] else 0.0,
        "speaker_any_support": speakers_any[1],
        "predicted_by_kind": predicted["kind"].value_counts().to_dict(),
        "seconds_tag": round(tag_seconds, 2), "seconds_quote": round(quote_seconds, 3),
        "cost_ratio": round(quote_seconds / tag_seconds, 4) if tag_seconds else None,
    }
    if misses and split == "train":
        rng = random.Random(0)
        for title, rows in (("MISSED", missed), ("FALSE", false)):
            print(f"--- {title} ({len(rows)})")
            for kind, text, speaker in rng.sample(rows, min(misses, len(rows))):
                print(f"[{kind}] {text[:160]!r}  <- {speaker!r}")
    return result


def print_table(result: dict) -> None:
    print(f"quotes-de {result['split']}: {result['articles']} articles, {result['gold']} gold, "
          f"{result['predicted']} predicted, {result['matched']} matched")
    print(f"  precision {result['precision']:.3f}  recall {result['recall']:.3f}  F1 {result['f1']:.3f}")
    for kind, row in result["recall_by_kind"].items():
        print(f"  recall {kind:<22} {row['recall']:.3f}  ({row['support']})")
    print(f"  speaker accuracy (tagged)    {result['speaker_accuracy']:.3f}  ({result['speaker_support']})")
    print(f"  speaker named                {result['speaker_named']:.3f}  ({result['speaker_named_support']})")
    print(f"  speaker any                  {result['speaker_any']:.3f}  ({result['speaker_any_support']})")
    print(f"  seconds tag {result['seconds_tag']}  quote {result['seconds_quote']}  ratio {result['cost_ratio']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("train", "dev"), default="dev")
    parser.add_argument("--corpora", type=Path, help="folder holding quotes-de/")
    parser.add_argument("--misses", type=int, default=0, help="print N misses and N false quotes (train only)")
    parser.add_argument("--mentions-cache", type=Path, help="pickle of the tag stage's mentions, reused when present")
    args = parser.parse_args()
    corpus = args.corpora / "quotes-de" if args.corpora else default_corpus()
    if not (corpus / f"{args.split}.jsonl.gz").is_file():
        print(f"skipped: corpus not found at {corpus}")
        return
    if args.misses and args.split != "train":
        parser.error("--misses reads records one by one: train only")
    result = evaluate(corpus, args.split, args.misses, args.mentions_cache)
    print_table(result)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
