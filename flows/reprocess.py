"""The news-etl-reprocess flow: stages run again on the texts the warehouse keeps, batch by batch.

When a stage improves (a new rule, a retrained model, a new theme), the archive catches up: the
documents selected get the stage and those downstream of it again, with the same batching and
quality gate as a run, and each batch's old rows are swapped for the new ones in one commit.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from newsetl.expectations.gate import gate_batch, open_file_context, quarantine_docs, run_suite
from newsetl.flows import progress, stopping
from newsetl.flows.batches import batch_runner, run_batches, runs_here
from newsetl.transforms import cluster, quote, search, storage, tag, themes, versions
from newsetl.transforms.batch_tables import BatchTables
from newsetl.transforms.codes import CLEAN, COMPLETED, QUOTE, STORIES, TAG, THEMES
from newsetl.transforms.faults import fault_point
from newsetl.transforms.ingest import DecodedFile
from newsetl.transforms.settings import Settings


def _quarantine_rejected(tables: BatchTables, rejected: pd.DataFrame, run_id: str) -> None:
    quarantine_docs(tables, {r.doc_id: (r.stage, r.reason, r.detail) for r in rejected.itertuples()}, run_id)


@task(cache_policy=NONE, retries=2, retry_delay_seconds=2)
def reprocess_batch(doc_ids: list[str], stages: list[str], run_id: str, part: str, settings: Settings) -> dict:
    """The stages again for one batch, on whichever worker takes it: the new rows go to Parquet there,
    and only their count and the stage versions that made them come back; the flow commits the batch.
    """
    fault_point("reprocess")
    wh, quality_dir = settings.warehouse_dir, str(Path(settings.warehouse_dir) / "quality")
    stored = storage.read_for_reprocess(wh, doc_ids, stages)
    tables = BatchTables(documents=stored.documents, articles=stored.articles, mentions=stored.mentions)
    if CLEAN in stages:
        from newsetl.transforms import clean  # with trafilatura, a fifth of a second to import: only when clean runs again

        decoded = {d: DecodedFile(text=t, encoding="", content_type=c) for d, (t, c) in stored.texts.items()}
        tables.articles, rejected = clean.clean_batch(stored.documents, decoded, settings.limits())
        _quarantine_rejected(tables, rejected, run_id)
        tables.search_terms, rejected = search.search_terms_batch(tables.articles)
        _quarantine_rejected(tables, rejected, run_id)
    if TAG in stages:
        tables.mentions, tables.entity_aliases, rejected = tag.tag_batch(tables.articles)
        _quarantine_rejected(tables, rejected, run_id)
    if THEMES in stages:
        tables.themes, rejected = themes.themes_batch(tables.articles)
        _quarantine_rejected(tables, rejected, run_id)
    if QUOTE in stages:
        tables.quotes, rejected = quote.quotes_of(tables.articles, tables.mentions)
        _quarantine_rejected(tables, rejected, run_id)
    made = {table for stage in stages for table in storage.STAGE_TABLES.get(stage, ())}
    tables = gate_batch(tables, run_id, quality_dir, made=made)
    # Only what the stages make is written; a document the gate rejected keeps its old rows.
    kept = tables.articles["doc_id"]
    tables.stage_versions = versions.stage_rows(kept, run_id, stages)
    written = {"stage_versions": tables.stage_versions, "entity_aliases": tables.entity_aliases,
               "quarantine": tables.quarantine, "quality_results": tables.quality_results,
               "reprocessed": _reprocessed_rows(stored.versions[stored.versions["doc_id"].isin(kept)], kept, stages,
                                                run_id, part),
               **{table: getattr(tables, table) for table in made}}
    for table, frame in written.items():
        storage.write_part(wh, table, frame, run_id, part)
    installed = versions.stage_versions()
    return {"documents": len(kept), "versions": {stage: installed[stage] for stage in stages}}


@task(cache_policy=NONE)
def restory(warehouse_dir: str, run_id: str) -> int:
    """Cluster the whole archive again and stage it as the reprocess's part "stories"; returns its articles.

    A story spans documents, so the stories stage runs on all of them at once, in the flow's process,
    after the batches (whose bodies it reads, when clean ran again). Story ids stay where stories stay
    (cluster.recluster). A critical failure of the stories suite stages nothing: the old stories stay.
    """
    quality_dir = Path(warehouse_dir) / "quality"
    signatures = pd.concat([cluster.signatures(chunk) for chunk in storage.story_inputs(warehouse_dir)],
                           ignore_index=True)
    previous, before = storage.stories_before(warehouse_dir)
    signatures, stories = cluster.recluster(signatures, previous)
    results, _ = run_suite("stories", stories, run_id, quality_dir)
    failed = results[results["critical"] & ~results["success"].astype(bool)]
    if not failed.empty:
        raise RuntimeError(f"the stories suite failed ({', '.join(failed['expectation'])}): stories left as they were")
    kept = signatures["doc_id"]
    for table, frame in {"signatures": signatures, "stories": stories.assign(run_id=run_id),
                         "stage_versions": versions.stage_rows(kept, run_id, [STORIES]), "quality_results": results,
                         "reprocessed": _reprocessed_rows(before, kept, [STORIES], run_id, "stories")}.items():
        storage.write_part(warehouse_dir, table, frame, run_id, "stories")
    return len(kept)


def _reprocessed_rows(before: pd.DataFrame, kept: pd.Series, stages: list[str], run_id: str, part: str) -> pd.DataFrame:
    """Documents reprocessed per stage and the version they had before (none: the stage never ran on them)."""
    after = versions.stage_versions()
    rows = [{"run_id": run_id, "part": part, "stage": stage, "documents": count, "version_before": version,
             "version_after": after[stage]}
            for (stage, version), count in before.groupby(["stage", "version"], dropna=False).size().items()]
    rows += [{"run_id": run_id, "part": part, "stage": stage, "version_after": after[stage], "version_before": None,
              "documents": int((~kept.isin(before.loc[before["stage"] == stage, "doc_id"])).sum())} for stage in stages]
    frame = pd.DataFrame(rows)
    return frame[frame["documents"] > 0]


def _reprocess(settings: Settings, run_id: str, stages: list[str], installed: dict, doc_ids: list[str], logger) -> int:
    """The selected documents through the per-document stages in batches, each committed as it comes back,
    then the stories of the whole archive if asked; the number of documents replaced."""
    # Stages that run per document, in batches; stories run once, on the whole archive, after them.
    per_document = [stage for stage in stages if stage != STORIES]
    batches = [doc_ids[i:i + settings.batch_size] for i in range(0, len(doc_ids), settings.batch_size)
               ] if per_document else []
    logger.info("reprocess %s: stages %s for %d documents in %d batches", run_id, ", ".join(stages),
                len(doc_ids), len(batches))
    reporter = progress.current(logger)
    reporter.planned(len(doc_ids), len(batches))
    replaced = 0

    # One commit per batch, in the order they were submitted: a reprocess killed half way keeps
    # its committed batches, and the next `--outdated` call takes up exactly what is left.
    def commit(batch: dict, future) -> None:
        nonlocal replaced
        made = future.result()
        if made["versions"] != {stage: installed[stage] for stage in per_document}:
            raise RuntimeError(f"a worker runs other stage versions ({made['versions']}) than this flow: "
                               "install the same newsetl on every worker")
        replaced += storage.commit_reprocessed(writer, settings.warehouse_dir, run_id, batch["part"], per_document)
        reporter.batch_done(len(batch["doc_ids"]))

    # One write connection for every commit: opening one (attach, schema check) costs a third of a second.
    with storage.connect(settings.warehouse_dir) as writer, batch_runner(settings, len(doc_ids)) as runner:
        if batches:
            open_file_context(Path(settings.warehouse_dir) / "quality", in_background=runs_here(runner))
        run_batches(runner, reprocess_batch, [
            {"doc_ids": batch, "stages": per_document, "run_id": run_id, "part": f"batch-{number:05d}",
             "settings": settings} for number, batch in enumerate(batches)], commit)
        if STORIES in stages and doc_ids:
            reporter.stage("stories")
            restory(settings.warehouse_dir, run_id)
            clustered = storage.commit_reprocessed(writer, settings.warehouse_dir, run_id, "stories", [STORIES])
            replaced = replaced if per_document else clustered
    return replaced


@flow(name="news-etl-reprocess", log_prints=True)
def news_etl_reprocess(stages: list[str], warehouse_dir: str | None = None, outdated: bool = False,
                       since: str | None = None, limit: int | None = None, batch_size: int | None = None,
                       workers: int | None = None, dask_address: str | None = None) -> dict:
    """Run the named stages, and those downstream of them, again on the selected documents.

    outdated selects exactly the documents whose recorded version of a stage differs from the
    installed one; since, those published on or after a date; limit caps the number. Batches of
    batch_size documents (NEWSETL_REPROCESS_BATCH_SIZE, 1000) run where a run's do (workers,
    dask_address) and are committed here one by one. The stories stage, when it runs, clusters the
    whole archive again after them, in one commit.
    """
    logger = get_run_logger()
    settings = Settings.resolve(warehouse_dir=warehouse_dir, reprocess_batch_size=batch_size, workers=workers,
                                dask_address=dask_address).for_reprocess()
    stages = versions.with_downstream(stages)
    installed = versions.stage_versions()
    started = datetime.now(timezone.utc)
    run_id = started.strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:6]
    runs_row = {"run_id": run_id, "flow_run_id": str(flow_run.get_id() or ""), "started_at": started,
                "kind": "reprocess", "newsetl_version": versions.newsetl_version(),
                "stage_versions": json.dumps(installed)}
    stopping.take_back_signals()
    with storage.RunLock(settings.warehouse_dir, run_id):
        storage.begin_run(settings.warehouse_dir, runs_row)
        stopping.running(run_id)
        try:
            doc_ids = storage.documents_to_reprocess(settings.warehouse_dir, stages, installed, outdated, since, limit)
            replaced = _reprocess(settings, run_id, stages, installed, doc_ids, logger)
        except BaseException as exc:
            storage.record_failed_run(settings.warehouse_dir, {
                **runs_row, "finished_at": datetime.now(timezone.utc), "message": f"{type(exc).__name__}: {exc}"})
            raise
        storage.record_run(settings.warehouse_dir, {
            **runs_row, "finished_at": datetime.now(timezone.utc), "files_seen": 0, "loaded": replaced,
            "quarantined": len(doc_ids) - replaced, "duplicates": 0, "status": COMPLETED})
    return {"run_id": run_id, "stages": stages, "selected": len(doc_ids), "reprocessed": replaced}
