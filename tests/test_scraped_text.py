"""The clean stage on scraped text derived from real pages (tests/gold/scraped/, see its README)."""
import json
from pathlib import Path

import pytest

from transforms.clean import clean_article

SCRAPED = Path(__file__).parent / "gold" / "scraped"
GOLD = json.loads((SCRAPED / "gold.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(GOLD))
def test_scraped_case_matches_gold(name):
    gold = GOLD[name]
    article = clean_article((SCRAPED / f"{name}.txt").read_text(encoding="utf-8"), "text")
    body = (article["body"] or "").strip()
    assert body.startswith(gold["body_start"]), body[:200]
    assert body.endswith(gold["body_end"]), body[-200:]
    assert article["title"] == gold["title"]
    if gold["published_at"] is not None:
        published = article["published_at"]
        assert published is not None and published.isoformat().startswith(gold["published_at"]), published
