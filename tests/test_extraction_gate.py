"""Quality gate: HTML extraction through the flow's path must not regress on the German gold corpus.

Runs benchmarks/eval_extraction.py on the product path only (ingest.decode -> clean.clean_article)
and fails when snippet precision, recall, F1 or title, date, author accuracy of the tuning part
or of the frozen check part (a split by site, see the benchmark) falls more than TOLERANCE below
benchmarks/baselines/extraction.json. Skips when the corpus
(../shared/corpora/extraction-de, or $NEWSETL_CORPORA/extraction-de) is absent.
"""
from __future__ import annotations

import json
from pathlib import Path

from conftest import gate_benchmark

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "benchmarks" / "baselines" / "extraction.json"
TOLERANCE = 0.005


def test_extraction_not_below_baseline():
    mod, corpus = gate_benchmark("eval_extraction", "gold.json")
    baseline = json.loads(BASELINE.read_text())

    got = mod.evaluate(corpus, systems=("product",))

    failures = [f"{part} {key}: {got[part]['product'][key]:.4f} < baseline "
                f"{baseline[part]['product'][key]:.4f} - {TOLERANCE}"
                for part in mod.PARTS for key in mod.SCORE_KEYS
                if got[part]["product"][key] < baseline[part]["product"][key] - TOLERANCE]
    assert not failures, "extraction regression: " + "; ".join(failures)
