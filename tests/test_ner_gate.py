"""Quality gate: the shipped NER model must not regress on held-out GermEval 2014.

Runs benchmarks/eval_ner.py's model-only evaluation on the fixed held-out split and fails
when micro F1 or any of PER/LOC/ORG F1 falls more than TOLERANCE below
benchmarks/baselines/ner.json. Skips when the corpus (../shared/corpora/germeval2014,
or $NEWSETL_CORPORA/germeval2014) or the model (transforms/models/ner_de) is absent.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPORA, load_benchmark

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "transforms" / "models" / "ner_de"
BASELINE = REPO / "benchmarks" / "baselines" / "ner.json"
TOLERANCE = 0.005


def test_ner_heldout_germeval_not_below_baseline():
    if not (CORPORA / "germeval2014" / "NER-de-test.tsv").is_file():
        pytest.skip(f"GermEval 2014 corpus not found at {CORPORA / 'germeval2014'} (set NEWSETL_CORPORA)")
    if not (MODEL / "meta.json").is_file():
        pytest.skip(f"NER model not found at {MODEL} (build it with: python scripts/ner/train.py)")
    pytest.importorskip("spacy")
    baseline = json.loads(BASELINE.read_text())["heldout_germeval"]

    mod = load_benchmark("eval_ner")
    res = mod.evaluate("model", datasets=("germeval",), corpora=CORPORA, model_path=MODEL)["germeval"]

    failures = []
    for key in ("micro", "PER", "LOC", "ORG"):
        got, want = res[key]["f"], baseline[key]["f"]
        if got < want - TOLERANCE:
            failures.append(f"{key}: F1 {got:.4f} < baseline {want:.4f} - {TOLERANCE}")
    assert not failures, "NER regression on held-out GermEval: " + "; ".join(failures)
