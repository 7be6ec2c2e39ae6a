"""Shared fixtures: the seeds folder, a corpus root, one Prefect test harness, one seeds warehouse and one
Great Expectations context per session."""
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


def gate_benchmark(name: str, needs: str):
    """A corpus gate's benchmark script and its corpus; skips the gate when the corpus lacks the file it needs."""
    module = load_benchmark(name)
    corpus = module.default_corpus()
    if not (corpus / needs).is_file():
        pytest.skip(f"corpus not found at {corpus} (set NEWSETL_CORPORA)")
    return module, corpus


@pytest.fixture(scope="session", autouse=True)
def small_warehouse_connections():
    """Warehouse connections made in the test process run DuckDB on one thread: on the tests' few rows,
    a second thread doubles the CPU of a load. Runs in child processes keep DuckDB's default.
    """
    from newsetl.transforms import storage as warehouse

    original = dict(warehouse.DUCKDB_CONFIG)
    warehouse.DUCKDB_CONFIG.update(threads=1)
    yield
    warehouse.DUCKDB_CONFIG.clear()
    warehouse.DUCKDB_CONFIG.update(original)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def quality_dir(tmp_path_factory) -> Path:
    """One Great Expectations file context for the suite tests: making one costs about a second."""
    return tmp_path_factory.mktemp("quality")


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """A temporary Prefect backend for the flow tests (offline, one per session)."""
    import newsetl.flows  # offline settings

    # Prefect's home in a temporary state folder, not the user's ~/.prefect.
    os.environ.setdefault("NEWSETL_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    newsetl.flows.use_state_dir()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def run_seeds_into_new_warehouse(tmp_path_factory, **flow_options) -> tuple[Path, Path, dict]:
    """Copy the seeds to a new landing folder and run the flow into a new warehouse."""
    from newsetl.flows.news_etl import news_etl

    landing = tmp_path_factory.mktemp("landing")
    for seed in SEEDS.iterdir():
        shutil.copy(seed, landing / seed.name)
    warehouse = tmp_path_factory.mktemp("warehouse")
    counts = news_etl(input_dir=str(landing), warehouse_dir=str(warehouse), **flow_options)
    return landing, warehouse, counts


@pytest.fixture(scope="session")
def seeds_run(prefect_harness, tmp_path_factory) -> tuple[Path, Path, dict]:
    """(landing, warehouse, counts): the seeds run once, in batches of two files, read by the flow and SQL tests.

    Read only: a test that runs again or rebuilds works on copy_of_seeds_run.
    """
    return run_seeds_into_new_warehouse(tmp_path_factory, batch_size=2)


@pytest.fixture
def copy_of_seeds_run(seeds_run, tmp_path) -> tuple[Path, Path]:
    """(landing, warehouse): a copy of the seeds run for one test to change (a warehouse folder can move)."""
    landing, warehouse, _ = seeds_run
    shutil.copytree(landing, tmp_path / "landing")
    shutil.copytree(warehouse, tmp_path / "warehouse")
    return tmp_path / "landing", tmp_path / "warehouse"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under `-n` (the fast loop), the default distribution and `--dist loadfile` hand out whole files, so
    that a module's fixtures run once, and files that import the same heavy library share a worker."""
    if config.getvalue("dist") not in ("load", "loadfile"):
        return None
    from xdist_scheduling import file_scheduler

    return file_scheduler(config, log)


def pytest_collection_modifyitems(items):
    """Mark what the fast inner loop leaves out: runs of the flow (e2e) and corpus gates (gate).

    `pytest -m "not gate and not e2e"` is the quick check while editing; CI runs everything.
    """
    for item in items:
        if "prefect_harness" in item.fixturenames:
            item.add_marker(pytest.mark.e2e)
        # A PostgreSQL catalog needs a database server: CI tests it, the quick loop leaves it out.
        callspec = getattr(item, "callspec", None)
        if "postgres_url" in item.fixturenames or (callspec and "postgresql" in callspec.params.values()):
            item.add_marker(pytest.mark.e2e)
        # test_<corpus>_gate.py; test_gate.py tests the quarantine gate on inline rows.
        if item.path.stem.removeprefix("test_").endswith("_gate") or item.path.name == "test_scraped_text.py":
            item.add_marker(pytest.mark.gate)


# ---- PostgreSQL catalogs ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_url() -> str:
    """An administrator's address on a real PostgreSQL server: NEWSETL_TEST_POSTGRES (CI starts one), else
    a server of the session's own in a temporary folder where Debian's PostgreSQL is installed."""
    given = os.environ.get("NEWSETL_TEST_POSTGRES")
    if given:
        yield given
        return
    from pg_server import TemporaryPostgres, unavailable

    reason = unavailable()
    if reason:
        pytest.skip(reason)
    with TemporaryPostgres() as url:
        yield url


@pytest.fixture
def new_postgres_catalog(postgres_url):
    """Makes an empty PostgreSQL database and returns its address: a new catalog."""
    from pg_server import create_database

    return lambda: create_database(postgres_url)


def use_catalog(request, kind: str, warehouse: Path) -> Path:
    """A warehouse folder whose catalog is of this kind: sqlite (the default) or a new PostgreSQL database.

    The folder records the PostgreSQL catalog, so every process that opens it (a run in a child process,
    another "machine") finds the catalog through the folder alone.
    """
    if kind == "postgresql":
        from pg_server import create_database

        from newsetl.transforms.catalog import Catalog

        Catalog(Path(warehouse), create_database(request.getfixturevalue("postgres_url"))).prepare()
    return Path(warehouse)


CATALOG_KINDS = ["sqlite", "postgresql"]


@pytest.fixture(params=CATALOG_KINDS)
def catalog_kind(request) -> str:
    """Each test using it runs with the default SQLite catalog and with a PostgreSQL catalog."""
    return request.param


@pytest.fixture
def new_warehouse(request, catalog_kind, tmp_path) -> Path:
    """An empty warehouse folder with a catalog of catalog_kind."""
    return use_catalog(request, catalog_kind, tmp_path / "warehouse")
