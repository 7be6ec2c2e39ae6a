"""A warehouse a team shares: its catalog in PostgreSQL, its data in a folder every host mounts.

"Hosts" here are processes that share only the catalog address and the warehouse folder: each has its
own working folder and state folder, and no local lock file is shared.
"""
import os
import signal
import subprocess
import sys

import pytest

from transforms import warehouse as wh
from transforms.catalog import POINTER, CatalogError, catalog_for
from transforms.settings import Settings, SettingsError

HOLD_LOCK = ("import sys, time\nfrom transforms.warehouse import RunLock\n"
             "with RunLock(sys.argv[1], 'r-holder'):\n    print('held', flush=True)\n    time.sleep(600)\n")


def _host(tmp_path, name: str, **extra) -> dict:
    """A "machine": its own working folder and state folder, the catalog reached through the address."""
    home = tmp_path / name
    (home / "state").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSETL_", "PREFECT_"))}
    return {"cwd": home, "env": {**env, "NEWSETL_STATE_DIR": str(home / "state"),
                                 "PYTHONPATH": os.getcwd(), **extra}}


def _newsetl(host: dict, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True,
                          timeout=timeout, **host)


def test_a_catalog_that_is_not_an_address_fails_naming_the_variable(monkeypatch):
    monkeypatch.setenv("NEWSETL_CATALOG", "mysql://db/news")
    with pytest.raises(SettingsError, match="NEWSETL_CATALOG must be sqlite or postgresql://"):
        Settings.resolve()


def test_the_folder_records_the_catalog_without_its_password(tmp_path, new_postgres_catalog):
    url = new_postgres_catalog()
    with_password = url.replace("postgres@", "postgres:secret@")
    with wh.connect(tmp_path, read_only=False) as con:  # a SQLite warehouse first
        con.execute("select 1")
    with pytest.raises(CatalogError, match="has a SQLite catalog: `newsetl migrate"):
        catalog_for(tmp_path, url)
    other = tmp_path / "team"
    catalog_for(other, with_password).prepare()
    assert (other / POINTER).read_text().strip() == url
    # Another role reaches the same database; another database is refused.
    assert catalog_for(other, url.replace("postgres@", "analyst@")).postgres
    with pytest.raises(CatalogError, match="has its catalog in"):
        catalog_for(other, url.rsplit("/", 1)[0] + "/elsewhere")


def test_a_run_on_another_host_is_refused_in_one_line_naming_the_holder(tmp_path, new_postgres_catalog):
    url, shared = new_postgres_catalog(), tmp_path / "shared"
    first, second = _host(tmp_path, "host-a", NEWSETL_CATALOG=url), _host(tmp_path, "host-b")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(shared)], stdout=subprocess.PIPE, text=True,
                              **first)
    try:
        assert holder.stdout.readline().strip() == "held"
        landing = tmp_path / "landing"
        landing.mkdir()
        refused = _newsetl(second, "run", "--input", str(landing), "--warehouse", str(shared), "--catalog", url)
        assert refused.returncode == 2, refused.stderr
        message = refused.stderr.strip()
        assert len(message.splitlines()) == 1, message
        assert "another newsetl run holds the warehouse" in message
        assert f"run r-holder, pid {holder.pid} on" in message and "Traceback" not in refused.stderr
        assert not list(shared.glob("*.lock")) and not list((tmp_path / "host-b").rglob("*.lock"))
    finally:
        holder.kill()
        holder.wait()
    # The lock died with its holder's session: the next run may start.
    probe = subprocess.run([sys.executable, "-c", HOLD_LOCK.replace("time.sleep(600)", "pass"), str(shared)],
                           capture_output=True, text=True, timeout=60, **second)
    assert probe.stdout.strip() == "held", probe.stderr


def test_a_killed_holder_frees_the_lock_without_anyone_cleaning_up(tmp_path, new_postgres_catalog):
    url, shared = new_postgres_catalog(), tmp_path / "shared"
    host = _host(tmp_path, "host-a", NEWSETL_CATALOG=url)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(shared)], stdout=subprocess.PIPE, text=True,
                              **host)
    assert holder.stdout.readline().strip() == "held"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with wh.RunLock(shared, "r-next"):
        pass


def test_every_reading_command_refuses_a_catalog_the_folder_does_not_record(tmp_path, new_postgres_catalog):
    url, shared = new_postgres_catalog(), tmp_path / "shared"
    catalog_for(shared, url).prepare()
    host = _host(tmp_path, "host-a")
    elsewhere = url.rsplit("/", 1)[0] + "/elsewhere"
    for command in (["query", "select 1"], ["search", "Rakete"], ["report"], ["rebuild"]):
        result = _newsetl(host, *command, "--warehouse", str(shared), "--catalog", elsewhere)
        assert result.returncode == 2 and "has its catalog in" in result.stderr, (command, result.stderr)
