import os
from datetime import timedelta

import pytest

from newsetl.transforms.ingest import IngestLimits
from newsetl.transforms.settings import Settings, SettingsError


def test_flags_win_over_the_environment_which_wins_over_the_defaults(monkeypatch):
    monkeypatch.setenv("NEWSETL_BATCH_SIZE", "40")
    monkeypatch.setenv("NEWSETL_INPUT", "landing")
    settings = Settings.resolve(batch_size=7)
    assert (settings.batch_size, settings.input_dir, settings.warehouse_dir) == (7, "landing", "warehouse")


def test_a_bad_value_names_where_it_came_from(monkeypatch):
    monkeypatch.setenv("NEWSETL_MAX_BODY_CHARS", "lots")
    with pytest.raises(SettingsError, match="NEWSETL_MAX_BODY_CHARS must be a whole number, not 'lots'"):
        Settings.resolve()
    with pytest.raises(SettingsError, match="--batch-size must be at least 1, not 0"):
        Settings.resolve(batch_size=0)


def test_limits_and_the_settings_that_differ_from_the_defaults(monkeypatch):
    for name in [name for name in os.environ if name.startswith("NEWSETL_")]:
        monkeypatch.delenv(name)  # the session's harness sets a state folder, which differs from the default
    settings = Settings.resolve(max_file_bytes=1000)
    assert settings.limits() == IngestLimits(max_file_bytes=1000)
    assert settings.overrides() == {"max_file_bytes": 1000}


def test_a_reprocess_batches_a_thousand_documents_unless_its_own_flag_or_variable_says_otherwise(monkeypatch):
    monkeypatch.setenv("NEWSETL_BATCH_SIZE", "40")  # a run's batch size is not a reprocess's
    assert Settings.resolve().for_reprocess().batch_size == 1000
    monkeypatch.setenv("NEWSETL_REPROCESS_BATCH_SIZE", "300")
    assert Settings.resolve().for_reprocess().batch_size == 300
    reprocess = Settings.resolve(reprocess_batch_size=500, workers=4).for_reprocess()
    assert (reprocess.batch_size, reprocess.batch_processes(1200)) == (500, 3)


def test_every_settings_variable_is_documented_for_users():
    from pathlib import Path

    root = Path(__file__).parent.parent
    text = "".join(path.read_text(encoding="utf-8") for path in [root / "README.md", *(root / "docs").glob("*.md")])
    assert [variable for _, variable in Settings.SOURCES.values() if variable not in text] == []


def test_thresholds_and_folders_are_read_from_the_environment_when_resolved(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSETL_REPORT_STALE_HOURS", "1.5")
    monkeypatch.setenv("NEWSETL_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("NEWSETL_CACHE_DIR", str(tmp_path / "cache"))
    settings = Settings.resolve()
    assert settings.report_stale_after() == timedelta(hours=1.5)
    assert (settings.state_dir, settings.cache_dir) == (str(tmp_path / "state"), str(tmp_path / "cache"))
    monkeypatch.setenv("NEWSETL_HEALTH_VOLUME_HIGH", "-1")
    with pytest.raises(SettingsError, match="NEWSETL_HEALTH_VOLUME_HIGH must be a number of at least 0, not '-1'"):
        Settings.resolve()
