"""Alerts on their own: which events are sent, what a message says, delivery to a real SMTP server and an
HTTP endpoint on 127.0.0.1, and undeliverable messages logged and recorded without an error."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from receivers import HttpReceiver, SmtpReceiver, free_port

from newsetl.transforms import notify, warehouse
from newsetl.transforms.notify import Event, Failure
from newsetl.transforms.settings import Settings, SettingsError

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
FAIL = Event(run_id="20261206T120000Z-abc123", kind="FAIL", flow_run="brave-otter (1234)", report="/w/quality/report.html",
             summary="newsetl run 20261206T120000Z-abc123: FAIL, 1 critical failures, 0 warnings, 1 quarantined files",
             failures=(Failure("critical: articles expect_column_values_to_be_in_set language: 1 of 2",
                               'newsetl query "select q.doc_id from quarantine q" --warehouse /w'),))


def test_alarms_are_always_sent_warn_and_pass_only_when_asked():
    assert all(notify.wanted(kind) for kind in ("FAIL", "failed", "crashed", "stale"))
    assert not notify.wanted("WARN") and not notify.wanted("PASS")
    assert notify.wanted("WARN", "warn") and not notify.wanted("PASS", "warn")
    assert notify.wanted("PASS", "all")


def test_a_fail_message_names_the_run_the_verdict_the_failures_with_their_commands_and_the_report():
    subject, body = notify.message(FAIL)
    assert subject == "newsetl FAIL: run 20261206T120000Z-abc123"
    assert body.splitlines()[0] == FAIL.summary
    assert "Prefect flow run: brave-otter (1234)" in body
    assert "- critical: articles expect_column_values_to_be_in_set language: 1 of 2\n" \
           '  newsetl query "select q.doc_id from quarantine q" --warehouse /w' in body
    assert body.rstrip().endswith("Report: /w/quality/report.html")


def test_one_message_reaches_a_real_smtp_server_and_an_http_endpoint():
    with SmtpReceiver() as smtp, HttpReceiver() as http:
        rows = notify.send(FAIL, f"{smtp.url}, {http.url}")
    assert [row["delivered"] for row in rows] == [True, True]
    assert len(smtp.messages) == 1 and len(http.messages) == 1
    assert smtp.messages[0]["subject"] == "newsetl FAIL: run 20261206T120000Z-abc123"
    assert "Report: /w/quality/report.html" in smtp.texts()[0]
    assert http.messages[0]["title"] == "newsetl FAIL: run 20261206T120000Z-abc123"
    assert "expect_column_values_to_be_in_set" in http.messages[0]["message"]


def test_an_undeliverable_message_is_logged_and_recorded_never_raised(tmp_path, caplog):
    closed = f"json://127.0.0.1:{free_port()}/nobody"
    with HttpReceiver() as http:
        rows = notify.notify(tmp_path, FAIL, f"{closed} nonsense://x {http.url}", "fail")
    assert [row["delivered"] for row in rows] == [False, False, True]
    assert "Connection error" in rows[0]["error"] and "cannot use this URL" in rows[1]["error"]
    assert len(http.messages) == 1  # one bad URL does not keep the others from their message
    assert "could not notify json://127.0.0.1" in caplog.text
    with warehouse.connect(tmp_path, read_only=True) as con:
        recorded = con.execute("select run_id, event, target, delivered, error is null from notifications "
                               "order by sent_at").fetchall()
    assert recorded == [(FAIL.run_id, "FAIL", closed, False, False), (FAIL.run_id, "FAIL", "nonsense://", False, False),
                        (FAIL.run_id, "FAIL", http.url, True, True)]


def test_passwords_and_tokens_are_not_recorded():
    rows = notify.send(FAIL, f"json://user:secret@127.0.0.1:{free_port()}/x slack://T1234/B5678/abcdefghijkl")
    assert all("secret" not in row["target"] and "abcdefghijkl" not in row["target"] for row in rows)


def test_nothing_is_sent_without_urls_or_for_a_pass(tmp_path):
    with HttpReceiver() as http:
        assert notify.notify(tmp_path, FAIL, None) == []
        assert notify.notify(tmp_path, Event(run_id="r", kind="PASS", summary="ok"), http.url) == []
    assert http.messages == [] and not warehouse.catalog_exists(tmp_path)


def test_a_notification_that_cannot_be_recorded_is_logged(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    notify.record(blocked, [{"run_id": "r", "event": "FAIL", "subject": "s", "target": "json://x",
                             "sent_at": NOW, "delivered": True, "error": None}])
    assert "could not record 1 notification(s)" in caplog.text


def test_a_rebuild_keeps_the_notifications(tmp_path):
    notify.record(tmp_path, [{"run_id": "r", "event": "crashed", "subject": "s", "target": "json://x",
                              "sent_at": NOW, "delivered": True, "error": None}])
    warehouse.rebuild(tmp_path)
    with warehouse.connect(tmp_path, read_only=True) as con:
        assert con.execute("select run_id, event from notifications").fetchall() == [("r", "crashed")]


def test_a_run_found_dead_is_a_crashed_event_and_an_old_last_run_a_stale_one():
    dead = [{"run_id": "r1", "started_at": NOW - timedelta(hours=2)}]
    crashed = notify.found_event("r2", dead, ("r0", NOW - timedelta(hours=3)), NOW, timedelta(hours=48))
    assert crashed.kind == "crashed" and crashed.details == ()
    assert crashed.summary.startswith("newsetl run r1 (started 2026-12-06 10:00 UTC) died before it finished")
    stale = notify.found_event("r2", [], ("r0", NOW - timedelta(days=3)), NOW, timedelta(hours=48))
    assert stale.summary == ("The warehouse was STALE: its last run r0 committed 72.0 hours before this run (more than "
                             "48.0 hours); is the schedule running?")
    both = notify.found_event("r2", dead, ("r0", NOW - timedelta(days=3)), NOW, timedelta(hours=48))
    assert both.kind == "crashed" and "STALE" in both.details[0]
    assert notify.found_event("r2", [], ("r0", NOW - timedelta(hours=3)), NOW, timedelta(hours=48)) is None
    assert notify.found_event("r2", [], None, NOW, timedelta(hours=48)) is None


def test_the_urls_and_when_to_send_come_from_flags_over_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSETL_NOTIFY", "json://127.0.0.1/a, mailto://127.0.0.1?to=x@example.org,y@example.org")
    monkeypatch.setenv("NEWSETL_NOTIFY_ON", "warn")
    settings = Settings.resolve()
    assert notify.split_urls(settings.notify) == ["json://127.0.0.1/a",
                                                 "mailto://127.0.0.1?to=x@example.org,y@example.org"]
    assert settings.notify_on == "warn" and Settings.resolve(notify_on="all").notify_on == "all"
    monkeypatch.setenv("NEWSETL_NOTIFY_ON", "sometimes")
    with pytest.raises(SettingsError, match="--notify-on \\(or NEWSETL_NOTIFY_ON\\) takes fail, warn, all, not 'sometimes'"):
        Settings.resolve()
    assert notify.unusable("json://127.0.0.1/a nonsense://x") == ["nonsense://x"]


def test_newsetl_run_refuses_a_url_apprise_cannot_use_before_it_starts(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "newsetl.flows.cli", "run", "--input", str(tmp_path), "--warehouse",
                           str(tmp_path / "warehouse"), "--notify", "json://127.0.0.1/a", "--notify", "nonsense://x"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Apprise cannot use nonsense://x" in done.stderr
    assert not (tmp_path / "warehouse").exists()
