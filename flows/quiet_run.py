"""A run that finds nothing new, recorded without Prefect: `newsetl run` on an unchanged landing folder.

Such a run has no batch, story or validation to orchestrate. Prefect's temporary server would take
seconds to boot for a flow run nobody can look at after (it lives for the one command), so the command
records the run itself, as the flow would: a start commit (which also recovers runs that died), the
health checks (an hour without new articles is what they are for) and the run's row in one commit,
then the report. Runs given a Prefect server (PREFECT_API_URL) still go through the flow, so that
the server's UI lists every run.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path


def new_run_row(flow_run_id: str = "") -> dict:
    """The runs row a run starts with: its id (start time and a random suffix), versions and kind."""
    from newsetl.transforms import versions

    started = datetime.now(timezone.utc)
    run_id = started.strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:6]
    return {"run_id": run_id, "flow_run_id": flow_run_id, "started_at": started, "kind": "run",
            "newsetl_version": versions.newsetl_version(), "stage_versions": json.dumps(versions.stage_versions())}


def record_quiet_run(settings, listed: int) -> dict:
    """Record a run that found all `listed` landing files accounted for; returns its counts as the flow would."""
    from newsetl.expectations.health import health_checks
    from newsetl.transforms import storage
    from newsetl.transforms.report import build_report

    runs_row = new_run_row()
    run_id, folder = runs_row["run_id"], settings.warehouse_dir
    with storage.RunLock(folder, run_id):
        storage.begin_run(folder, runs_row)
        try:
            storage.load_run(folder, run_id, {
                **runs_row, "finished_at": datetime.now(timezone.utc), "files_seen": listed, "loaded": 0,
                "quarantined": 0, "duplicates": 0}, lambda con: health_checks(con, run_id))
        except BaseException as exc:
            storage.record_failed_run(folder, {**runs_row, "finished_at": datetime.now(timezone.utc),
                                                 "message": f"{type(exc).__name__}: {exc}"})
            raise
    # Nothing was validated: Great Expectations' Data Docs have no page to add; the report has a run to show.
    with storage.connect(folder, read_only=True) as con:
        page, _ = build_report(con, Path(folder) / "quality", warehouse=Path(folder).resolve())
    return {"run_id": run_id, "files_seen": listed, "new_documents": 0, "loaded": 0, "quarantined": 0,
            "duplicates": 0, "already_in_warehouse": listed, "stories_touched": 0, "non_german_articles": 0,
            "failed_expectations": 0, "report": str(page)}
