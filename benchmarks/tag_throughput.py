"""Tag stage speed and memory: tokens per second of model and rules together, on one core.

    OMP_NUM_THREADS=1 python benchmarks/tag_throughput.py [--articles 500]

Runs newsetl.transforms.tag.tag_batch (model + rules + coreference, as the flow does) and, for the split,
the model alone and the rules alone, over real articles from ../shared/corpora (wikinews-de,
10kgnad); tokens are counted by the model's tokenizer. Peak memory is the process's maximum
resident set size after the run. Prints one JSON line and a table.
"""
from __future__ import annotations

import json
import resource
import sys
import time

from common import ROOT, argument_parser, wikinews_bodies

sys.path.insert(0, str(ROOT))


def main() -> int:
    args = argument_parser(__doc__, articles=500).parse_args()
    bodies = wikinews_bodies(args.articles)
    if bodies is None:
        return 0
    import pandas as pd

    from newsetl.transforms import tag

    frame = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(bodies))], "body": bodies})
    model = tag.load_model()
    tag.tag_batch(frame.head(5))  # warm-up: gazetteer and lemma caches are built once per process
    tokens = sum(len(doc) for doc in model.tokenizer.pipe(bodies))

    def timed(call) -> float:
        start = time.process_time()
        call()
        return time.process_time() - start

    combined = timed(lambda: tag.tag_batch(frame))
    model_only = timed(lambda: list(model.pipe(bodies, batch_size=64)))
    rules_only = timed(lambda: tag.tag_texts(bodies, use_model=False))
    result = {
        "articles": len(bodies), "tokens": tokens,
        "tokens_per_s_combined": round(tokens / combined), "tokens_per_s_model": round(tokens / model_only),
        "tokens_per_s_rules": round(tokens / rules_only),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result))
    for key, value in result.items():
        print(f"{key:<24} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
