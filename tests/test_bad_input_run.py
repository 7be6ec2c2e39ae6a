"""`newsetl run` over the seeds and a zoo of poison files: the run completes, the seeds load, every file
has its documents row and reason, and the run's memory stays bounded."""
import os
import resource
import shutil
import subprocess
import sys

import pytest
from test_bad_inputs import PROSE, _article, _gzip_bomb

from newsetl.transforms import warehouse as wh

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def zoo_run(prefect_harness, seeds_dir, tmp_path_factory):
    from prefect.settings import PREFECT_API_URL

    root = tmp_path_factory.mktemp("zoo-run")
    landing = root / "landing"
    shutil.copytree(seeds_dir, landing)
    first_seed = sorted(seeds_dir.iterdir())[0]
    (landing / "bomb.txt.gz").write_bytes(_gzip_bomb(1 << 30))
    (landing / "long-article.txt").write_text(_article("Ein sehr langer Bericht", 1_500_000), encoding="utf-8")
    (landing / "twenty-megabytes.txt").write_text(_article("Zwanzig Megabyte", 20_000_000), encoding="utf-8")
    with open(os.path.join(os.fsencode(landing), b"caf\xe9.txt"), "wb") as handle:
        handle.write(("Café-Eröffnung in Köln\n\n" + PROSE * 3 + "\n\nDie Stadt freut sich. " + PROSE).encode())
    (root / "outside.txt").write_text("Geheim: " + PROSE, encoding="utf-8")
    (landing / "outside-link.txt").symlink_to(root / "outside.txt")
    (landing / "loop.txt").symlink_to("loop.txt")
    (landing / "sub").mkdir()
    (landing / "sub" / "copy-of-first-seed.txt").write_bytes(first_seed.read_bytes())
    result = subprocess.run([sys.executable, "-m", "newsetl.flows.cli", "run", "--input", str(landing), "--warehouse",
                             str(root / "wh"), "--batch-size", "3"], capture_output=True, text=True, timeout=900,
                            env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()})
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with wh.connect(root / "wh", read_only=True) as con:
        documents = {path: (status, reason) for path, status, reason in
                     con.execute("select source_path, status, reason from documents").fetchall()}
        loaded = con.execute("select count(*) from articles").fetchone()[0]
    return result, documents, loaded, peak_mb, first_seed.name


def test_the_run_completes_and_loads_the_seeds_and_the_readable_files(zoo_run):
    result, documents, loaded, _, _ = zoo_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert loaded == 6  # the five seeds and the café report
    assert documents["caf\\xe9.txt"][0] == "loaded"


def test_every_poison_file_has_its_row_and_reason(zoo_run):
    _, documents, _, _, first_seed = zoo_run
    assert len(documents) == 12  # five seeds and seven others
    assert documents["bomb.txt.gz"][0] == "quarantined" and "gzip expands" in documents["bomb.txt.gz"][1]
    assert documents["long-article.txt"][0] == "quarantined"
    assert documents["long-article.txt"][1].startswith("text too long")
    assert documents["twenty-megabytes.txt"][0] == "quarantined" and "too large" in documents["twenty-megabytes.txt"][1]
    assert documents["outside-link.txt"][0] == "skipped" and "outside the landing folder" in documents["outside-link.txt"][1]
    assert documents["loop.txt"][0] == "skipped" and "loop" in documents["loop.txt"][1]
    assert documents["sub/copy-of-first-seed.txt"][0] == "duplicate"
    assert first_seed in documents["sub/copy-of-first-seed.txt"][1]


def test_the_run_stays_under_two_gigabytes(zoo_run):
    assert zoo_run[3] < 2048
