"""How many worker processes a run starts, and the one-line refusals of bad worker settings."""
import pytest

from newsetl.transforms.settings import Settings, SettingsError


def test_bad_worker_counts_are_refused_in_one_line(monkeypatch):
    for value, message in (("0", "--workers must be at least 1"), ("two", "--workers must be a whole number")):
        with pytest.raises(SettingsError, match=message):
            Settings.resolve(workers=value)
    monkeypatch.setenv("NEWSETL_WORKERS", "-1")
    with pytest.raises(SettingsError, match="NEWSETL_WORKERS must be at least 1"):
        Settings.resolve()


def test_workers_default_to_one_per_core_and_the_flag_beats_the_environment(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    assert Settings.resolve().workers == 6
    monkeypatch.setenv("NEWSETL_WORKERS", "3")
    assert Settings.resolve().workers == 3
    assert Settings.resolve(workers=2).workers == 2


def test_a_run_of_one_batch_starts_no_worker_process_and_never_more_than_its_batches():
    settings = Settings(batch_size=250, workers=4)
    assert settings.batch_processes(5) == 1  # the seeds: batches stay in the run's process
    assert settings.batch_processes(0) == 1
    assert settings.batch_processes(501) == 3
    assert settings.batch_processes(10_000) == 4


def test_a_dask_address_comes_from_the_flag_or_the_environment(monkeypatch):
    assert Settings.resolve().dask_address is None
    monkeypatch.setenv("NEWSETL_DASK_ADDRESS", "tcp://10.0.0.5:8786")
    assert Settings.resolve().dask_address == "tcp://10.0.0.5:8786"
    assert Settings.resolve(dask_address="tcp://127.0.0.1:8786").dask_address == "tcp://127.0.0.1:8786"
