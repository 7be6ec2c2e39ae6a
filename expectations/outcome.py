"""A run's outcome as an alert or a Prefect state tells it: verdict, counts and the first failures with the
commands that list their rows; read from the warehouse by the report's own rules."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsetl.expectations.verdict import verdict
from newsetl.transforms.codes import COMPLETED
from newsetl.transforms.notify import TOP_FAILURES, Failure
from newsetl.transforms.report.queries import failing_rows_sql, quarantine_sql, query_command


@dataclass(frozen=True)
class Outcome:
    run_id: str
    status: str | None
    verdict: str
    critical: int
    warnings: int
    quarantined: int
    message: str | None
    failures: tuple[Failure, ...]

    def summary(self) -> str:
        """One line: the run, its verdict and counts (the Prefect state's message starts with it)."""
        if self.status != COMPLETED:
            why = f": {self.message}" if self.message else ""
            return f"newsetl run {self.run_id}: {self.verdict}, the run {self.status or 'did not finish'}{why}"
        return (f"newsetl run {self.run_id}: {self.verdict}, {self.critical} critical failures, {self.warnings} warnings, "
                f"{self.quarantined} quarantined files")

    def state_message(self) -> str:
        """The summary and the first failures, for the flow run's Failed state."""
        return "; ".join([self.summary(), *(f.text for f in self.failures[:3])])


def run_outcome(con, run_id: str, warehouse: str | Path | None = None, limit: int = TOP_FAILURES) -> Outcome:
    """The run's outcome through a warehouse connection; critical failures first, then warnings, then
    quarantine reasons, each with the `newsetl query` command that lists its rows."""
    status, quarantined, message = con.execute("select status, quarantined, message from runs where run_id = ?",
                                               [run_id]).fetchone() or (None, 0, None)
    failed = con.execute("""
        select table_name, expectation, column_name, critical, sum(unexpected_count), sum(element_count)
        from quality_results where run_id = ? and not success
        group by all order by critical desc, table_name, expectation, column_name""", [run_id]).fetchall()
    critical = sum(1 for row in failed if row[3])
    failures = [Failure(f"{'critical' if is_critical else 'warning'}: {table} {expectation} {column}: "
                        f"{unexpected} of {elements}",
                        _command(failing_rows_sql(run_id, table, expectation, column, bool(is_critical)), warehouse))
                for table, expectation, column, is_critical, unexpected, elements in failed[:limit]]
    reasons = con.execute("select reason, count(*) from quarantine where run_id = ? group by reason "
                          "order by count(*) desc, reason limit ?", [run_id, max(limit - len(failures), 0)]).fetchall()
    failures += [Failure(f"quarantined: {n} files, {reason}", query_command(quarantine_sql(run_id, reason), warehouse))
                 for reason, n in reasons]
    quarantined = int(quarantined or 0)
    return Outcome(run_id=run_id, status=status, verdict=verdict(status, critical, len(failed) - critical, quarantined),
                   critical=critical, warnings=len(failed) - critical, quarantined=quarantined, message=message,
                   failures=tuple(failures))


def _command(sql: str | None, warehouse) -> str | None:
    return query_command(sql, warehouse) if sql else None
