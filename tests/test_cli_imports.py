"""Commands that answer questions start fast: they never import the run's heavy libraries."""
import json
import subprocess
import sys

import pytest

from newsetl.transforms import warehouse

pytestmark = pytest.mark.e2e  # runs the command line in child processes

HEAVY = ("prefect", "spacy", "great_expectations", "distributed", "dask", "pandas")
# Runs a command of the CLI in this interpreter, then prints which heavy modules it imported.
PROBE = """
import json, sys
from newsetl.flows.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(%r))))
"""


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("warehouse")
    with warehouse.connect(path) as con:
        con.execute("create table t as select 42 as answer")
    return path


def _heavy_imports(*args: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE % (HEAVY,), *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_query_imports_neither_prefect_spacy_great_expectations_dask_nor_pandas(small_warehouse):
    assert _heavy_imports("query", "select answer from t", "--format", "csv", "--warehouse", str(small_warehouse)) == []


def test_search_imports_none_of_the_run_s_libraries(small_warehouse):
    assert _heavy_imports("search", "Regierung", "--warehouse", str(small_warehouse)) == []


def test_version_and_help_import_none_of_the_run_s_libraries():
    assert _heavy_imports("--version") == []
    assert _heavy_imports("--help") == []


def test_report_imports_neither_prefect_spacy_great_expectations_nor_dask(small_warehouse):
    assert set(_heavy_imports("report", "--warehouse", str(small_warehouse))) <= {"pandas"}


def test_status_imports_neither_prefect_spacy_great_expectations_nor_dask(small_warehouse):
    assert set(_heavy_imports("status", "--warehouse", str(small_warehouse))) <= {"pandas"}
