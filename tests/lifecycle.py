"""Runs written through the warehouse's own life cycle (begin, stage, load or fail) without a flow: seconds,
not a Prefect run, for the tests of the history, the status probe and the report."""
from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from newsetl.transforms import warehouse


def lake_run(path, run_id: str, started: datetime, *, critical: bool = False, warning: bool = False,
             quarantined: int = 0, failed: bool = False, source_path: str | None = None,
             reason: str = "empty file", detail: str | None = None) -> None:
    """One run of one document: loaded, or quarantined with its reason and detail; a failed critical
    or warning expectation when asked; recorded failed instead of loaded when asked."""
    row = {"run_id": run_id, "flow_run_id": "", "started_at": started, "kind": "run"}
    warehouse.begin_run(path, row)
    doc_id = (run_id * 64)[:64]
    warehouse.write_part(path, "documents", pd.DataFrame({
        "doc_id": [doc_id], "source_path": [source_path or f"{run_id}.txt"], "size_bytes": 10, "encoding": "utf-8",
        "content_type": "text", "ingested_at": started, "run_id": run_id,
        "status": "quarantined" if quarantined else "loaded", "reason": reason if quarantined else None}),
        run_id, "batch-0")
    if quarantined:
        warehouse.write_part(path, "quarantine", pd.DataFrame({
            "doc_id": [doc_id], "stage": "ingest", "reason": reason, "detail": detail, "run_id": run_id}),
            run_id, "batch-0")
    results = [{"run_id": run_id, "table_name": "articles", "expectation": name, "column_name": "title",
                "critical": is_critical, "success": False, "unexpected_count": 1, "element_count": 1}
               for name, is_critical, wanted in (("expect_a", True, critical), ("expect_b", False, warning)) if wanted]
    if results:
        warehouse.write_part(path, "quality_results", pd.DataFrame(results), run_id, "batch-0")
    final = {**row, "finished_at": started + timedelta(seconds=3), "files_seen": 4, "loaded": 1 - bool(quarantined),
             "quarantined": quarantined, "duplicates": 0}
    if failed:
        warehouse.record_failed_run(path, {**final, "message": "boom"})
    else:
        warehouse.load_run(path, run_id, final)
