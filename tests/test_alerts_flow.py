"""The flow's honest state and its alerts, through real flow runs: a run found dead and a stale warehouse,
a FAIL verdict that ends the flow run Failed, a failed run, and runs that send nothing."""
from __future__ import annotations

import inspect
import re
import shlex
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from receivers import HttpReceiver, failing_article, misdetect_marked, passing_article

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def alerted_runs(prefect_harness, tmp_path_factory):
    """Five runs into a warehouse whose last run died and whose last completed run is older than the
    status probe allows (1 s for the first run): (A) a complete article, (B) plus one that fails a
    critical expectation, with fail_on_quality, (C) a landing folder gone, (D) nothing new, (E) another
    critical failure with fail_on_quality and nobody to notify. Returns the warehouse, the states and
    the messages each run sent."""
    from newsetl.flows.news_etl import news_etl
    from newsetl.transforms import clean, warehouse

    landing, lake = tmp_path_factory.mktemp("landing"), tmp_path_factory.mktemp("warehouse")
    old = datetime.now(timezone.utc) - timedelta(hours=3)
    warehouse.load_run(lake, "old", {"run_id": "old", "flow_run_id": "", "started_at": old, "finished_at": old,
                                     "files_seen": 0, "loaded": 0, "quarantined": 0, "duplicates": 0})
    warehouse.begin_run(lake, {"run_id": "dead", "flow_run_id": "", "started_at": old + timedelta(hours=1)})
    (landing / "budget.txt").write_text(passing_article(), encoding="utf-8")
    states, sent = {}, {}
    with HttpReceiver() as http:
        def run(name: str, **options) -> None:
            before = len(http.messages)
            states[name] = news_etl(input_dir=str(options.pop("input_dir", landing)), warehouse_dir=str(lake),
                                    workers=1, notify=options.pop("notify", http.url), return_state=True, **options)
            sent[name] = http.messages[before:]

        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("NEWSETL_STATUS_MAX_AGE", "1s")  # `newsetl status` would call the warehouse STALE
            time.sleep(1.5)
            run("A")
        (landing / "marked.txt").write_text(failing_article(), encoding="utf-8")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(clean, "detect_language", clean.detect_language)  # undone on leaving
            misdetect_marked(clean)
            run("B", fail_on_quality=True)
        run("C", input_dir=landing / "gone")
        run("D")
        (landing / "marked-again.txt").write_text(failing_article() + "\nNoch einmal.\n", encoding="utf-8")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(clean, "detect_language", clean.detect_language)
            misdetect_marked(clean)
            run("E", fail_on_quality=True, notify=None)
    return lake, states, sent


def _verdict(lake: Path, state) -> str:
    from newsetl.expectations.outcome import run_outcome
    from newsetl.transforms.warehouse import connect

    with connect(lake, read_only=True) as con:
        return run_outcome(con, state.result()["run_id"]).verdict


def test_a_run_that_finds_a_dead_run_and_a_stale_warehouse_sends_one_message_and_its_pass_none(alerted_runs):
    lake, states, sent = alerted_runs
    assert states["A"].is_completed() and _verdict(lake, states["A"]) == "PASS"
    [found] = sent["A"]
    assert found["title"].startswith("newsetl: a run crashed (found by run ")
    assert "newsetl run dead (started " in found["message"] and "died before it finished" in found["message"]
    assert re.search(r"The warehouse was STALE: its last run old committed \d+ s before this run \(more than 1 s\)",
                     found["message"])


def test_a_fail_verdict_ends_the_flow_run_failed_with_its_first_failures_and_one_message(alerted_runs):
    from newsetl.transforms.warehouse import connect

    lake, states, sent = alerted_runs
    state = states["B"]
    assert state.is_failed()
    assert "FAIL, 1 critical failures" in state.message
    assert "critical: articles expect_column_values_to_be_in_set language: 1 of 1" in state.message
    [message] = sent["B"]
    run_id = state.result(raise_on_failure=False)["run_id"]
    assert message["title"] == f"newsetl FAIL: run {run_id}"
    assert f"Prefect flow run: {state.state_details.flow_run_id}" not in message["message"]  # name (id), not the id alone
    assert str(state.state_details.flow_run_id) in message["message"]
    assert f"Report: {lake / 'quality' / 'report.html'}" in message["message"]
    # The inspect command lists the quarantined file.
    command = next(line.strip() for line in message["message"].splitlines() if line.strip().startswith("newsetl query"))
    _, _, sql, flag, folder = shlex.split(command)
    assert (flag, folder) == ("--warehouse", str(lake.resolve()))
    with connect(lake, read_only=True) as con:
        assert [row[1] for row in con.execute(sql).fetchall()] == ["marked.txt"]


def test_a_failed_run_sends_one_message_with_its_error(alerted_runs):
    _, states, sent = alerted_runs
    assert states["C"].is_failed()
    [message] = sent["C"]
    assert message["title"].endswith(" failed") and "input folder not found" in message["message"]


def test_a_run_that_neither_fails_nor_is_asked_to_warn_sends_nothing(alerted_runs):
    lake, states, sent = alerted_runs
    assert states["D"].is_completed() and _verdict(lake, states["D"]) in ("PASS", "WARN")
    assert sent["D"] == []


def test_a_fail_verdict_ends_failed_without_anyone_to_notify(alerted_runs):
    _, states, sent = alerted_runs
    assert states["E"].is_failed() and "critical: articles expect_column_values_to_be_in_set language" in states["E"].message
    assert sent["E"] == []


def test_every_message_sent_is_recorded_in_the_warehouse(alerted_runs):
    from newsetl.transforms.warehouse import connect

    lake, _, sent = alerted_runs
    with connect(lake, read_only=True) as con:
        recorded = con.execute("select event, delivered from notifications order by sent_at").fetchall()
    assert recorded == [("crashed", True), ("FAIL", True), ("failed", True)]
    assert sum(len(messages) for messages in sent.values()) == 3


def test_deployments_end_failed_on_a_fail_verdict_and_the_command_line_keeps_its_exit_codes():
    from newsetl.flows.news_etl import news_etl

    assert inspect.signature(news_etl.fn).parameters["fail_on_quality"].default is False
    deployments = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
    assert deployments and all(d["parameters"]["fail_on_quality"] is True for d in deployments)
