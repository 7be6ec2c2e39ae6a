import pytest

from newsetl.transforms import faults


def test_a_point_is_silent_unless_named(monkeypatch):
    monkeypatch.delenv("NEWSETL_FAIL_AT", raising=False)
    monkeypatch.delenv("NEWSETL_CRASH_AT", raising=False)
    faults.fault_point("load:begin")


def test_a_point_can_fail_on_its_nth_pass(monkeypatch):
    monkeypatch.setenv("NEWSETL_FAIL_AT", "batch-test#2")
    faults.fault_point("batch-test")
    with pytest.raises(faults.InjectedFault, match="batch-test"):
        faults.fault_point("batch-test")
