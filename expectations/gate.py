"""Quality gate: validate a batch's tables, move rows failing critical expectations to quarantine."""
from __future__ import annotations

import fcntl
import threading
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from newsetl.expectations.suites import Validator
from newsetl.transforms.batch_tables import QUARANTINE_COLUMNS, RESULT_COLUMNS, BatchTables
from newsetl.transforms.codes import LOADED, QUARANTINED

_lock = threading.Lock()
_validators: dict[str, Validator] = {}


def _validator(quality_dir: str | Path) -> Validator:
    key = str(Path(quality_dir).resolve())
    if key not in _validators:
        # Batch workers join a context the run opened (open_file_context): clearing it would take the
        # suites and checkpoints away from the other workers.
        _validators[key] = Validator(quality_dir, recover=False)
    return _validators[key]


_opening: dict[str, threading.Thread] = {}


def open_file_context(quality_dir: str | Path, in_background: bool = False) -> None:
    """At a run's start, before any batch: the file context cleared of what a killed run left.

    in_background: where the batches run in this process only, in a thread (importing Great
    Expectations takes seconds), which this process's first validation waits for.
    """
    if not in_background:
        with _file_context(quality_dir, opening=True):
            pass
        return
    opening = threading.Thread(target=open_file_context, args=(quality_dir,), name="newsetl-gx-open", daemon=True)
    _opening[str(Path(quality_dir).resolve())] = opening
    opening.start()


@contextmanager
def _file_context(quality_dir: str | Path, opening: bool = False):
    """Sole use of the Great Expectations file context under quality_dir, among this process's threads
    and every other process (batch workers) that writes it.

    Every process rewrites the same suite, checkpoint and config files before a checkpoint runs, and a
    new Validator clears them: unserialised, one process reads what another half wrote. A flock on the
    shared folder serialises them; a checkpoint run takes a small share of a batch (README, Scale-out).
    """
    folder = Path(quality_dir)
    folder.mkdir(parents=True, exist_ok=True)
    opener = _opening.get(str(folder.resolve()))
    if opener is not None and opener is not threading.current_thread():
        opener.join()
    with _lock, open(folder / "gx.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if opening:
                _validators[str(Path(quality_dir).resolve())] = Validator(quality_dir)
            yield _validator(quality_dir)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_suite(table: str, frame: pd.DataFrame, run_id: str, quality_dir: str | Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """One table's checkpoint run, in sole use of the file context."""
    with _file_context(quality_dir) as validator:
        return validator.validate(table, frame, run_id)


def build_docs(quality_dir: str | Path, run_id: str) -> Path | None:
    """Add the run's pages to the Data Docs under quality_dir; returns the index page."""
    with _file_context(quality_dir) as validator:
        return validator.build_docs(run_id)


def offsets_match(rows: pd.DataFrame, articles: pd.DataFrame, text_column: str = "surface") -> pd.Series:
    """True where body[start_char:end_char] equals the row's text (a mention's surface, a quotation's quote)."""
    bodies = dict(zip(articles["doc_id"], articles["body"]))
    return pd.Series([bodies.get(d, "")[s:e] == text for d, s, e, text in zip(
        rows["doc_id"], rows["start_char"], rows["end_char"], rows[text_column])],
        index=rows.index, dtype=bool)


def quarantine_docs(tables: BatchTables, reasons: dict[str, tuple[str, str, str]], run_id: str) -> None:
    """Take these documents' rows out of every table and record why (doc_id -> stage, reason, detail)."""
    if not reasons:
        return
    ids = set(reasons)
    for name in ("articles", "mentions", "themes", "search_terms", "quotes"):
        frame = getattr(tables, name)
        if not frame.empty:
            setattr(tables, name, frame[~frame["doc_id"].isin(ids)].reset_index(drop=True))
    if not tables.entity_aliases.empty:
        # An alias stays only while a kept mention still has that surface for that entity.
        kept = set(zip(tables.mentions.get("entity_id", []), tables.mentions.get("surface", [])))
        seen = [pair in kept for pair in zip(tables.entity_aliases["entity_id"], tables.entity_aliases["alias"])]
        tables.entity_aliases = tables.entity_aliases[seen].reset_index(drop=True)
    docs = tables.documents
    hit = docs["doc_id"].isin(ids) & (docs["status"] == LOADED)
    docs.loc[hit, "status"] = QUARANTINED
    docs.loc[hit, "reason"] = docs.loc[hit, "doc_id"].map(lambda d: reasons[d][1])
    rows = pd.DataFrame([{"doc_id": d, "stage": s, "reason": r, "detail": det, "run_id": run_id}
                         for d, (s, r, det) in reasons.items()], columns=QUARANTINE_COLUMNS)
    tables.quarantine = pd.concat([tables.quarantine, rows], ignore_index=True)


def gate_batch(tables: BatchTables, run_id: str, quality_dir: str | Path, made: set[str] | None = None) -> BatchTables:
    """Validate documents, articles, mentions, themes and quotes; quarantine the documents of failing rows.

    made: the tables this batch made anew (a reprocess of some stages); only their suites run, as the
    warehouse's other rows passed the gate when they were loaded. None: all of them (a run).
    """
    results = []
    checks = {"documents": tables.documents, "articles": tables.articles, "themes": tables.themes}
    if not tables.mentions.empty:
        checks["mentions"] = tables.mentions.assign(offsets_match=offsets_match(tables.mentions, tables.articles))
    if not tables.quotes.empty:
        checks["quotes"] = tables.quotes.assign(offsets_match=offsets_match(tables.quotes, tables.articles, "quote"))
    if not tables.articles.empty:
        counts = tables.mentions.groupby("doc_id").size() if not tables.mentions.empty else pd.Series(dtype=int)
        checks["article_entities"] = pd.DataFrame({
            "doc_id": tables.articles["doc_id"],
            "entity_count": tables.articles["doc_id"].map(counts).fillna(0).astype(int)})
    if made is not None:
        # An article's entity count changes with its mentions.
        made = made | {"article_entities"} if "mentions" in made else made
        checks = {table: frame for table, frame in checks.items() if table in made}
    reasons: dict[str, tuple[str, str, str]] = {}
    for table, frame in checks.items():
        if frame.empty:
            continue
        rows, failing = run_suite(table, frame, run_id, quality_dir)
        results.append(rows)
        for doc_id, reason in failing.items():
            if table != "documents" and isinstance(doc_id, str):
                reasons.setdefault(doc_id, ("validate", "failed critical expectation", reason))
    quarantine_docs(tables, reasons, run_id)
    if results:
        merged = pd.concat([tables.quality_results, *results], ignore_index=True)
        tables.quality_results = merged.astype({"success": bool, "critical": bool})
    return tables


# The canonical entities a run's loaded articles mention: the entities table is derived at load time,
# so its suite runs on the loaded warehouse rather than on a batch.
RUN_ENTITIES_SQL = """
    select e.* from entities e
    where e.entity_id in (select m.entity_id from mentions m join documents d using (doc_id)
                          where d.run_id = ? and d.status = 'loaded')"""


def validate_entities(con, run_id: str, quality_dir: str | Path) -> pd.DataFrame:
    """Run the entities suite on the entities the run's articles mention (read through a warehouse
    connection after the run's load); returns quality_results rows, none when the run mentions none."""
    entities = con.execute(RUN_ENTITIES_SQL, [run_id]).df()
    if entities.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    rows, _ = run_suite("entities", entities, run_id, quality_dir)
    return rows
