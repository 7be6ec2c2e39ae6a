"""Shared fixtures: the seeds folder, a corpus root, and one Prefect test harness per session."""
from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPORA = Path(os.environ.get("NEWSETL_CORPORA", ROOT.parent / "shared" / "corpora"))


def load_benchmark(name: str):
    """A script of benchmarks/ as a module (benchmarks/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"newsetl_{name}", ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """A temporary Prefect backend for the flow tests (offline, one per session)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    import flows  # noqa: F401 - sets Prefect's home and offline settings before Prefect loads

    with prefect_test_harness(server_startup_timeout=120):
        yield


def run_seeds_into_new_warehouse(tmp_path_factory, **flow_options) -> tuple[Path, Path, dict]:
    """Copy the seeds to a new landing folder and run the flow into a new warehouse."""
    from flows.news_etl import news_etl

    landing = tmp_path_factory.mktemp("landing")
    for seed in SEEDS.iterdir():
        shutil.copy(seed, landing / seed.name)
    warehouse = tmp_path_factory.mktemp("warehouse")
    counts = news_etl(input_dir=str(landing), warehouse_dir=str(warehouse), **flow_options)
    return landing, warehouse, counts


def pytest_collection_modifyitems(items):
    """Mark what the fast inner loop leaves out: runs of the flow (e2e) and corpus gates (gate).

    `pytest -m "not gate and not e2e"` is the quick check while editing; CI runs everything.
    """
    for item in items:
        if "prefect_harness" in item.fixturenames:
            item.add_marker(pytest.mark.e2e)
        if item.path.name.endswith("_gate.py") or item.path.name == "test_scraped_text.py":
            item.add_marker(pytest.mark.gate)
