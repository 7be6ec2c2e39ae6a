"""Quality gate: quotation finding and speaker resolution must not regress on quotes-de dev.

Runs benchmarks/eval_quotes.py on the product path (tag.tag_batch -> quote.quotes_batch) over the
frozen dev split and fails when precision, recall, F1, direct-quote recall or speaker accuracy falls
more than TOLERANCE below benchmarks/baselines/quotes.json. Skips when the corpus
(../shared/corpora/quotes-de, or $NEWSETL_CORPORA/quotes-de) is absent.
"""
from __future__ import annotations

import json
from pathlib import Path

from conftest import gate_benchmark

BASELINE = Path(__file__).resolve().parents[1] / "benchmarks" / "baselines" / "quotes.json"
TOLERANCE = 0.005


def test_quotes_not_below_baseline():
    mod, corpus = gate_benchmark("eval_quotes", "dev.jsonl.gz")
    baseline = json.loads(BASELINE.read_text())["dev"]

    got = mod.evaluate(corpus, "dev")

    failures = [f"{key}: {got[key]:.4f} < baseline {baseline[key]:.4f} - {TOLERANCE}"
                for key in mod.SCORE_KEYS if got[key] < baseline[key] - TOLERANCE]
    assert not failures, "quotes regression: " + "; ".join(failures)
