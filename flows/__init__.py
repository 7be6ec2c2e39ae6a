"""Prefect flows and the `newsetl` command line: the wiring of the stages in transforms/."""
import os
from pathlib import Path

# Before Prefect is imported: keep its state in the project's state folder, and stay offline.
_state = Path(os.environ.get("NEWSETL_STATE_DIR", ".newsetl")).resolve()
os.environ.setdefault("PREFECT_HOME", str(_state / "prefect"))
# Prefect's SQLite database cannot be created in a folder that does not exist yet.
Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
