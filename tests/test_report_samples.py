"""The report reads each run's failing rows once: kept beside the page, read again after other commits."""
import json

from newsetl.transforms import storage as warehouse
from newsetl.transforms.report import build_report
from newsetl.transforms.report.samples import SAMPLES_FILE

MARK = "<p>kept beside the report</p>"


def _report(warehouse_dir, out) -> str:
    with warehouse.connect(warehouse_dir, read_only=True) as con:
        page, _ = build_report(con, out, warehouse=warehouse_dir)
    return page.read_text(encoding="utf-8")


def _mark_kept_samples(out) -> list[str]:
    kept = json.loads((out / SAMPLES_FILE).read_text(encoding="utf-8"))
    kept["samples"] = {sql: MARK for sql in kept["samples"]}
    (out / SAMPLES_FILE).write_text(json.dumps(kept), encoding="utf-8")
    return list(kept["samples"])


def test_a_run_s_failing_rows_are_read_once_and_again_after_a_commit_that_is_no_run_s(copy_of_seeds_run, tmp_path):
    _, warehouse_dir = copy_of_seeds_run
    out = tmp_path / "quality"
    first = _report(warehouse_dir, out)
    kept = _mark_kept_samples(out)
    assert kept and all("run_id = '" in sql for sql in kept)  # only queries of a run's own rows are kept
    assert MARK not in first
    again = _report(warehouse_dir, out)
    assert again.count(MARK) == len(kept)  # taken from the file, not read from the warehouse
    with warehouse.connect(warehouse_dir) as con:  # a commit of no run's (a schema change, a reprocess, a rebuild)
        con.execute("comment on table articles is 'Articles, one per loaded document.'")
    assert MARK not in _report(warehouse_dir, out)
    assert MARK not in (out / SAMPLES_FILE).read_text(encoding="utf-8")
