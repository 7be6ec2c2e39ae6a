"""Stage costs: CPU seconds of each per-batch stage on real articles, beside the NER model's own time.

    python benchmarks/stage_costs.py [--articles 500] [--profile FILE.pstats]

Runs the stages of flows/news_etl.py's batch task (ingest, clean, tag, themes, search terms,
validation, story signatures, staging) in this process, without Prefect, on the landing folder
benchmarks/throughput.py builds (HTML pages in the same share as in its 2,000 files), in batches of
the default size, after loading every model once. The NER model's own time is spaCy's `nlp.pipe`
over the bodies; the tag stage is then timed on those documents, so that it counts the rules,
the gazetteer and the merging only. The issue's target: everything but the NER model at most 30 % of its time.
--profile writes a cProfile of the stages for `python -m pstats` or snakeviz.
"""
from __future__ import annotations

import cProfile
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, argument_parser, corpus_missing
from throughput import build_landing

sys.path.insert(0, str(ROOT))

TARGET_SHARE = 0.30


class Replay:
    """A stand-in NER model that hands back documents the real one made."""

    def __init__(self, docs):
        self.docs = iter(docs)

    def pipe(self, texts, batch_size=None):
        return [next(self.docs) for _ in texts]


class Clock:
    """CPU seconds per named stage."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def timed(self, name: str, call, *args):
        started = time.process_time()
        result = call(*args)
        self.seconds[name] = self.seconds.get(name, 0.0) + time.process_time() - started
        return result


def run_stages(landing: Path, workdir: Path, batch_size: int, clock: Clock) -> int:
    from newsetl.expectations.gate import open_file_context
    from newsetl.flows.news_etl import clean_batch, ingest_batch, stage_batch, validate_batch
    from newsetl.transforms import cluster, ingest, quote, search, tag, themes

    limits = ingest.IngestLimits()
    plan = list(ingest.batches(ingest.plan_files(landing, frozenset(), limits), batch_size))
    load_model = tag.load_model
    model = load_model()
    quality = str(workdir / "warehouse" / "quality")
    open_file_context(quality)
    articles = 0
    for number, batch in enumerate(plan):
        ingested = clock.timed("ingest", ingest_batch, batch, "r1", limits)
        tables = clock.timed("clean", clean_batch, ingested, "r1", limits)
        bodies = tables.articles["body"].tolist()
        articles += len(bodies)
        # The pieces and groups the tag stage gives the model, so that the replay matches them one to one.
        pieces = [piece for body in bodies for _, piece in tag.model_pieces(body)]
        docs = clock.timed("NER model (nlp.pipe)", lambda pieces=pieces: list(tag._pipe(model, pieces)))
        # The tag stage given the model's output just made, so that its time is everything but the model.
        tag.load_model = lambda docs=docs: Replay(docs)
        tables.mentions, tables.entity_aliases, _ = clock.timed("tag rules and gazetteer", tag.tag_batch, tables.articles)
        tag.load_model = load_model
        tables.themes, _ = clock.timed("themes", themes.themes_batch, tables.articles)
        tables.quotes, _ = clock.timed("quotes", quote.quotes_of, tables.articles, tables.mentions)
        tables.search_terms, _ = clock.timed("search terms", search.search_terms_batch, tables.articles)
        tables = clock.timed("validate (GX)", validate_batch, tables, "r1", quality)
        clock.timed("story signatures", cluster.signatures, tables.articles)
        clock.timed("stage (Parquet)", stage_batch, tables, str(workdir / "warehouse"), "r1", f"b{number}")
    return articles


def main() -> int:
    parser = argument_parser(__doc__, articles=500)
    parser.add_argument("--batch-size", type=int, default=250)
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args()
    if corpus_missing():
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="newsetl-stages-"))
    built = build_landing(workdir / "landing", args.articles)
    from newsetl.expectations.suites import preload as preload_expectations
    from newsetl.transforms.preload import preload

    clock = Clock()
    clock.timed("load models (once per process)", lambda: (preload(), preload_expectations()))
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    articles = run_stages(workdir / "landing", workdir, args.batch_size, clock)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    seconds = clock.seconds
    ner = seconds["NER model (nlp.pipe)"]
    per_batch = {k: v for k, v in seconds.items() if not k.startswith(("load", "NER"))}
    result = {**built, "articles": articles, "load_average": round(os.getloadavg()[0], 2),
              "cpu_s": {k: round(v, 2) for k, v in seconds.items()},
              "non_ner_cpu_s": round(sum(per_batch.values()), 2),
              "non_ner_share_of_ner": round(sum(per_batch.values()) / ner, 3)}
    print(json.dumps(result))
    print(f"\n{articles} articles from {built['files']} files, load average {result['load_average']}")
    print(f"  {'stage':<32} {'CPU s':>7} {'% of NER':>9}")
    for name, value in sorted(seconds.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<32} {value:>7.2f} {100 * value / ner:>8.0f}%")
    print(f"  {'all but NER and model loading':<32} {result['non_ner_cpu_s']:>7.2f} "
          f"{100 * result['non_ner_share_of_ner']:>8.0f}%  (target <= {100 * TARGET_SHARE:.0f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
