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


def test_limits_and_the_settings_that_differ_from_the_defaults():
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
