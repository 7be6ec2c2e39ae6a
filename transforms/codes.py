"""The warehouse's vocabulary: every code a column may hold, defined once.

The tag stage, the expectation suites and the load's checks all read these, so a new label or
status is added here and nowhere else; code names one value by its constant (LOADED, COMPLETED, PER),
never by a bare string. SQL files keep their literals.
"""
from __future__ import annotations

ENTITY_LABELS = ("PER", "LOC", "ORG", "MISC")
PER, LOC, ORG, MISC = ENTITY_LABELS
# loaded: an article; quarantined: rejected with a reason; duplicate: same bytes as a loaded
# document; skipped: not read at all (a link that leaves the landing folder, a link loop).
DOCUMENT_STATUSES = ("loaded", "quarantined", "duplicate", "skipped")
LOADED, QUARANTINED, DUPLICATE, SKIPPED = DOCUMENT_STATUSES
CONTENT_TYPES = ("text", "html")
DATE_PRECISIONS = ("day", "month")
# running: committed at the start of a run, so a killed run leaves a row the next run marks failed.
RUN_STATUSES = ("running", "completed", "failed")
RUNNING, COMPLETED, FAILED = RUN_STATUSES
# A run whose clock read earlier than the previous run's, or whose times a later run found ahead of its now.
CLOCK_FLAGS = ("behind_previous_run", "ahead_of_now")
# The stages a run applies, in order; stage_versions.stage and reprocessed.stage hold them, and
# quarantine.stage names the stage that rejected a document.
STAGES = ("clean", "tag", "themes", "quote", "stories")
CLEAN, TAG, THEMES, QUOTE, STORIES = STAGES
QUOTE_KINDS = ("direct", "indirect", "free_indirect", "reported")
DIRECT, INDIRECT, FREE_INDIRECT, REPORTED = QUOTE_KINDS
# The languages the detector tells apart (transforms/language.py); ISO 639-1.
LANGUAGES = ("de", "en", "fr", "it", "es", "nl", "pl", "tr")


def sql_list(codes: tuple[str, ...]) -> str:
    """('a', 'b') as SQL: ('a', 'b')."""
    return "(" + ", ".join(f"'{code}'" for code in codes) + ")"
