"""Great Expectations suites, one per warehouse table; critical ones route failing rows to quarantine."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from newsetl.expectations.whole_files import PARTIAL, write_whole_files
from newsetl.transforms.batch_tables import RESULT_COLUMNS
from newsetl.transforms.codes import DOCUMENT_STATUSES, ENTITY_LABELS, LANGUAGES, QUOTE_KINDS

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
log = logging.getLogger(__name__)

# The column that names a failing row in the results and Data Docs (a row position would lead nowhere).
ROW_KEY = {"entities": "entity_id"}


@dataclass(frozen=True)
class Check:
    """One expectation on a table; critical ones quarantine the rows that fail it."""

    kind: str
    column: str | None
    critical: bool
    kwargs: dict | None = None


SUITES: dict[str, list[Check]] = {
    "documents": [
        Check("ExpectColumnValuesToNotBeNull", "doc_id", True),
        Check("ExpectColumnValueLengthsToEqual", "doc_id", True, {"value": 64}),
        Check("ExpectColumnValuesToBeInSet", "status", True, {"value_set": list(DOCUMENT_STATUSES)}),
        Check("ExpectColumnValuesToNotBeNull", "source_path", True),
        Check("ExpectColumnValuesToNotBeNull", "encoding", False),
    ],
    "articles": [
        Check("ExpectColumnValuesToNotBeNull", "doc_id", True),
        Check("ExpectColumnValuesToBeUnique", "doc_id", True),
        Check("ExpectColumnValueLengthsToBeBetween", "body", True, {"min_value": 1}),
        Check("ExpectColumnValuesToBeInSet", "language", True, {"value_set": list(LANGUAGES)}),
        Check("ExpectColumnValuesToNotBeNull", "published_at", False),
        Check("ExpectColumnValuesToNotBeNull", "title", False),
        Check("ExpectColumnValuesToBeBetween", "word_count", False, {"min_value": 30}),
    ],
    "mentions": [
        Check("ExpectColumnValuesToNotBeNull", "entity_id", True),
        Check("ExpectColumnValuesToBeInSet", "label", True, {"value_set": list(ENTITY_LABELS)}),
        Check("ExpectColumnValuesToBeEqual", "offsets_match", True, {"value": True}),
    ],
    "quotes": [
        Check("ExpectColumnValuesToNotBeNull", "quote_id", True),
        Check("ExpectColumnValuesToBeUnique", "quote_id", True),
        Check("ExpectColumnValuesToBeInSet", "kind", True,
              {"value_set": list(QUOTE_KINDS)}),
        Check("ExpectColumnValueLengthsToBeBetween", "quote", True, {"min_value": 1}),
        Check("ExpectColumnValuesToBeEqual", "offsets_match", True, {"value": True}),
        # Warning: a quotation whose speaker is unnamed or no person or organisation is common, not wrong.
        Check("ExpectColumnValuesToNotBeNull", "speaker_entity_id", False),
    ],
    "entities": [
        Check("ExpectColumnValuesToBeUnique", "entity_id", True),
        Check("ExpectColumnValuesToNotBeNull", "name", True),
        Check("ExpectColumnValueLengthsToEqual", "country_code", False, {"value": 2}),
    ],
    "themes": [
        Check("ExpectColumnValuesToBeBetween", "score", True, {"min_value": 0, "max_value": 1}),
    ],
    "stories": [
        Check("ExpectColumnValuesToNotBeNull", "story_id", True),
        Check("ExpectColumnValuesToBeBetween", "similarity", False, {"min_value": 0.5, "max_value": 1}),
    ],
    "article_entities": [
        # Warning: an article without any entity is suspicious, not wrong.
        Check("ExpectColumnValuesToBeBetween", "entity_count", False, {"min_value": 1}),
    ],
}


def row_key(table: str) -> str:
    """The column that identifies a row of this table's batches."""
    return ROW_KEY.get(table, "doc_id")


def preload() -> None:
    """Import Great Expectations (about 3 s) before the first batch needs it."""
    import great_expectations  # noqa: F401


def _expectation(check: Check):
    import great_expectations as gx

    if check.kind == "ExpectColumnValuesToBeEqual":
        return gx.expectations.ExpectColumnValuesToBeInSet(column=check.column, value_set=[check.kwargs["value"]],
                                                           meta={"critical": check.critical})
    cls = getattr(gx.expectations, check.kind)
    return cls(column=check.column, meta={"critical": check.critical}, **(check.kwargs or {}))


def _drop_torn_files(gx_dir: Path) -> None:
    """Clear what a killed run may have left half-written, so that GX starts clean.

    Suites, validation definitions and checkpoints are made again from SUITES by every run, so their
    stores are emptied (a torn or dangling one makes GX fail); a torn validation result is removed and
    only loses its Data Docs page.
    """
    import json

    for store in ("checkpoints", "expectations", "validation_definitions"):
        for path in (gx_dir / store).glob("*.json"):
            path.unlink()
    for path in gx_dir.rglob(f".*{PARTIAL}"):  # a file a killed process was writing (expectations/whole_files.py)
        path.unlink()
    for path in (gx_dir / "uncommitted").rglob("*.json"):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            path.unlink()
    config = gx_dir / "great_expectations.yml"
    if config.exists() and not config.read_text(encoding="utf-8").strip():
        config.unlink()


class Validator:
    """Runs each table's suite through a Great Expectations checkpoint with Data Docs under quality_dir."""

    def __init__(self, quality_dir: str | Path, recover: bool = True):
        """recover: clear what a killed run left first; only where no other process uses the context."""
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        write_whole_files()
        self._gx = gx
        if recover:
            _drop_torn_files(Path(quality_dir) / "gx")
        self.context = gx.get_context(mode="file", project_root_dir=str(quality_dir))
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.source = self.context.data_sources.add_or_update_pandas("newsetl")

    def _checkpoint(self, table: str):
        gx = self._gx
        try:
            asset = self.source.get_asset(table)
        except LookupError:
            asset = self.source.add_dataframe_asset(table)
        try:
            batch = asset.get_batch_definition("whole")
        except (KeyError, LookupError):
            batch = asset.add_batch_definition_whole_dataframe("whole")
        suite = gx.ExpectationSuite(name=table, expectations=[_expectation(c) for c in SUITES[table]])
        suite = self.context.suites.add_or_update(suite)
        definition = self.context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=table, data=batch, suite=suite))
        return self.context.checkpoints.add_or_update(gx.Checkpoint(
            name=f"{table}_checkpoint", validation_definitions=[definition], actions=[],
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [row_key(table)]}))

    def validate(self, table: str, frame: pd.DataFrame, run_id: str) -> tuple[pd.DataFrame, dict[str, str]]:
        """Results rows for the table, and the keys (doc_id; entity_id for entities) of the rows failing
        critical expectations with the reason."""
        frame = frame.reset_index(drop=True)
        from great_expectations.core.run_identifier import RunIdentifier

        # Named by our run, so that the run's Data Docs pages can be built alone (build_docs).
        result = self._checkpoint(table).run(batch_parameters={"dataframe": frame},
                                             run_id=RunIdentifier(run_name=run_id))
        rows, failing = [], {}
        for validation in result.run_results.values():
            for outcome in validation.results:
                config = outcome.expectation_config
                critical = bool((config.meta or {}).get("critical"))
                column = config.kwargs.get("column")
                rows.append({"run_id": run_id, "table_name": table, "expectation": config.type,
                             "column_name": column, "critical": critical, "success": bool(outcome.success),
                             "unexpected_count": int(outcome.result.get("unexpected_count") or 0),
                             "element_count": int(outcome.result.get("element_count") or len(frame))})
                if critical and not outcome.success:
                    for row in outcome.result.get("unexpected_index_list") or []:
                        failing.setdefault(row[row_key(table)], f"{table}: {config.type} on {column}")
        return pd.DataFrame(rows, columns=RESULT_COLUMNS), failing

    def build_docs(self, run_id: str) -> Path | None:
        """Render the run's validation results and the suites into the Data Docs site; returns its index.

        Rendering only this run's pages keeps the cost per run flat (a full build re-renders all history).
        """
        results = [key for key in self.context.validation_results_store.list_keys() if key.run_id.run_name == run_id]
        self.context.build_data_docs(resource_identifiers=results + self.context.expectations_store.list_keys())
        sites = self.context.get_docs_sites_urls()
        url = sites[0]["site_url"] if sites else None
        return Path(url.removeprefix("file://")) if url else None
