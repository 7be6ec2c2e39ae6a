"""What a run logs goes to the command's log file; the terminal keeps one `error:` line that names it."""
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS, load_benchmark

from newsetl.flows import run_log

stop_times = load_benchmark("stop_times")


def _record(message: str) -> logging.LogRecord:
    try:
        raise ValueError("the cause")
    except ValueError:
        return logging.LogRecord("prefect.task_runs", logging.ERROR, __file__, 1, message, None, sys.exc_info())


def test_a_log_record_goes_to_the_log_file_traceback_and_all(tmp_path, monkeypatch):
    monkeypatch.setenv(run_log.VARIABLE, str(tmp_path / "logs" / "run.log"))
    handler = run_log.RunLogFile()
    handler.handle(_record("Finished in state Failed"))
    handler.close()
    written = (tmp_path / "logs" / "run.log").read_text(encoding="utf-8")
    assert "Finished in state Failed" in written and "Traceback" in written and "ValueError: the cause" in written


def test_a_log_file_on_a_full_disk_loses_the_line_and_prints_nothing(monkeypatch, capfd):
    monkeypatch.setenv(run_log.VARIABLE, "/dev/full")  # every write: no space left on device
    handler = run_log.RunLogFile()
    handler.handle(_record("Finished in state Failed"))
    handler.close()
    assert capfd.readouterr() == ("", "")


def test_prefects_log_lines_go_to_the_file_a_command_names_not_to_the_terminal(tmp_path):
    env = {**os.environ}
    for name in ("NEWSETL_RUN_LOG", "PREFECT_LOGGING_HANDLERS_CONSOLE_CLASS", "PREFECT_LOGGING_HANDLERS_DEBUG_CLASS"):
        env.pop(name, None)
    code = ("from pathlib import Path; from flows import run_log\n"
            f"with run_log.run_log_kept('run', Path({str(tmp_path)!r})):\n"
            "    import logging, prefect.main; logging.getLogger('prefect.engine').error('Finished in state Failed')\n"
            "    print(run_log.run_log())")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    log = Path(done.stdout.strip())
    assert log.parent == tmp_path / "logs" and log.name.startswith("run-")
    assert "Finished in state Failed" in log.read_text(encoding="utf-8")


@pytest.mark.e2e
def test_a_run_whose_batches_fail_prints_one_error_line_naming_the_log_with_the_traceback(tmp_path):
    command = stop_times.newsetl_run(SEEDS, tmp_path / "wh", "--batch-size", "2", "--workers", "2")
    done = subprocess.run(command, env=stop_times.run_env(tmp_path, NEWSETL_FAIL_AT="tag"), cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: flow run") and "fix the cause" in lines[0], done.stderr
    log = Path(lines[0].rsplit("(details: ", 1)[1].rstrip(")"))
    assert log.parent == tmp_path / "state" / "logs"
    written = log.read_text(encoding="utf-8")
    assert "Finished in state Failed" in written and "InjectedFault: fault injected at tag" in written
    assert "Traceback" in written


def test_a_command_keeps_the_newest_logs_only(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    for number in range(run_log.KEEP + 5):
        (logs / f"run-{number:04d}.log").write_text("x")
        os.utime(logs / f"run-{number:04d}.log", (number, number))
    with run_log.run_log_kept("run", tmp_path) as path:
        assert os.environ[run_log.VARIABLE] == str(path)
    assert run_log.VARIABLE not in os.environ
    kept = sorted(log.name for log in logs.glob("*.log"))
    assert len(kept) == run_log.KEEP and kept[0] == "run-0005.log"
