"""BatchTables: the tables one batch produces as it moves through the stages, and the columns of the two
tables every stage may add rows to (quarantine, quality_results)."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

QUARANTINE_COLUMNS = ["doc_id", "stage", "reason", "detail", "run_id"]
RESULT_COLUMNS = ["run_id", "table_name", "expectation", "column_name", "critical", "success",
                  "unexpected_count", "element_count"]


@dataclass
class BatchTables:
    """The tables one batch produces, as they move through the stages."""

    documents: pd.DataFrame
    articles: pd.DataFrame = field(default_factory=pd.DataFrame)
    mentions: pd.DataFrame = field(default_factory=pd.DataFrame)
    entity_aliases: pd.DataFrame = field(default_factory=pd.DataFrame)
    themes: pd.DataFrame = field(default_factory=pd.DataFrame)
    search_terms: pd.DataFrame = field(default_factory=pd.DataFrame)
    quotes: pd.DataFrame = field(default_factory=pd.DataFrame)
    texts: pd.DataFrame = field(default_factory=pd.DataFrame)
    stage_versions: pd.DataFrame = field(default_factory=pd.DataFrame)
    quarantine: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=QUARANTINE_COLUMNS))
    quality_results: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RESULT_COLUMNS))
