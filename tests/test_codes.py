"""The warehouse's codes are defined once: the schema's comments, the load's checks and the suites agree with them."""
import re

import duckdb
import pytest

from newsetl.expectations.suites import SUITES
from newsetl.transforms import codes
from newsetl.transforms.warehouse import _SQL, CHECKS

SCHEMA = (_SQL / "schema.sql").read_text(encoding="utf-8")
# (table, column, codes): every column whose values come from a code list.
CODED = [("documents", "status", codes.DOCUMENT_STATUSES), ("articles", "language", codes.LANGUAGES),
         ("articles", "date_precision", codes.DATE_PRECISIONS), ("mentions", "label", codes.ENTITY_LABELS),
         ("entity_aliases", "label", codes.ENTITY_LABELS), ("quotes", "kind", codes.QUOTE_KINDS),
         ("runs", "status", codes.RUN_STATUSES)]


def _listed(text: str) -> set[str]:
    """The words of "a, b or c"."""
    return set(re.findall(r"[\w-]+", text)) - {"or"}


@pytest.mark.parametrize("column, listed", [
    ("documents.status", codes.DOCUMENT_STATUSES), ("mentions.label", codes.ENTITY_LABELS), ("quotes.kind", codes.QUOTE_KINDS)])
def test_the_schema_comments_list_the_codes(column, listed):
    comment = re.search(rf"comment on column {re.escape(column)} is '([^']*)'", SCHEMA).group(1)
    assert _listed(comment) == set(listed)


def test_the_schema_comments_on_run_status_and_date_precision_list_the_codes():
    runs = re.search(r"comment on table runs is '[^']*status ([^']*)'", SCHEMA).group(1)
    precision = re.search(r"comment on column articles.date_precision is '([^':]*):", SCHEMA).group(1)
    assert _listed(runs) == set(codes.RUN_STATUSES)
    assert _listed(precision) == set(codes.DATE_PRECISIONS)


@pytest.mark.parametrize("table, column, listed", CODED)
def test_the_load_accepts_every_code_and_refuses_any_other(table, column, listed):
    check = next(c for c in CHECKS[table] if re.search(rf"\b{column} in \(", c))
    con = duckdb.connect()
    passed = [con.execute(f"select {check} from (select ?::varchar as {column})", [code]).fetchone()[0]
              for code in [*listed, "unknown"]]
    assert passed == [True] * len(listed) + [False]


@pytest.mark.parametrize("table, column, listed", [
    ("documents", "status", codes.DOCUMENT_STATUSES), ("articles", "language", codes.LANGUAGES),
    ("mentions", "label", codes.ENTITY_LABELS), ("quotes", "kind", codes.QUOTE_KINDS)])
def test_the_suites_check_the_same_codes(table, column, listed):
    value_sets = [c.kwargs["value_set"] for c in SUITES[table] if c.column == column and c.kind.endswith("InSet")]
    assert value_sets == [list(listed)]


def test_codes_are_unique_and_sql_lists_are_sql():
    for name in ("ENTITY_LABELS", "DOCUMENT_STATUSES", "CONTENT_TYPES", "DATE_PRECISIONS", "RUN_STATUSES",
                 "QUOTE_KINDS", "LANGUAGES"):
        values = getattr(codes, name)
        assert len(set(values)) == len(values), name
    labels = codes.sql_list(codes.ENTITY_LABELS)
    assert duckdb.sql(f"select 'LOC' in {labels}, 'GPE' in {labels}").fetchone() == (True, False)
