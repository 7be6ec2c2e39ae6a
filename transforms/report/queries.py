"""SQL and commands the report gives a maintainer: the rows behind a failed expectation or a quarantine reason."""
from __future__ import annotations

import re
from pathlib import Path

from newsetl.expectations import health
from newsetl.expectations.suites import SUITES, Check

SQL_DIR = Path(__file__).parent / "sql"


def sql_file(name: str, **parts: str) -> str:
    """A query of sql/, its {placeholders} filled with SQL the caller wrote (quoted run ids)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8").format(**parts)


def sql_quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _check(table: str, expectation: str, column: str | None) -> Check | None:
    """The suite's check behind a quality_results row (GX names them in snake case)."""
    for check in SUITES.get(table, []):
        kind = "ExpectColumnValuesToBeInSet" if check.kind == "ExpectColumnValuesToBeEqual" else check.kind
        if check.column == column and re.sub(r"(?<!^)([A-Z])", r"_\1", kind).lower() == expectation:
            return check
    return None


def _violation(check: Check, column: str) -> str:
    """SQL predicate, true for the rows that fail the check."""
    args = check.kwargs or {}
    if check.kind == "ExpectColumnValuesToBeEqual" and check.column == "offsets_match":
        return "substr(a.body, t.start_char + 1, t.end_char - t.start_char) is distinct from t.surface"
    if check.kind == "ExpectColumnValuesToNotBeNull":
        return f"{column} is null"
    if check.kind == "ExpectColumnValueLengthsToEqual":
        return f"length({column}) <> {args['value']}"
    if check.kind in ("ExpectColumnValuesToBeInSet", "ExpectColumnValuesToBeEqual"):
        allowed = args["value_set"] if "value_set" in args else [args["value"]]
        return f"{column} not in ({', '.join(sql_quote(v) for v in allowed)})"
    if check.kind == "ExpectColumnValuesToBeUnique":
        return f"{column} in (select {check.column} from {{table}} group by 1 having count(*) > 1)"
    measure = f"length({column})" if check.kind == "ExpectColumnValueLengthsToBeBetween" else column
    bounds = ([f"{measure} < {args['min_value']}"] if "min_value" in args else []) + \
             ([f"{measure} > {args['max_value']}"] if "max_value" in args else [])
    return " or ".join(bounds)


def failing_rows_sql(run_id: str, table: str, expectation: str, column: str | None, critical: bool) -> str | None:
    """SQL listing the rows behind a failed expectation of a run, by doc_id and source_path.

    Rows that failed a critical expectation were moved to quarantine, so they are looked up there.
    """
    run = sql_quote(run_id)
    if expectation.startswith("health_"):
        return health.failing_rows_sql(run_id, expectation, column)
    if critical and table != "documents":
        return ("select q.doc_id, d.source_path, q.stage, q.reason, q.detail from quarantine q "
                "left join documents d on d.doc_id = q.doc_id and d.run_id = q.run_id "
                f"where q.run_id = {run} and q.detail = {sql_quote(f'{table}: {expectation} on {column}')}")
    if table == "article_entities":
        return ("select d.doc_id, d.source_path from articles a join documents d using (doc_id) "
                f"where d.run_id = {run} and d.status = 'loaded' "
                "and not exists (select 1 from mentions m where m.doc_id = a.doc_id)")
    check = _check(table, expectation, column)
    if check is None:
        return None
    if table == "documents":
        return (f"select t.doc_id, t.source_path, t.{column} from documents t "
                f"where t.run_id = {run} and ({_violation(check, 't.' + column).format(table='documents')})")
    if table == "entities":
        return ("select distinct t.entity_id, t.name, t.country_code, d.doc_id, d.source_path from entities t "
                "join mentions m using (entity_id) join documents d using (doc_id) "
                f"where d.run_id = {run} and d.status = 'loaded' and ({_violation(check, 't.' + column).format(table='entities')})")
    body_join = " join articles a using (doc_id)" if check.column == "offsets_match" else ""
    return (f"select t.doc_id, d.source_path, t.{column if check.column != 'offsets_match' else 'surface'} from {table} t "
            f"join documents d using (doc_id){body_join} where d.run_id = {run} and d.status = 'loaded' "
            f"and ({_violation(check, 't.' + column).format(table=table)})")


def quarantine_sql(run_id: str, reason: str) -> str:
    """SQL listing a run's files quarantined for one reason."""
    return ("select q.doc_id, d.source_path, q.stage, q.detail from quarantine q "
            "left join documents d on d.doc_id = q.doc_id and d.run_id = q.run_id "
            f"where q.run_id = {sql_quote(run_id)} and q.reason = {sql_quote(reason)}")


def query_command(sql: str, warehouse: str | Path | None = None) -> str:
    """A `newsetl query` command line that runs the SQL, quoted for a POSIX shell."""
    quoted = '"' + re.sub(r'(["\\$`])', r"\\\1", " ".join(sql.split())) + '"'
    target = f" --warehouse {_shell_word(str(warehouse))}" if warehouse else ""
    return f"newsetl query {quoted}{target}"


def _shell_word(word: str) -> str:
    return word if re.fullmatch(r"[\w./-]+", word) else "'" + word.replace("'", "'\\''") + "'"


def data_docs_pages(out_dir: Path, run_id: str) -> list[Path]:
    """The run's validation pages in the Great Expectations Data Docs under out_dir, if they were built."""
    site = out_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "validations"
    return sorted(site.glob(f"*/{run_id}/**/*.html")) if site.is_dir() else []
