"""The one place a run's verdict is decided: PASS, WARN or FAIL, with the rule in words for the report."""
from __future__ import annotations

from newsetl.transforms.codes import COMPLETED

VERDICT_RULE = ("FAIL when the run failed (runs.status is not completed) or a critical expectation failed; "
                "WARN when a warning-level expectation failed or a file was quarantined; PASS otherwise. "
                "Failed expectations are counted once per table, expectation and column, however many batches failed it.")


def verdict(status: str | None, critical_failures: int, warnings: int, quarantined: int) -> str:
    """The one place the verdict is decided (VERDICT_RULE says the same in words)."""
    if status != COMPLETED or critical_failures > 0:
        return "FAIL"
    if warnings > 0 or quarantined > 0:
        return "WARN"
    return "PASS"
