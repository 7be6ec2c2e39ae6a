"""Stage versions: what made each derived row, so that an upgrade can tell old rows from new ones.

A stage's version is its rule version, bumped by hand here when the stage's output changes for the
same input (a new rule, a fixed rule, a new column), joined with a short hash of the data files its
output depends on (the NER model and name list, the theme taxonomy), which change it by themselves. Bump a rule
version when a test's expected output changes; not for refactors, comments or speed-ups that keep
every output the same (docs/fields.md, "Versions").
"""
from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import version as package_version
from pathlib import Path

from newsetl.transforms.codes import CLEAN, QUOTE, STAGES, STORIES, TAG, THEMES

HERE = Path(__file__).parent
RULES = {CLEAN: "2", TAG: "3", THEMES: "1", QUOTE: "7", STORIES: "1"}
# The data whose change changes a stage's output.
DATA = {TAG: [HERE / "models" / "ner_de" / "meta.json", HERE / "models" / "ner_de" / "ner" / "model",
              HERE / "data" / "names_de.tsv"],
        THEMES: [HERE / "data" / "themes.yaml"]}
# What must run again when a stage changes: the stages that read its output.
DOWNSTREAM = {CLEAN: STAGES, TAG: (TAG, QUOTE), THEMES: (THEMES,), QUOTE: (QUOTE,), STORIES: (STORIES,)}


@cache
def stage_versions() -> dict[str, str]:
    """The installed version of every stage, e.g. {'tag': '1+3f2a9c1d', 'clean': '1', ...}."""
    versions = {}
    for stage in STAGES:
        digest = hashlib.sha256()
        for path in DATA.get(stage, []):
            digest.update(path.read_bytes())
        versions[stage] = RULES[stage] + (f"+{digest.hexdigest()[:8]}" if stage in DATA else "")
    return versions


def newsetl_version() -> str:
    return package_version("newsetl")


def with_downstream(stages: list[str]) -> list[str]:
    """The stages named and those that read their output, in run order."""
    wanted = {s for stage in stages for s in DOWNSTREAM[stage]}
    return [stage for stage in STAGES if stage in wanted]


def stage_rows(doc_ids, run_id: str, stages=STAGES):
    """stage_versions rows: the installed version of each stage for each document."""
    import pandas as pd

    versions = stage_versions()
    return pd.DataFrame([{"doc_id": d, "stage": s, "version": versions[s], "run_id": run_id}
                         for d in doc_ids for s in stages], columns=["doc_id", "stage", "version", "run_id"])
