"""A full disk under the warehouse, its quality folder or the state folder: one line naming the folder and the
room a run needs, no traceback, no half-written file, and a runs row that says why.

The disks are small tmpfs mounts (root is needed to mount them; elsewhere these tests skip).
"""
import errno
import json
import shutil
import sqlite3
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import SEEDS, load_benchmark

from newsetl.transforms import diskspace

stop_times = load_benchmark("stop_times")


@contextmanager
def small_disk(path: Path, size: str):
    """A tmpfs of this size mounted at path, unmounted after."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def fill(path: Path) -> None:
    """Write a ballast file under path until its disk is full."""
    with open(path / "ballast", "wb") as ballast:
        try:
            while True:
                ballast.write(bytes(1 << 16))
                ballast.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def test_a_folder_with_too_little_room_is_named_with_the_room_a_run_needs(tmp_path):
    with small_disk(tmp_path / "state", "2m"):
        folders = diskspace.run_folders(tmp_path / "wh", tmp_path / "state" / "prefect")
        with pytest.raises(diskspace.DiskFull) as refused:
            diskspace.check_room(folders)
    message = str(refused.value)
    assert f"the state folder {tmp_path / 'state' / 'prefect'} is full" in message
    assert "needs about 8.0 MiB there" in message and "\n" not in message


def test_errors_that_say_a_disk_is_full_are_recognised_through_their_causes(tmp_path):
    with small_disk(tmp_path / "disk", "256k") as disk:
        with pytest.raises(OSError) as written:
            fill(disk)
            (disk / "more").write_bytes(bytes(1 << 16))
        (disk / "ballast").unlink()
        with sqlite3.connect(disk / "catalog.sqlite") as con, pytest.raises(sqlite3.Error) as inserted:
            con.execute("create table t (x blob)")
            while True:
                con.execute("insert into t values (randomblob(65536))")
    try:
        raise RuntimeError("the batch failed") from written.value
    except RuntimeError as wrapped:
        assert diskspace.is_disk_full(wrapped)
    assert diskspace.is_disk_full(inserted.value)  # "database or disk is full"
    assert not diskspace.is_disk_full(ValueError("a bad date"))


@pytest.mark.e2e  # Great Expectations writes its files on a small filesystem
def test_a_great_expectations_file_that_does_not_fit_leaves_no_file(tmp_path):
    from great_expectations.data_context.store.tuple_store_backend import TupleFilesystemStoreBackend

    from newsetl.expectations.whole_files import write_whole_files

    write_whole_files()
    with small_disk(tmp_path / "gx", "64k") as disk:
        store = TupleFilesystemStoreBackend(base_directory=str(disk), filepath_suffix=".json")
        store.set(("small",), json.dumps({"fits": True}))
        with pytest.raises(OSError):
            store.set(("large",), json.dumps({"rows": ["x" * 1000] * 200}))
        left = sorted(p.name for p in disk.rglob("*") if p.is_file())
    assert left == [".ge_store_backend_id", "small.json"]  # neither the torn file nor its temporary one


def _run(landing: Path, warehouse: Path, work: Path, **extra) -> subprocess.CompletedProcess:
    env = stop_times.run_env(work, **extra)
    return subprocess.run(stop_times.newsetl_run(landing, warehouse, "--batch-size", "2", "--workers", "2"),
                          env=env, cwd=work, capture_output=True, text=True, timeout=300)


def _one_line(result: subprocess.CompletedProcess, role: str, folder: Path) -> None:
    """Exit 2 and one line on the terminal's stderr, naming the folder and the log file that has the details."""
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr[-3000:]
    assert f"the {role} folder {folder}" in lines[0] and "needs about" in lines[0], lines[0]
    log = Path(lines[0].rsplit("(details: ", 1)[1].rstrip(")"))
    if role != "state":  # a full state folder keeps no log
        assert "Traceback" in log.read_text(encoding="utf-8")


@pytest.mark.e2e
@pytest.mark.parametrize("role", ["warehouse", "quality", "state"])
def test_a_run_onto_a_full_folder_is_refused_at_once_in_one_line(role, tmp_path):
    warehouse, state = tmp_path / "wh", tmp_path / "state"
    folder = {"warehouse": warehouse, "quality": warehouse / "quality", "state": state}[role]
    with small_disk(folder, "2m"):
        started = time.monotonic()
        result = _run(SEEDS, warehouse, tmp_path)
        seconds = time.monotonic() - started
    shown = folder / "prefect" if role == "state" else folder
    _one_line(result, role, shown)
    assert seconds < 15


def _fill_during_the_batches(work: Path, folder: Path, landing: Path, warehouse: Path):
    """A run paused in its batches while folder's disk is filled, then let go onto it: its result, and the seconds
    from letting it go to its end."""
    paused = work / "paused"
    env = stop_times.run_env(work, NEWSETL_PAUSE_AT="tag", NEWSETL_PAUSED_FILE=str(paused))
    command = stop_times.newsetl_run(landing, warehouse, "--batch-size", "2", "--workers", "2")
    run = subprocess.Popen(command, env=env, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert stop_times.wait_for(paused, run, timeout=300), run.communicate()
        fill(folder)
        resumed = time.monotonic()
        paused.write_text("go\n")  # the batches go on, onto the full disk
        stdout, stderr = run.communicate(timeout=300)
        seconds = time.monotonic() - resumed
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    return subprocess.CompletedProcess(command, run.returncode, stdout, stderr), seconds


@pytest.mark.e2e
@pytest.mark.parametrize("role", ["warehouse", "quality"])
def test_a_disk_that_fills_during_the_batches_ends_the_run_in_one_line_with_the_cause_recorded(role, tmp_path):
    from newsetl.transforms.warehouse import connect

    warehouse = tmp_path / "wh"
    folder = warehouse if role == "warehouse" else warehouse / "quality"
    landing = tmp_path / "landing"
    shutil.copytree(SEEDS, landing)
    with small_disk(folder, "24m"):
        result, seconds = _fill_during_the_batches(tmp_path, folder, landing, warehouse)
        _one_line(result, role, folder)
        assert seconds < 15
        with connect(warehouse, read_only=True) as con:
            status, message = con.execute("select status, message from runs order by started_at desc limit 1").fetchone()
        assert status == "failed" and f"the {role} folder {folder} is full" in message
        torn = [p for p in folder.rglob("*") if p.name.endswith(".partial")]
        assert torn == []
        for result_file in (folder if role == "quality" else folder / "quality").rglob("*.json"):
            json.loads(result_file.read_text(encoding="utf-8"))  # every one whole


@pytest.mark.e2e
def test_a_state_folder_that_fills_during_the_run_ends_it_in_one_line_and_the_next_run_recovers(tmp_path):
    from newsetl.transforms.warehouse import connect

    warehouse, state, landing = tmp_path / "wh", tmp_path / "state", tmp_path / "landing"
    shutil.copytree(SEEDS, landing)
    with small_disk(state, "24m"):
        result, seconds = _fill_during_the_batches(tmp_path, state, landing, warehouse)
        _one_line(result, "state", state / "prefect")  # Prefect's database, its server and the log cannot grow
        # The batches and the load go on without Prefect's database, to the flow's end; then the command ends at
        # once, without waiting for its logs to reach a server that cannot take them (70 s more, before).
        assert seconds < 60
        with connect(warehouse, read_only=True) as con:
            assert con.execute("select count(*) from runs where status = 'running'").fetchone() == (0,)
        (state / "ballast").unlink()
        again = _run(landing, warehouse, tmp_path)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-3000:]
    with connect(warehouse, read_only=True) as con:
        assert con.execute("select count(*), count(distinct doc_id) from articles").fetchone() == (5, 5)
        assert con.execute("select status from runs order by started_at desc limit 1").fetchone() == ("completed",)
