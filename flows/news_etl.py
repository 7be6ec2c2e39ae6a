"""The news-etl flow: one task per batch runs its stages where a worker is, then clustering, validation and the load."""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.runtime import flow_run
from prefect.states import Failed

from newsetl.expectations.gate import build_docs, gate_batch, open_file_context, quarantine_docs, run_suite, validate_entities
from newsetl.expectations.health import health_checks
from newsetl.flows import alerts, batch_progress, disk_full, landing, progress, stopping
from newsetl.flows.batches import batch_runner, give_back_memory, run_batches, runs_here
from newsetl.transforms import clean, cluster, diskspace, ingest, quote, search, storage, tag, themes, versions
from newsetl.transforms.batch_tables import BatchTables
from newsetl.transforms.codes import DUPLICATE, LOADED, QUARANTINED
from newsetl.transforms.faults import fault_point
from newsetl.transforms.report import build_report
from newsetl.transforms.settings import Settings

STAGED_TABLES = ("documents", "texts", "articles", "mentions", "entity_aliases", "themes", "quotes", "search_terms",
                 "stage_versions", "quarantine", "quality_results")


def _quarantine_rejected(tables: BatchTables, rejected: pd.DataFrame, run_id: str) -> None:
    """Documents a stage could not process leave the batch with their stage and reason; the rest go on."""
    quarantine_docs(tables, {r.doc_id: (r.stage, r.reason, r.detail) for r in rejected.itertuples()}, run_id)


def ingest_batch(files: list, run_id: str, limits) -> tuple[BatchTables, dict]:
    """Read and decode one batch of planned files."""
    fault_point("ingest")
    documents, texts = ingest.read_batch(files, run_id, limits)
    # The decoded texts are kept, so that a later reprocess does not need the landing folder.
    tables = BatchTables(documents=documents, texts=pd.DataFrame(
        [{"doc_id": d, "content_type": t.content_type, "text": t.text} for d, t in texts.items()],
        columns=["doc_id", "content_type", "text"]))
    quarantine_docs(tables, {r.doc_id: ("ingest", r.reason, r.source_path)
                             for r in documents[documents["status"] == QUARANTINED].itertuples()}, run_id)
    return tables, texts


def clean_batch(ingested, run_id: str, limits) -> BatchTables:
    """Boilerplate out, metadata in."""
    fault_point("clean")
    tables, texts = ingested
    tables.articles, rejected = clean.clean_batch(tables.documents, texts, limits)
    _quarantine_rejected(tables, rejected, run_id)
    return tables


def tag_batch(tables: BatchTables, known_entity_ids: frozenset, run_id: str, done=None) -> BatchTables:
    """Entity mentions, canonical entities, themes, quotations with their speakers, and search terms;
    done: told the articles tagged so far (flows/batch_progress.py)."""
    fault_point("tag")
    if not tables.articles.empty:
        tables.mentions, tables.entity_aliases, tagging = tag.tag_batch(tables.articles, known_entity_ids, done)
        tables.themes, theming = themes.themes_batch(tables.articles)
        tables.quotes, quoting = quote.quotes_of(tables.articles, tables.mentions)
        tables.search_terms, indexing = search.search_terms_batch(tables.articles)
        _quarantine_rejected(tables, pd.concat([tagging, theming, quoting, indexing], ignore_index=True), run_id)
    return tables


def validate_batch(tables: BatchTables, run_id: str, quality_dir: str) -> BatchTables:
    """Great Expectations checkpoints on the batch; critical failures go to quarantine."""
    fault_point("validate")
    return gate_batch(tables, run_id, quality_dir)


def stage_batch(tables: BatchTables, warehouse_dir: str, run_id: str, part: str) -> dict[str, int]:
    """Write the batch's tables, and the story signatures of its articles, as Parquet parts of this run;
    returns its document counts by status."""
    tables.stage_versions = versions.stage_rows(tables.articles.get("doc_id", []), run_id)
    for name in STAGED_TABLES:
        storage.write_part(warehouse_dir, name, getattr(tables, name), run_id, part)
        fault_point("stage")
    storage.write_part(warehouse_dir, "signatures", cluster.signatures(tables.articles), run_id, part)
    return tables.documents["status"].value_counts().to_dict()


def _worth_retrying(task, task_run, state) -> bool:
    """A full disk is still full on the next attempt: a batch or a load that filled one is not tried again."""
    return not diskspace.is_disk_full(state.result(raise_on_failure=False))


@task(cache_policy=NONE, retries=2, retry_delay_seconds=2, retry_condition_fn=_worth_retrying)
def process_batch(files: list, warehouse_dir: str, quality_dir: str, run_id: str, part: str, limits,
                  known_entity_ids: frozenset, progress_dir: str | None = None) -> dict[str, int]:
    """Every per-batch stage in one task, on whichever worker takes it: the batch's tables go to Parquet
    there and only its counts come back, so no table crosses between processes or machines.

    One task per batch rather than per stage: between worker processes, every hop from one stage task
    to the next would pickle the batch's frames and could move them to another worker.
    """
    counts = _batch_stages(files, warehouse_dir, quality_dir, run_id, part, limits, known_entity_ids,
                           batch_progress.teller(progress_dir, part))
    give_back_memory()  # the batch's frames went with _batch_stages's locals
    return counts


def _batch_stages(files: list, warehouse_dir: str, quality_dir: str, run_id: str, part: str, limits,
                  known_entity_ids: frozenset, done=None) -> dict[str, int]:
    ingested = ingest_batch(files, run_id, limits)
    cleaned = clean_batch(ingested, run_id, limits)
    tagged = tag_batch(cleaned, known_entity_ids, run_id, done)
    validated = validate_batch(tagged, run_id, quality_dir)
    return stage_batch(validated, warehouse_dir, run_id, part)


@task(cache_policy=NONE)
def open_quality_context(quality_dir: str) -> None:
    """The run's Great Expectations file context, opened before any batch validates in it."""
    open_file_context(quality_dir)


@task(cache_policy=NONE)
def cluster_run(warehouse_dir: str, run_id: str, quality_dir: str) -> int:
    """Assign this run's articles to stories, joining stories already in the warehouse."""
    fault_point("cluster")
    fresh = storage.read_staged(warehouse_dir, "signatures", run_id)  # each batch's, made on its worker
    if fresh.empty:
        return 0
    known = storage.story_candidates(warehouse_dir, fresh, cluster.LSH_BANDS, cluster.LSH_ROWS)
    signatures, stories = cluster.assign_stories(fresh, known)
    results, _ = run_suite("stories", stories, run_id, quality_dir)
    storage.replace_parts(warehouse_dir, "signatures", signatures, run_id, "all")
    storage.write_part(warehouse_dir, "stories", stories.assign(run_id=run_id), run_id, "all")
    storage.write_part(warehouse_dir, "quality_results", results, run_id, "stories")
    return stories["story_id"].nunique()


@task(cache_policy=NONE, retries=1, retry_delay_seconds=5, retry_condition_fn=_worth_retrying)
def load_run(warehouse_dir: str, run_id: str, runs_row: dict, quality_dir: str) -> None:
    """The run's staged Parquet -> the lake, one commit, with the checks that need the run in place."""
    def run_checks(con) -> pd.DataFrame:
        return pd.concat([health_checks(con, run_id), validate_entities(con, run_id, quality_dir)], ignore_index=True)

    storage.load_run(warehouse_dir, run_id, runs_row, run_checks)


def publish_report(warehouse_dir: str, run_id: str) -> Path | None:
    """The maintainers' report from the warehouse, rebuilt after every run (failed ones too), and its artifact."""
    quality_dir = Path(warehouse_dir) / "quality"
    try:
        with storage.connect(warehouse_dir, read_only=True) as con:
            page, markdown = build_report(con, quality_dir, warehouse=Path(warehouse_dir).resolve())
        build_docs(quality_dir, run_id)
    except FileNotFoundError:
        return None  # nothing was ever committed: no report to make
    except Exception:  # the run's data is committed either way; a report that cannot be made must not undo it
        get_run_logger().exception("the quality report could not be made; `newsetl report` retries it")
        return None
    create_markdown_artifact(markdown=markdown, key="news-etl-quality-report", description="newsetl data-quality report")
    return page


def _mark_crashed(dead_runs: list[dict]) -> None:
    """Runs that died before they finished show as crashed in Prefect too, not as running forever."""
    from prefect.client.orchestration import get_client
    from prefect.states import Crashed

    logger = get_run_logger()
    for run in dead_runs:
        logger.warning("run %s died before it finished; marked failed", run["run_id"])
        if not run.get("flow_run_id"):
            continue
        try:
            with get_client(sync_client=True) as client:
                client.set_flow_run_state(uuid.UUID(run["flow_run_id"]), Crashed(
                    message="the run died before it finished; marked by a later newsetl run"), force=True)
        except Exception as exc:  # the flow run may live on another Prefect server: the warehouse row is the record
            logger.warning("could not mark flow run %s crashed in Prefect: %s", run["flow_run_id"], exc)


@flow(name="news-etl", log_prints=True)
def news_etl(input_dir: str | None = None, warehouse_dir: str | None = None, batch_size: int | None = None,
             limits: dict[str, int] | None = None, workers: int | None = None, dask_address: str | None = None,
             notify: str | None = None, notify_on: str | None = None, fail_on_quality: bool = False) -> dict:
    """Landing folder -> validated, tagged warehouse; returns the run's counts.

    Parameters left out come from NEWSETL_INPUT, NEWSETL_WAREHOUSE, NEWSETL_BATCH_SIZE, the NEWSETL_MAX_*
    limits, NEWSETL_WORKERS, NEWSETL_DASK_ADDRESS, NEWSETL_NOTIFY and NEWSETL_NOTIFY_ON, read now; limits
    overrides IngestLimits by name (max_file_bytes, ...). fail_on_quality: a FAIL verdict ends the flow run
    Failed, its first failures as the state's message (prefect.yaml sets it for the deployments).
    """
    settings = Settings.resolve(input_dir=input_dir, warehouse_dir=warehouse_dir, batch_size=batch_size,
                                workers=workers, dask_address=dask_address, notify=notify, notify_on=notify_on,
                                **(limits or {}))
    started = datetime.now(timezone.utc)
    run_id = started.strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:6]
    runs_row = {"run_id": run_id, "flow_run_id": str(flow_run.get_id() or ""), "started_at": started, "kind": "run",
                "newsetl_version": versions.newsetl_version(), "stage_versions": json.dumps(versions.stage_versions())}
    stopping.take_back_signals()
    # One run at a time: a second one is refused here, before it touches anything.
    with storage.RunLock(settings.warehouse_dir, run_id):
        last, max_age = alerts.last_commit(settings, started)
        dead_runs = storage.begin_run(settings.warehouse_dir, runs_row)
        stopping.running(run_id)
        _mark_crashed(dead_runs)
        alerts.alert_found(settings, run_id, dead_runs, last, max_age, started)
        diskspace.hold_reserve(settings.warehouse_dir)
        try:
            settings.require_input()  # a landing folder gone (unmounted, say) is a failed run in the report
            counts = _process(settings, run_id, runs_row)
        except BaseException as exc:
            stopped = isinstance(exc, stopping.Stopped)
            full = None if stopped else disk_full.explain(exc, settings.warehouse_dir)
            if full is not None:  # room to record why: the reserve, and what the run staged (it never counts)
                diskspace.release_reserve(settings.warehouse_dir)
                storage.remove_staged(settings.warehouse_dir, run_id)
            cause = full or exc
            failure, report = str(exc) if stopped else f"{type(cause).__name__}: {cause}", None
            try:
                storage.record_failed_run(settings.warehouse_dir, {
                    **runs_row, "finished_at": datetime.now(timezone.utc), "message": failure})
                if not stopped and full is None:  # a stopped or full-disk run ends in seconds, without its report
                    report = publish_report(settings.warehouse_dir, run_id)
            finally:
                alerts.alert_run(settings, run_id, report, failure)
            if full is not None:
                raise full from exc
            raise
        fault_point("report")
        reporting = time.perf_counter()
        report = publish_report(settings.warehouse_dir, run_id)
        counts["report"] = str(report)
        get_run_logger().info("report seconds: %.2f", time.perf_counter() - reporting)
        outcome = alerts.alert_run(settings, run_id, report, needed=fail_on_quality)
        if fail_on_quality and outcome is not None and outcome.verdict == "FAIL":
            return Failed(message=outcome.state_message(), data=counts)
        return counts


class _PhaseClock:
    """Seconds of each phase, for the log: a phase whose cost grows with the archive shows (benchmarks/scaling.py)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._lap = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._lap, 2)
        self._lap = now


def _survey(settings: Settings, reporter) -> ingest.Survey:
    """The landing folder, listed and hashed once: files already accounted for get no task, so a run's cost
    follows its new files; later copies of the same bytes in this run are duplicates of the first. `newsetl run`
    has listed and hashed the folder already (flows/landing.py)."""
    fault_point("list")
    handed = landing.taken(settings.input_dir, settings.warehouse_dir, settings.limits())
    if handed is not None:
        return handed.survey
    survey = ingest.survey_files(settings.input_dir, storage.known_files(settings.warehouse_dir), settings.limits())
    reporter.hashing(survey.listed)
    return survey


def _run_batches(settings: Settings, run_id: str, batches: list, quality_dir: str, reporter) -> dict[str, int]:
    """Every batch through the stages on the run's task runner; documents counted by status."""
    warehouse_dir, limits = settings.warehouse_dir, settings.limits()
    known_entity_ids = storage.known_entity_ids(warehouse_dir)
    status_counts: dict[str, int] = {}
    reporter.planned(sum(len(b) for b in batches), len(batches))

    def collect(parameters, future) -> None:
        batch = future.result()
        for status, count in batch.items():
            status_counts[status] = status_counts.get(status, 0) + count
        watch.batch_done(parameters["part"], sum(batch.values()))

    with batch_runner(settings, sum(len(b) for b in batches)) as runner, batch_progress.watching(reporter) as watch:
        if batches and not runs_here(runner):
            # On a worker, which loads Great Expectations for its batches anyway: this process imports it
            # only for the run's end, once the workers have given back their memory (150 MB less at the peak).
            runner.submit(open_quality_context, {"quality_dir": quality_dir}).result()
        elif batches:
            open_file_context(quality_dir, in_background=True)
        # Largest batches first: the run waits for its last batch, and a large one taken last leaves the
        # other workers idle (throughput.py's HTML pages, last in name order: 2 workers idled 20 of 72 s).
        run_batches(runner, process_batch, [
            {"files": batch, "warehouse_dir": warehouse_dir, "quality_dir": quality_dir, "run_id": run_id,
             "part": f"batch-{number:05d}", "limits": limits, "known_entity_ids": known_entity_ids,
             "progress_dir": watch.folder}
            for number, batch in sorted(enumerate(batches), key=lambda numbered: -ingest.bytes_to_read(numbered[1]))],
            collect)
    return status_counts


def _run_counts(warehouse_dir: str, run_id: str, survey, status_counts: dict[str, int], stories: int) -> dict:
    """The run's counts for its summary and its runs row, from the batches and the staged tables."""
    counts = {"files_seen": survey.listed, "new_documents": sum(status_counts.values()),
              "loaded": status_counts.get(LOADED, 0), "quarantined": status_counts.get(QUARANTINED, 0),
              "duplicates": status_counts.get(DUPLICATE, 0),
              "already_in_warehouse": survey.known, "stories_touched": stories}
    languages = storage.read_staged(warehouse_dir, "articles", run_id, ["language"])["language"]
    counts["non_german_articles"] = int((languages != "de").sum())
    quality = storage.read_staged(warehouse_dir, "quality_results", run_id)
    counts["failed_expectations"] = int((~quality["success"].astype(bool)).sum()) if not quality.empty else 0
    return counts


def _process(settings: Settings, run_id: str, runs_row: dict) -> dict:
    """The stages of one run, from listing the landing folder to the load."""
    logger = get_run_logger()
    warehouse_dir = settings.warehouse_dir
    quality_dir = str(Path(warehouse_dir) / "quality")
    reporter = progress.current(logger)
    clock = _PhaseClock()

    survey = _survey(settings, reporter)
    batches = list(ingest.batches(survey.plan, settings.batch_size))
    logger.info("run %s: %d files under %s, %d new, %d already in the warehouse",
                run_id, survey.listed, settings.input_dir, sum(len(b) for b in batches), survey.known)
    clock.done("list_and_hash")
    status_counts = _run_batches(settings, run_id, batches, quality_dir, reporter)
    clock.done("batches")
    reporter.stage("stories")
    stories = cluster_run(warehouse_dir, run_id, quality_dir)
    clock.done("stories")

    counts = _run_counts(warehouse_dir, run_id, survey, status_counts, stories)
    reporter.stage("loading the warehouse")
    load_run(warehouse_dir, run_id, {
        **runs_row, "finished_at": datetime.now(timezone.utc), "files_seen": survey.listed,
        "loaded": counts["loaded"], "quarantined": counts["quarantined"], "duplicates": counts["duplicates"]},
        quality_dir)
    clock.done("load")
    logger.info("stage counts: %s", counts)
    logger.info("phase seconds: %s", json.dumps(clock.seconds))
    return {"run_id": run_id, **counts}


if __name__ == "__main__":
    from newsetl.flows import use_state_dir

    use_state_dir()
    news_etl()
