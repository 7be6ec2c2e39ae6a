"""Score HTML extraction on the German gold corpus: the product path against plain trafilatura.

Run: .venv/bin/python benchmarks/eval_extraction.py [--corpus DIR] [--json-only] [--write-baseline]
                                                     [--misses FILE]

Parts: the corpus is split by site into a tuning part (about two thirds of the sites) and a frozen
check part, by a hash of the page's site (the last two labels of the host name of its `url`):
sha256(site) mod 3 == 0 is check, the rest tuning. The split is committed in
benchmarks/extraction_split.json (site -> part) and the script refuses to run when the rule and
the committed file disagree. Both parts are scored side by side; per-page misses (--misses) are
written for the tuning part only: nobody reads check pages one by one, so they stay unseen.

Systems: "product" is the flow's path (raw .html.gz bytes -> newsetl.transforms.ingest.decode ->
newsetl.transforms.clean.clean_article, which calls newsetl.transforms.html_extract.extract_html);
"trafilatura" is plain trafilatura with its defaults: extract() on the gunzipped bytes for the
body, extract_metadata() for title, date and author.

Scores (each system gets the same pages in the same run):
- snippets: every `with` snippet found in the body is a TP, missing a FN; every `without`
  snippet found is a FP. Matching is substring after collapsing whitespace on both sides.
  P, R and F1 are micro-averaged over all snippets of the corpus.
- title, date, author accuracy: share of the pages whose gold gives a value for the field that
  the system got right (an empty gold value is read as "not annotated": many pages declare a
  date or an author the gold leaves empty). The *_strict figures count the empty gold values
  too, as "must return nothing".
  - title: equal after collapsing whitespace, either the headline alone or the title as the
    outlet prints it, kicker + ": " + headline: the gold writes some titles with their kicker
    ("Topic: Headline"), others without.
  - date: the same calendar day (a datetime counts by its date); a gold date written
    year-day-month (month > 12) is read as the day it means.
  - authors: the gold string is split into names on ",", ";", "&", "/" and " und "; both
    sides are compared as sets of names after collapsing whitespace and casefolding. The
    gold credits agencies in the same field ("dpa, lno"), so the product's credit is its
    authors plus its agency; trafilatura's author string is split like the gold.
- pages/s: pages per CPU second of the system's own calls (process time, one core), so the
  figure does not move with other load on the machine. For the product, extract_pages_per_second
  counts newsetl.transforms.html_extract.extract_html alone (trafilatura inside it included; decoding,
  language detection and the rest of clean_article left out): the extractor's own speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
BASELINE = REPO_ROOT / "benchmarks" / "baselines" / "extraction.json"
SPLIT = REPO_ROOT / "benchmarks" / "extraction_split.json"
PARTS = ("tuning", "check")
CHECK_SHARE = 3  # one site in three goes to the check part
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))  # run as a script, the repo's packages must still import
SCORE_KEYS = ("snippet_precision", "snippet_recall", "snippet_f1", "title_accuracy",
              "date_accuracy", "author_accuracy")
_WS = re.compile(r"\s+")
_NAME_SPLIT = re.compile(r"\s*(?:[,;&/]|\bund\b)\s*")


def default_corpus() -> Path:
    """Corpus folder: $NEWSETL_CORPORA or ../shared/corpora next to the repo, + extraction-de."""
    base = os.environ.get("NEWSETL_CORPORA") or str(REPO_ROOT.parent / "shared" / "corpora")
    return Path(base) / "extraction-de"


def site_of(url: str) -> str:
    """The site a page belongs to: the last two labels of its host name ("www.br.de", "br.de" -> "br.de")."""
    host = (urlsplit(url).hostname or "").lower()
    return ".".join(host.split(".")[-2:])


def part_of(site: str) -> str:
    """The split rule: a hash of the site, so the parts never change with the corpus' order or size."""
    return "check" if int(hashlib.sha256(site.encode()).hexdigest(), 16) % CHECK_SHARE == 0 else "tuning"


def split_pages(pages: list[dict]) -> dict[str, list[dict]]:
    """The pages of each part; fails when the committed split and the rule disagree."""
    committed = json.loads(SPLIT.read_text(encoding="utf-8"))
    parts: dict[str, list[dict]] = {part: [] for part in PARTS}
    for rec in pages:
        site = site_of(rec["url"])
        if committed.get(site) != part_of(site):
            raise SystemExit(f"{SPLIT.name}: {site} is {committed.get(site)!r}, the rule says {part_of(site)!r}")
        parts[part_of(site)].append(rec)
    return parts


def load_pages(corpus: Path) -> list[dict]:
    """Gold records with the raw (gzipped) page bytes attached under `raw`."""
    gold = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))
    for rec in gold:
        rec["raw"] = (corpus / "pages" / rec["file"]).read_bytes()
    return gold


def _norm(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def _names(value) -> frozenset[str]:
    parts = value if isinstance(value, list) else _NAME_SPLIT.split(value or "")
    return frozenset(n for n in (_norm(p).casefold() for p in parts) if n)


def _gold_day(value: str | None) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value or "")
    if m and int(m.group(2)) > 12:
        return f"{m.group(1)}-{m.group(3)}-{m.group(2)}"
    return value or ""


def _day(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")[:10]


def _printed_title(gold: str | None, out: dict) -> str:
    """The headline, or kicker: headline when that is how the gold writes the title."""
    title = _norm(out["title"])
    with_kicker = _norm(f"{out['kicker']}: {title}") if out.get("kicker") else title
    return with_kicker if with_kicker == _norm(gold) else title


def product_system():
    """The flow's path: ingest.decode on the raw bytes, then clean.clean_article."""
    from newsetl.transforms import clean  # no fallback: the benchmark must test the flow's code
    from newsetl.transforms.ingest import decode

    def run(rec: dict) -> dict:
        spent = []

        def timed_extract(html: str):
            start = time.process_time()
            try:
                return extract(html)
            finally:
                spent.append(time.process_time() - start)

        doc = decode(rec["raw"], rec["file"])
        extract = clean.extract_html
        with mock.patch.object(clean, "extract_html", timed_extract):  # the extractor's own CPU time
            art = clean.clean_article(doc.text, doc.content_type)
        credit = list(art.get("authors") or []) + ([art["agency"]] if art.get("agency") else [])
        return {"body": art.get("body") or "", "title": art.get("title"), "kicker": art.get("kicker"),
                "date": art.get("published_at"), "authors": credit, "extract_seconds": sum(spent)}
    return run


def trafilatura_system():
    """Plain trafilatura with default settings: extract() for the body, extract_metadata() for the rest."""
    import trafilatura
    from trafilatura.utils import decode_file

    def run(rec: dict) -> dict:
        html = gzip.decompress(rec["raw"])
        body = trafilatura.extract(html, url=rec["url"]) or ""
        meta = trafilatura.extract_metadata(decode_file(html), default_url=rec["url"])
        return {"body": body, "title": meta.title if meta else None,
                "date": meta.date if meta else None, "authors": (meta.author or "") if meta else ""}
    return run


def score(pages: list[dict], run) -> tuple[dict, list[dict]]:
    """Run one system over the pages; return its scores and a per-page record of misses."""
    tp = fn = fp = 0
    hits = {"title": [0, 0], "date": [0, 0], "author": [0, 0]}
    strict = {"title": [0, 0], "date": [0, 0], "author": [0, 0]}
    misses, elapsed, extract_elapsed = [], 0.0, 0.0
    if pages:
        run(pages[0])  # untimed warm-up: one-off loading (language model) is not per-page cost
    for rec in pages:
        start = time.process_time()
        out = run(rec)
        elapsed += time.process_time() - start
        extract_elapsed += out.get("extract_seconds", 0.0)
        body = _norm(out["body"])
        miss = {"file": rec["file"]}
        missing = [s for s in rec["with"] if _norm(s) not in body]
        leaked = [s for s in rec["without"] if _norm(s) in body]
        tp += len(rec["with"]) - len(missing)
        fn += len(missing)
        fp += len(leaked)
        if missing or leaked:
            miss.update(missing=missing, leaked=leaked)
        checks = {
            "title": ("title", _norm(rec.get("title")), _printed_title(rec.get("title"), out)),
            "date": ("date", _gold_day(rec.get("date")), _day(out["date"])),
            "author": ("author", _names(rec.get("author")), _names(out["authors"])),
        }
        for key, (field, want, got) in checks.items():
            if field in rec:
                strict[key][1] += 1
                strict[key][0] += want == got
                if not want:
                    continue
                hits[key][1] += 1
                if want == got:
                    hits[key][0] += 1
                else:
                    miss[key] = {"gold": sorted(want) if isinstance(want, frozenset) else want,
                                 "got": sorted(got) if isinstance(got, frozenset) else got}
        if len(miss) > 1:
            misses.append(miss)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    scores = {
        "snippet_precision": precision,
        "snippet_recall": recall,
        "snippet_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "title_accuracy": hits["title"][0] / max(hits["title"][1], 1),
        "date_accuracy": hits["date"][0] / max(hits["date"][1], 1),
        "author_accuracy": hits["author"][0] / max(hits["author"][1], 1),
        **{f"{key}_accuracy_strict": right / max(total, 1) for key, (right, total) in strict.items()},
        "pages_per_second": len(pages) / elapsed if elapsed else 0.0,
        **({"extract_pages_per_second": len(pages) / extract_elapsed} if extract_elapsed else {}),
        "pages": len(pages),
    }
    return {k: round(v, 4) for k, v in scores.items()}, misses


def evaluate(corpus: Path, systems: tuple[str, ...] = ("product", "trafilatura"),
             misses_to: Path | None = None) -> dict:
    """Scores per part and system name; optionally the product's misses on the tuning part to a file."""
    makers = {"product": product_system, "trafilatura": trafilatura_system}
    parts = split_pages(load_pages(corpus))
    results: dict = {part: {} for part in PARTS}
    for name in systems:
        run = makers[name]()
        for part in PARTS:
            results[part][name], misses = score(parts[part], run)
            if misses_to and name == "product" and part == "tuning":
                misses_to.write_text(json.dumps(misses, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


def table(results: dict) -> str:
    """A readable side-by-side table of the scores: each part's systems, then tuning minus check."""
    columns = [(part, name) for part in PARTS for name in results[part]]
    rows = [f"{'metric':<24}" + "".join(f"{part + ':' + name:>20}" for part, name in columns)
            + f"{'tuning-check':>14}"]
    for key in (*SCORE_KEYS, "pages_per_second", "extract_pages_per_second", "pages"):
        gap = round(results["tuning"]["product"][key] - results["check"]["product"][key], 4) \
            if "product" in results["check"] else ""
        rows.append(f"{key:<24}" + "".join(f"{results[part][name].get(key, '-'):>20}" for part, name in columns)
                    + f"{gap:>14}")
    return "\n".join(rows)


def write_split(corpus: Path) -> None:
    """Commit the rule's outcome as site -> part (run once per corpus version)."""
    sites = sorted({site_of(rec["url"]) for rec in json.loads((corpus / "gold.json").read_text(encoding="utf-8"))})
    SPLIT.write_text(json.dumps({site: part_of(site) for site in sites}, indent=0) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line entry: print one JSON line, then the table unless --json-only."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--json-only", action="store_true")
    parser.add_argument("--misses", type=Path, help="write the product's per-page failures on the tuning part here (JSON)")
    parser.add_argument("--write-split", action="store_true", help=f"store the site split in {SPLIT.name} and stop")
    parser.add_argument("--write-baseline", action="store_true",
                        help=f"also store the scores as the gate's baseline ({BASELINE.relative_to(REPO_ROOT)})")
    args = parser.parse_args(argv)
    if not (args.corpus / "gold.json").is_file():
        print(f"skipped: corpus not found at {args.corpus}")
        return 0
    if args.write_split:
        write_split(args.corpus)
        return 0
    results = evaluate(args.corpus, misses_to=args.misses)
    print(json.dumps(results, sort_keys=True))
    if not args.json_only:
        print(table(results))
    if args.write_baseline:
        note = ("tests/test_extraction_gate.py fails when a product score of either part falls more than 0.005 "
                "below; pages_per_second is informative, not gated")
        BASELINE.write_text(json.dumps({"corpus": args.corpus.name, "note": note, **results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
