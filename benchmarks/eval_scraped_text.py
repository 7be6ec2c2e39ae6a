"""Score the clean stage on scraped text: the five seeds plus the cases in tests/gold/scraped/.

Run: .venv/bin/python benchmarks/eval_scraped_text.py [--json-only] [--misses]

Each case is text as a naive scraper leaves it (navigation, teasers of other articles, captions,
comments, footer still in) and goes through `newsetl.transforms.clean.clean_article(text, "text")`.

Per case:
- start / end: the body starts with gold `body_start` and ends with gold `body_end`
  (after stripping whitespace); `bounds` is both right.
- title: equal to the gold title after collapsing whitespace (a null gold title must give None),
  either the headline alone or kicker + ": " + headline, the title as the outlet prints it: the
  gold writes some titles with their kicker ("Topic: Headline"), others without.
- date: `published_at` gives the gold day (`YYYY-MM-DD`) or month (`YYYY-MM`); a null gold date
  must give None.
- snippets, scored as benchmarks/eval_extraction.py scores the extraction-de corpus: a `with`
  snippet found in the body is a TP, one missing a FN; a `without` snippet found is a FP
  (substring match after collapsing whitespace; a snippet
  with its own leading or trailing whitespace, like the seeds' "Politik\\n", matches as written). For the seeds, `report_start` is a `with`
  snippet and each `boilerplate` string a `without` snippet.

Totals are printed per group (seeds, scraped) and over all cases, as one JSON line and a table.
Needs no corpus: the scraped cases are committed. Always exits 0.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))  # run as a script, the repo's packages must still import

from newsetl.transforms.clean import clean_article  # noqa: E402

GOLD_DIR = REPO_ROOT / "tests" / "gold"
SEEDS_DIR = REPO_ROOT / "seeds"
SCRAPED_DIR = GOLD_DIR / "scraped"
_WS = re.compile(r"\s+")


def _norm(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def load_cases() -> list[dict]:
    """Seeds and scraped cases in one shape: name, group, text and the gold fields."""
    cases = []
    seeds = json.loads((GOLD_DIR / "seeds.json").read_text(encoding="utf-8"))
    for name in sorted(seeds):
        gold = seeds[name]
        cases.append({
            "name": name, "group": "seeds",
            "text": (SEEDS_DIR / name).read_text(encoding="utf-8"),
            "body_start": gold["body_start"], "body_end": gold["body_end"],
            "title": gold["title"], "published_at": gold["published_at"],
            "with": [gold["report_start"]] if gold.get("report_start") else [],
            "without": list(gold.get("boilerplate", [])),
        })
    scraped = json.loads((SCRAPED_DIR / "gold.json").read_text(encoding="utf-8"))
    for name in sorted(scraped):
        gold = scraped[name]
        cases.append({
            "name": name, "group": "scraped",
            "text": (SCRAPED_DIR / f"{name}.txt").read_text(encoding="utf-8"),
            "body_start": gold["body_start"], "body_end": gold["body_end"],
            "title": gold["title"], "published_at": gold["published_at"],
            "with": gold.get("with", []), "without": gold.get("without", []),
        })
    return cases


def _found(snippet: str, body: str, flat: str) -> bool:
    """A snippet with its own surrounding whitespace ("Politik\n": a line of its own) matches as is."""
    return snippet in body if snippet != snippet.strip() else _norm(snippet) in flat


def _date_ok(published, gold: str | None) -> bool:
    if gold is None:
        return published is None
    return published is not None and published.isoformat().startswith(gold)


def score_case(case: dict) -> dict:
    """Run the cleaner on one case and compare with its gold."""
    row = {"name": case["name"], "group": case["group"]}
    try:
        article = clean_article(case["text"], "text")
    except Exception as exc:  # a crash is a miss on every field, not the end of the run
        article = {"body": "", "title": None, "published_at": None}
        row["error"] = f"{type(exc).__name__}: {exc}"
    body = (article.get("body") or "").strip()
    published = article.get("published_at")
    row["start"] = body.startswith(case["body_start"])
    row["end"] = body.endswith(case["body_end"])
    row["bounds"] = row["start"] and row["end"]
    printed = f"{article['kicker']}: {article.get('title')}" if article.get("kicker") else None
    row["title"] = _norm(case["title"]) in (_norm(article.get("title")), _norm(printed)) \
        if case["title"] is not None else article.get("title") is None
    row["date"] = _date_ok(published, case["published_at"])
    flat = _norm(body)
    row["fp_snippets"] = [s for s in case["without"] if _found(s, body, flat)]
    row["fn_snippets"] = [s for s in case["with"] if not _found(s, body, flat)]
    row["tp"] = len(case["with"]) - len(row["fn_snippets"])
    row["fn"] = len(row["fn_snippets"])
    row["fp"] = len(row["fp_snippets"])
    row["got"] = {
        "body_head": body[:100], "body_tail": body[-100:],
        "title": article.get("title"), "kicker": article.get("kicker"),
        "published_at": published.isoformat() if published is not None else None,
    }
    row["gold"] = {"body_start": case["body_start"], "body_end": case["body_end"],
                   "title": case["title"], "published_at": case["published_at"]}
    return row


def totals(rows: list[dict]) -> dict:
    n = len(rows) or 1
    tp, fn, fp = (sum(r[k] for r in rows) for k in ("tp", "fn", "fp"))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "cases": len(rows),
        "body_start_accuracy": round(sum(r["start"] for r in rows) / n, 3),
        "body_end_accuracy": round(sum(r["end"] for r in rows) / n, 3),
        "body_boundary_accuracy": round(sum(r["bounds"] for r in rows) / n, 3),
        "title_accuracy": round(sum(r["title"] for r in rows) / n, 3),
        "date_accuracy": round(sum(r["date"] for r in rows) / n, 3),
        "snippet_precision": round(precision, 3),
        "snippet_recall": round(recall, 3),
        "snippet_f1": round(f1, 3),
        "tp": tp, "fn": fn, "fp": fp,
    }


def _mark(ok: bool) -> str:
    return "ok" if ok else "--"


def print_table(rows: list[dict], summary: dict, misses: bool) -> None:
    width = max(len(r["name"]) for r in rows)
    print(f"{'case':{width}}  group    start end  title date  TP FN FP")
    for r in rows:
        print(f"{r['name']:{width}}  {r['group']:8} {_mark(r['start']):5} {_mark(r['end']):4} "
              f"{_mark(r['title']):5} {_mark(r['date']):4} {r['tp']:3} {r['fn']:2} {r['fp']:2}"
              + (f"  ERROR {r['error']}" if "error" in r else ""))
    print()
    keys = ("cases", "body_boundary_accuracy", "body_start_accuracy", "body_end_accuracy",
            "title_accuracy", "date_accuracy", "snippet_precision", "snippet_recall", "snippet_f1")
    groups = list(summary)
    print(f"{'total':24}" + "".join(f"{g:>10}" for g in groups))
    for key in keys:
        print(f"{key:24}" + "".join(f"{summary[g][key]:>10}" for g in groups))
    if not misses:
        return
    print("\nMisses (gold vs. got):")
    for r in rows:
        if r["bounds"] and r["title"] and r["date"] and not r["fp"] and not r["fn"]:
            continue
        print(f"\n== {r['name']}")
        if not r["start"]:
            print(f"  start gold: {r['gold']['body_start'][:100]!r}\n        got:  {r['got']['body_head']!r}")
        if not r["end"]:
            print(f"  end   gold: {r['gold']['body_end'][-100:]!r}\n        got:  {r['got']['body_tail']!r}")
        if not r["title"]:
            print(f"  title gold: {r['gold']['title']!r}\n        got:  {r['got']['title']!r}")
        if not r["date"]:
            print(f"  date  gold: {r['gold']['published_at']!r}  got: {r['got']['published_at']!r}")
        if r["fp_snippets"]:
            print(f"  boilerplate in body: {r['fp_snippets']}")
        if r["fn_snippets"]:
            print(f"  missing from body: {r['fn_snippets']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    parser.add_argument("--misses", action="store_true", help="print gold vs. got for every miss")
    args = parser.parse_args(argv)
    rows = [score_case(case) for case in load_cases()]
    summary = {group: totals([r for r in rows if r["group"] == group]) for group in ("seeds", "scraped")}
    summary["all"] = totals(rows)
    record = {"totals": summary,
              "cases": {r["name"]: {k: r[k] for k in ("start", "end", "title", "date", "tp", "fn", "fp")}
                        for r in rows}}
    print(json.dumps(record, ensure_ascii=False, sort_keys=True))
    if not args.json_only:
        print()
        print_table(rows, summary, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
