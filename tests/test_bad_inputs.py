"""A landing folder of poison files next to the seeds: every file gets one documents row, the seeds load,
and the run stays in bounded memory (transforms only, batch by batch as the flow runs them)."""
import os
import resource
import shutil
import zlib

import pandas as pd
import pytest

from newsetl.transforms import clean, search, tag, themes
from newsetl.transforms.codes import DOCUMENT_STATUSES
from newsetl.transforms.ingest import batches, list_landing_files, plan_files, read_batch

PROSE = ("Die Regierung hat am Montag in Berlin ein neues Gesetz zur Rente beschlossen, das im Sommer in Kraft "
         "treten soll, sagte eine Sprecherin. ")
MEMORY_LIMIT_MB = 2048
pytestmark = pytest.mark.e2e  # a gigabyte of gzip and tens of megabytes of text: not for the quick loop


def _gzip_bomb(expanded_bytes: int) -> bytes:
    """Gzip members of zeros, about 1 MB on disk per GB expanded: one member compressed, then repeated."""
    member_size = 64 << 20
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    member = packer.compress(bytes(member_size)) + packer.flush()
    return member * (expanded_bytes // member_size)


def _article(title: str, chars: int) -> str:
    paragraphs, size, n = [title, ""], 0, 0
    while size < chars:
        paragraph = f"Absatz {n}: {PROSE * 3}"
        paragraphs += [paragraph, ""]
        size, n = size + len(paragraph) + 2, n + 1
    return "\n".join(paragraphs)


@pytest.fixture(scope="module")
def zoo(tmp_path_factory, seeds_dir):
    root = tmp_path_factory.mktemp("zoo")
    landing = root / "landing"
    shutil.copytree(seeds_dir, landing)
    seeds = sorted(p.name for p in seeds_dir.iterdir())
    (landing / "bomb.txt.gz").write_bytes(_gzip_bomb(1 << 30))
    (landing / "long-article.txt").write_text(_article("Ein sehr langer Bericht", 1_500_000), encoding="utf-8")
    (landing / "ten-megabytes.txt").write_text(_article("Zehn Megabyte", 10_500_000), encoding="utf-8")
    (landing / "twenty-megabytes.txt").write_text(_article("Zwanzig Megabyte", 20_000_000), encoding="utf-8")
    long_page = "".join(f"<p>Absatz {n}: {PROSE * 3}</p>" for n in range(3500))
    (landing / "long-page.html").write_text(f"<html><body><article><h1>Lang</h1>{long_page}</article></body></html>",
                                            encoding="utf-8")
    with open(os.path.join(os.fsencode(landing), b"caf\xe9.txt"), "wb") as handle:
        handle.write(("Café-Eröffnung in Köln\n\n" + PROSE * 3 + "\n\nDie Stadt freut sich. " + PROSE).encode())
    (root / "outside.txt").write_text("Geheim: " + PROSE, encoding="utf-8")
    (landing / "outside-link.txt").symlink_to(root / "outside.txt")
    (landing / "loop.txt").symlink_to("loop.txt")
    (landing / "empty.txt").write_bytes(b"")
    (landing / "zz-copy-of-first-seed.txt").write_bytes((seeds_dir / seeds[0]).read_bytes())

    documents, articles, quarantine = [], [], []
    for batch in batches(plan_files(landing), max_files=4):
        docs, texts = read_batch(batch, "run-zoo")
        cleaned, rejected = clean.clean_batch(docs, texts)
        rejections = [rejected]
        if not cleaned.empty:
            *_, tag_rejected = tag.tag_batch(cleaned)
            *_, theme_rejected = themes.themes_batch(cleaned)
            *_, search_rejected = search.search_terms_batch(cleaned)
            rejections += [tag_rejected, theme_rejected, search_rejected]
        rejected = pd.concat(rejections, ignore_index=True)
        failed = docs["doc_id"].isin(rejected["doc_id"])
        docs.loc[failed, "status"] = "quarantined"
        docs.loc[failed, "reason"] = docs.loc[failed, "doc_id"].map(dict(zip(rejected["doc_id"], rejected["reason"])))
        documents.append(docs)
        articles.append(cleaned[~cleaned["doc_id"].isin(rejected["doc_id"])])
        quarantine.append(rejected)
    return {"landing": landing, "seeds": seeds, "documents": pd.concat(documents, ignore_index=True),
            "articles": pd.concat(articles, ignore_index=True),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def test_every_file_of_the_landing_folder_has_exactly_one_documents_row(zoo):
    listed = len(list_landing_files(zoo["landing"]))
    assert len(zoo["documents"]) == listed == 15
    assert zoo["documents"]["source_path"].is_unique
    assert set(zoo["documents"]["status"]) <= set(DOCUMENT_STATUSES)
    assert zoo["documents"]["doc_id"].str.fullmatch("[0-9a-f]{64}").all()


def test_each_poison_file_has_the_status_and_reason_it_deserves(zoo):
    rows = {r.source_path: (r.status, r.reason) for r in zoo["documents"].itertuples()}
    expected = {
        "bomb.txt.gz": ("quarantined", "gzip expands past the decompressed size limit"),
        "long-article.txt": ("quarantined", "text too long"),
        "ten-megabytes.txt": ("quarantined", "text too long"),
        "twenty-megabytes.txt": ("quarantined", "file too large"),
        "long-page.html": ("quarantined", "body too long"),
        "caf\\xe9.txt": ("loaded", None),
        "outside-link.txt": ("skipped", "symlink outside the landing folder"),
        "loop.txt": ("skipped", "symlink loop"),
        "empty.txt": ("quarantined", "empty file"),
        "zz-copy-of-first-seed.txt": ("duplicate", f"same bytes as {zoo['seeds'][0]}"),
    }
    for path, (status, reason) in expected.items():
        assert rows[path][0] == status, path
        assert (pd.isna(rows[path][1]) if reason is None else rows[path][1].startswith(reason)), rows[path]


def test_the_seeds_load_next_to_the_poison(zoo):
    rows = {r.source_path: r.status for r in zoo["documents"].itertuples()}
    assert all(rows[name] == "loaded" for name in zoo["seeds"])
    assert len(zoo["articles"]) == len(zoo["seeds"]) + 1  # and the article under the undecodable name


def test_the_zoo_runs_in_less_than_two_gigabytes(zoo):
    assert zoo["peak_mb"] < MEMORY_LIMIT_MB
