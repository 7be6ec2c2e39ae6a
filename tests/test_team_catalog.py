"""A warehouse a team shares: its catalog in PostgreSQL, its data in a folder every host mounts.

"Hosts" here are processes that share only the catalog address and the warehouse folder: each has its
own working folder and state folder, and no local lock file is shared.
"""
import os
import signal
import subprocess
import sys

import pytest

from newsetl.transforms import warehouse as wh
from newsetl.transforms.catalog import POINTER, CatalogError, catalog_for
from newsetl.transforms.settings import Settings, SettingsError

pytestmark = pytest.mark.e2e  # each test runs the pipeline or the command line: seconds apiece

HOLD_LOCK = ("import sys, time\nfrom newsetl.transforms.warehouse import RunLock\n"
             "with RunLock(sys.argv[1], 'r-holder'):\n    print('held', flush=True)\n    time.sleep(600)\n")


def _host(tmp_path, name: str, **extra) -> dict:
    """A "machine": its own working folder and state folder, the catalog reached through the address."""
    home = tmp_path / name
    (home / "state").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSETL_", "PREFECT_"))}
    return {"cwd": home, "env": {**env, "NEWSETL_STATE_DIR": str(home / "state"),
                                 "PYTHONPATH": os.getcwd(), **extra}}


def _newsetl(host: dict, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsetl.flows.cli", *args], capture_output=True, text=True,
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


def _tables(warehouse) -> dict:
    with wh.connect(warehouse, read_only=True) as con:
        return {t: con.execute(f"select count(*), md5(string_agg(x::varchar, '|' order by x::varchar)) from {t} x")
                .fetchone() for t in [*wh.SCHEMAS, "entities", "search_docs"]}


def _data_files(warehouse) -> dict:
    return {p: p.stat().st_size for p in (warehouse / "lake").rglob("*.parquet")}


@pytest.mark.e2e
def test_migrate_moves_the_catalog_to_postgresql_and_back_leaving_the_data_files(copy_of_seeds_run, tmp_path,
                                                                               new_postgres_catalog):
    _, warehouse = copy_of_seeds_run
    url, host = new_postgres_catalog(), _host(tmp_path, "host-a")
    before, files = _tables(warehouse), _data_files(warehouse)
    with wh.connect(warehouse, read_only=True) as con:
        first_run = con.execute("select min(run_id) from runs").fetchone()[0]

    moved = _newsetl(host, "migrate", "--catalog", url, "--warehouse", str(warehouse))
    assert moved.returncode == 0, moved.stderr
    assert "articles: 5 rows, checksum" in moved.stdout and "the same in both catalogs" in moved.stdout
    assert (warehouse / POINTER).read_text().strip() == url and not (warehouse / "lake.sqlite").exists()
    assert catalog_for(warehouse).postgres and _tables(warehouse) == before
    # The data files stayed (the rows DuckLake kept inside the SQLite catalog were written out beside them).
    assert all(_data_files(warehouse).get(path) == size for path, size in files.items())
    with wh.connect(warehouse, as_of_run=first_run) as con:  # history came along
        assert con.execute("select count(*) from articles").fetchone()[0] == 5

    again = _newsetl(host, "migrate", "--catalog", url, "--warehouse", str(warehouse))
    assert again.returncode == 2 and "already" in again.stderr

    back = _newsetl(host, "migrate", "--catalog", "sqlite", "--warehouse", str(warehouse))
    assert back.returncode == 0, back.stderr
    assert not (warehouse / POINTER).exists() and not catalog_for(warehouse).postgres
    assert _tables(warehouse) == before


def test_migrate_refuses_a_database_that_holds_a_ducklake_already(tmp_path, new_postgres_catalog):
    url = new_postgres_catalog()
    catalog_for(tmp_path / "team", url).prepare()
    with wh.connect(tmp_path / "team"):
        pass
    with wh.connect(tmp_path / "solo"):
        pass
    refused = _newsetl(_host(tmp_path, "host-a"), "migrate", "--catalog", url, "--warehouse", str(tmp_path / "solo"))
    assert refused.returncode == 2 and "holds a DuckLake already: give an empty database" in refused.stderr
    assert (tmp_path / "solo" / "lake.sqlite").exists() and not (tmp_path / "solo" / POINTER).exists()


def test_an_analyst_with_a_read_only_role_reads_and_cannot_write(tmp_path, new_postgres_catalog):
    import uuid

    import psycopg

    url, shared = new_postgres_catalog(), tmp_path / "shared"
    catalog_for(shared, url).prepare()
    with wh.connect(shared) as con:
        con.execute("insert into runs (run_id, status) values ('r1', 'completed')")
    analyst = f"analyst_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"create role {analyst} login in role pg_read_all_data")
    as_analyst = url.replace("postgres@", f"{analyst}@")
    with wh.connect(shared, read_only=True) as con:
        assert con.execute("select run_id from runs").fetchall() == [("r1",)]
    reader = _host(tmp_path, "laptop", NEWSETL_CATALOG=as_analyst)
    rows = _newsetl(reader, "query", "select run_id from runs", "--format", "csv", "--warehouse", str(shared))
    assert rows.returncode == 0 and rows.stdout.split() == ["run_id", "r1"], rows.stderr
    write = ("import sys\nfrom newsetl.transforms.warehouse import connect\ncon = connect(sys.argv[1])\n"
             "con.execute(\"insert into runs (run_id, status) values ('r2', 'failed')\")\n")
    refused = subprocess.run([sys.executable, "-c", write, str(shared)], capture_output=True, text=True,
                             timeout=120, **reader)
    assert refused.returncode != 0 and "Failed to commit" in refused.stderr
    with wh.connect(shared, read_only=True) as con:
        assert con.execute("select count(*) from runs").fetchone()[0] == 1
