"""Prefect flows and the `newsetl` command line: the wiring of the stages in transforms/."""
import os
from pathlib import Path

# Before Prefect or Great Expectations is imported, stay offline. Defaults in the environment only:
# importing this package creates nothing on disk (use_state_dir does, when a run needs Prefect).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def state_dir() -> Path:
    """The state folder of runs (Prefect's home, the commands' logs): NEWSETL_STATE_DIR, else .newsetl."""
    from newsetl.transforms.settings import Settings

    return Path(Settings.resolve().state_dir).resolve()


def prefect_home() -> Path:
    """Where Prefect keeps its state: PREFECT_HOME, else NEWSETL_STATE_DIR/prefect (.newsetl/prefect)."""
    return Path(os.environ.get("PREFECT_HOME") or state_dir() / "prefect")


def use_state_dir() -> Path:
    """Keep Prefect's state in the project's state folder: PREFECT_HOME defaults to NEWSETL_STATE_DIR/prefect
    (.newsetl/prefect), created here. Called where a run starts, before Prefect is imported or its server
    starts; a PREFECT_HOME already set is kept. Returns Prefect's home."""
    home = Path(os.environ.setdefault("PREFECT_HOME", str(prefect_home())))
    # Prefect's SQLite database cannot be created in a folder that does not exist yet.
    home.mkdir(parents=True, exist_ok=True)
    return home
