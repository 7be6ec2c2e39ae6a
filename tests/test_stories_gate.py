"""Quality gate: same-story clustering must not regress on the republication benchmark.

Runs benchmarks/eval_stories.py (real 10kgnad + Wikinews-de articles and deterministic
republished variants) at the size given by its TEST_CONFIG, in one-shot and incremental
mode, and fails when pairwise precision or recall falls more than the tolerance (0.005)
below benchmarks/baselines/stories.json ("test" figures). Skips when the CORPORA
(../shared/corpora, or $NEWSETL_CORPORA) are absent.
Re-baseline with: python benchmarks/eval_stories.py --write-baseline
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPORA, load_benchmark

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "benchmarks" / "baselines" / "stories.json"
TOLERANCE = 0.005


def test_story_clustering_not_below_baseline():
    mod = load_benchmark("eval_stories")
    missing = [str(p) for p in mod.corpus_files(CORPORA) if not p.is_file()]
    if missing:
        pytest.skip(f"story benchmark corpora not found: {', '.join(missing)} (set NEWSETL_CORPORA)")
    baseline = json.loads(BASELINE.read_text())
    want = baseline["test"]
    config = baseline["test_config"]

    res = mod.evaluate(CORPORA, originals=config["originals"], variants=config["variants"], seed=config["seed"])

    assert res["originals"] == want["originals"] and res["variants"] == want["variants"], (
        f"benchmark size changed ({res['originals']} originals, {res['variants']} variants; baseline "
        f"{want['originals']}, {want['variants']}): re-baseline with python benchmarks/eval_stories.py --write-baseline")
    failures = []
    for mode in ("oneshot", "incremental"):
        for key in ("precision", "recall"):
            got, floor = res[mode][key], want[mode][key] - TOLERANCE
            if got < floor:
                failures.append(f"{mode} {key} {got:.4f} < baseline {want[mode][key]:.4f} - {TOLERANCE}")
    assert not failures, "same-story clustering regression: " + "; ".join(failures)
