"""Cost of the quote stage against the tag stage on the same real articles (budget: 10 %).

    OMP_NUM_THREADS=1 python benchmarks/quote_cost.py [--articles 300] [--repeats 3]

Runs newsetl.transforms.tag.tag_batch (model, rules, coreference, as the flow does) and then
newsetl.transforms.quote.quotes_batch on its mentions, over the first N articles of
../shared/corpora/wikinews-de (or $NEWSETL_CORPORA/wikinews-de). Both are warmed up on five
articles first (model, gazetteer and lemma caches load once per process), then timed in CPU
seconds of the process, best of --repeats. Prints one JSON line and a table.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from common import ROOT, argument_parser, wikinews_bodies  # noqa: E402

sys.path.insert(0, str(ROOT))
BUDGET = 0.10


def main() -> int:
    parser = argument_parser(__doc__, articles=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    bodies = wikinews_bodies(args.articles)
    if bodies is None:
        return 0
    import pandas as pd

    from newsetl.transforms import quote, tag

    articles = pd.DataFrame({"doc_id": [f"d{i:04d}" for i in range(len(bodies))], "body": bodies, "language": "de"})
    warm = articles.head(5)
    quote.quotes_batch(warm, tag.tag_batch(warm)[0])

    def best(call) -> tuple[float, object]:
        times, result = [], None
        for _ in range(args.repeats):
            start = time.process_time()
            result = call()
            times.append(time.process_time() - start)
        return min(times), result

    tag_seconds, (mentions, _, _) = best(lambda: tag.tag_batch(articles))
    quote_seconds, quotes = best(lambda: quote.quotes_batch(articles, mentions))
    result = {"articles": len(articles), "quotes": len(quotes), "seconds_tag": round(tag_seconds, 3),
              "seconds_quote": round(quote_seconds, 3), "ratio": round(quote_seconds / tag_seconds, 4),
              "budget": BUDGET}
    print(json.dumps(result))
    for key, value in result.items():
        print(f"{key:<14} {value}")
    return 0 if result["ratio"] <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
