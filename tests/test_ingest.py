import gzip
import hashlib
import os

import pandas as pd
import pyarrow as pa
import pytest

from newsetl.transforms.ingest import (
    IngestLimits,
    UnreadableFile,
    batches,
    bytes_to_read,
    decode,
    list_landing_files,
    plan_files,
    read_batch,
)

GERMAN = "Köln (dpa) - Die Straßenbahn fährt über die Brücke, sagte die Bürgermeisterin."


def test_utf8_text_is_read_as_text():
    decoded = decode(GERMAN.encode("utf-8"), "a.txt")
    assert decoded.text == GERMAN
    assert (decoded.encoding, decoded.content_type) == ("utf-8", "text")


def test_latin1_keeps_umlauts():
    decoded = decode(GERMAN.encode("latin-1"), "a.txt")
    assert decoded.text == GERMAN
    assert decoded.encoding == "iso-8859-1"


def test_gzipped_html_is_unpacked_and_typed_html():
    decoded = decode(gzip.compress(b"<html><body><p>Hallo</p></body></html>"), "page.html.gz")
    assert decoded.content_type == "html"
    assert "<p>Hallo</p>" in decoded.text


def test_html_in_a_txt_file_is_html():
    assert decode(b"<!DOCTYPE html><html><p>x</p></html>", "a.txt").content_type == "html"


@pytest.mark.parametrize("raw, name, reason", [
    (b"", "empty.txt", "empty file"),
    (b"\x00\x01\x02binary\x00" * 10, "bin.txt", "binary content"),
    (gzip.compress(GERMAN.encode(), mtime=0)[:20], "cut.txt.gz", "corrupt gzip"),
    (b"a,b\n1,2\n", "table.csv", "unsupported file type"),
    (b"   \n\n ", "blank.txt", "no text"),
])
def test_unreadable_files_say_why(raw, name, reason):
    with pytest.raises(UnreadableFile, match=reason):
        decode(raw, name)


def test_read_batch_accounts_for_every_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "sub" / "copy.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    documents, texts = read_batch(plan_files(tmp_path), "run-1")
    assert sorted(documents["source_path"]) == ["a.txt", "empty.txt", "sub/copy.txt"]
    status = dict(zip(documents["source_path"], documents["status"]))
    assert status == {"a.txt": "loaded", "sub/copy.txt": "duplicate", "empty.txt": "quarantined"}
    assert len(texts) == 1
    assert documents["doc_id"].str.len().eq(64).all()


def test_files_already_in_the_warehouse_are_not_planned_again(tmp_path):
    (tmp_path / "a.txt").write_text(GERMAN, encoding="utf-8")
    first, _ = read_batch(plan_files(tmp_path), "run-1")
    known = frozenset(zip(first["doc_id"], first["source_path"]))
    assert plan_files(tmp_path, known) == []


def test_missing_landing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="input folder not found"):
        list_landing_files(tmp_path / "nope")


def test_the_plan_holds_the_files_not_yet_accounted_for(tmp_path):
    (tmp_path / "a.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GERMAN + " Neu.", encoding="utf-8")
    plan = plan_files(tmp_path)
    documents, _ = read_batch(plan[:1], "run-1")
    known = frozenset(zip(documents["doc_id"], documents["source_path"]))
    assert [f.path for f in plan_files(tmp_path, known)] == [tmp_path / "b.txt"]


def _statuses(documents):
    return {row.source_path: (row.status, None if pd.isna(row.reason) else row.reason)
            for row in documents.itertuples()}


def test_the_same_bytes_in_two_batches_load_once_and_the_later_copy_names_the_first(tmp_path):
    (tmp_path / "a.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GERMAN + " Anders.", encoding="utf-8")
    (tmp_path / "c.txt").write_text(GERMAN, encoding="utf-8")
    plan = plan_files(tmp_path)
    first, texts_first = read_batch(plan[:2], "run-1")
    second, texts_second = read_batch(plan[2:], "run-1")
    assert _statuses(first)["a.txt"][0] == "loaded"
    status, reason = _statuses(second)["c.txt"]
    assert status == "duplicate" and "a.txt" in reason and second["doc_id"][0] in reason
    assert not texts_second and second["doc_id"][0] in texts_first


def test_a_copy_of_a_document_already_in_the_warehouse_is_a_duplicate_of_it(tmp_path):
    (tmp_path / "new-name.txt").write_text(GERMAN, encoding="utf-8")
    doc_id = hashlib.sha256(GERMAN.encode()).hexdigest()
    [entry] = plan_files(tmp_path, frozenset({(doc_id, "old-name.txt")}))
    assert entry.status == "duplicate" and "already in the warehouse" in entry.reason


def test_a_file_name_that_is_not_utf8_is_loaded_under_an_escaped_source_path(tmp_path):
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as handle:
        handle.write(GERMAN.encode())
    documents, texts = read_batch(plan_files(tmp_path), "run-1")
    assert _statuses(documents) == {"caf\\xe9.txt": ("loaded", None)}
    assert pa.array(documents["source_path"]).to_pylist() == ["caf\\xe9.txt"]  # storable in Parquet
    assert len(texts) == 1


def test_a_gzip_bomb_is_quarantined_once_it_passes_the_decompressed_limit(tmp_path):
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * (8 << 20)))
    limits = IngestLimits(max_decompressed_bytes=1 << 20, max_compression_ratio=10_000)
    documents, texts = read_batch(plan_files(tmp_path, limits=limits), "run-1", limits)
    status, reason = _statuses(documents)["bomb.txt.gz"]
    assert status == "quarantined" and "decompressed size limit" in reason and not texts


def test_a_gzip_that_expands_too_many_times_is_a_decompression_bomb():
    with pytest.raises(UnreadableFile, match="decompression bomb"):
        decode(gzip.compress(b"a" * (4 << 20)), "bomb.txt.gz", IngestLimits(max_compression_ratio=50))


def test_gzip_of_several_members_is_read_whole():
    raw = gzip.compress(b"Erster Teil. ") + gzip.compress(GERMAN.encode())
    assert decode(raw, "two.txt.gz").text == "Erster Teil. " + GERMAN


def test_a_file_over_the_size_limit_is_quarantined_with_the_sha256_of_its_bytes(tmp_path):
    raw = (GERMAN + "\n").encode() * 2000
    (tmp_path / "big.txt").write_bytes(raw)
    limits = IngestLimits(max_file_bytes=10_000)
    documents, texts = read_batch(plan_files(tmp_path, limits=limits), "run-1", limits)
    assert _statuses(documents)["big.txt"] == ("quarantined", f"file too large: {len(raw)} bytes, limit 10000")
    assert documents["doc_id"][0] == hashlib.sha256(raw).hexdigest() and not texts


def test_a_plain_text_longer_than_the_body_limit_is_quarantined():
    text = GERMAN + " Ende."
    with pytest.raises(UnreadableFile, match=f"text too long: {len(text)} characters, body limit 80"):
        decode(text.encode(), "a.txt", IngestLimits(max_body_chars=80))


def test_symlinks_are_recorded_as_skipped_and_never_followed(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    (tmp_path / "secret.txt").write_text("Geheim: " + GERMAN, encoding="utf-8")
    (landing / "a.txt").write_text(GERMAN, encoding="utf-8")
    (landing / "outside.txt").symlink_to(tmp_path / "secret.txt")
    (landing / "inside.txt").symlink_to("a.txt")
    (landing / "loop.txt").symlink_to("loop.txt")
    (landing / "gone.txt").symlink_to("missing.txt")
    (landing / "folder").symlink_to(tmp_path)
    documents, texts = read_batch(plan_files(landing), "run-1")
    status = _statuses(documents)
    assert status["a.txt"] == ("loaded", None)
    assert {path for path, (s, _) in status.items() if s == "skipped"} == {
        "outside.txt", "inside.txt", "loop.txt", "gone.txt", "folder"}
    assert status["outside.txt"][1].startswith("symlink outside the landing folder")
    assert status["inside.txt"][1].startswith("symlink inside the landing folder")
    assert status["loop.txt"][1].startswith("symlink loop")
    assert status["gone.txt"][1].startswith("broken symlink")
    assert list(texts.values())[0].text == GERMAN
    link_ids = dict(zip(documents["source_path"], documents["doc_id"]))
    assert link_ids["outside.txt"] == hashlib.sha256(os.fsencode(tmp_path / "secret.txt")).hexdigest()


def test_a_fifo_is_skipped_without_being_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    documents, _ = read_batch(plan_files(tmp_path), "run-1")
    assert _statuses(documents) == {"pipe.txt": ("skipped", "not a regular file: not read")}
    assert len(documents["doc_id"][0]) == 64


def test_a_file_changed_after_planning_is_quarantined_not_loaded_under_the_old_doc_id(tmp_path):
    (tmp_path / "a.txt").write_text(GERMAN, encoding="utf-8")
    plan = plan_files(tmp_path)
    (tmp_path / "a.txt").write_text(GERMAN + " Korrigiert.", encoding="utf-8")
    documents, texts = read_batch(plan, "run-1")
    assert documents["status"][0] == "quarantined" and "changed" in documents["reason"][0] and not texts


def test_batches_hold_at_most_so_many_files_and_bytes_to_read(tmp_path):
    for name, size in [("a.txt", 600), ("b.txt", 600), ("c.txt", 100), ("d.txt", 100), ("e.txt", 100)]:
        (tmp_path / name).write_text(name[0] * size)
    plan = plan_files(tmp_path)
    sizes = [[f.source_path for f in batch] for batch in batches(plan, max_files=2, max_bytes=1000)]
    assert sizes == [["a.txt"], ["b.txt", "c.txt"], ["d.txt", "e.txt"]]


def test_only_files_still_to_read_weigh_on_a_batch(tmp_path):
    (tmp_path / "a.txt").write_text("a" * 600)
    (tmp_path / "copy.txt").write_text("a" * 600)
    plan = plan_files(tmp_path)
    assert [f.status for f in plan] == ["pending", "duplicate"]
    assert bytes_to_read(plan) == 600
