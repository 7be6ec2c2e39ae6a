import gzip

import pytest

from transforms.ingest import UnreadableFile, decode, list_landing_files, read_batch

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
    (gzip.compress(GERMAN.encode())[:20], "cut.txt.gz", "corrupt gzip"),
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
    paths = list_landing_files(tmp_path)
    documents, texts = read_batch(paths, tmp_path, "run-1")
    assert sorted(documents["source_path"]) == ["a.txt", "empty.txt", "sub/copy.txt"]
    status = dict(zip(documents["source_path"], documents["status"]))
    assert status == {"a.txt": "loaded", "sub/copy.txt": "duplicate", "empty.txt": "quarantined"}
    assert len(texts) == 1
    assert documents["doc_id"].str.len().eq(64).all()


def test_read_batch_skips_files_already_in_the_warehouse(tmp_path):
    (tmp_path / "a.txt").write_text(GERMAN, encoding="utf-8")
    first, _ = read_batch(list_landing_files(tmp_path), tmp_path, "run-1")
    known = frozenset(zip(first["doc_id"], first["source_path"]))
    again, texts = read_batch(list_landing_files(tmp_path), tmp_path, "run-2",
                              frozenset(first["doc_id"]), known)
    assert again.empty and not texts


def test_missing_landing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="input folder not found"):
        list_landing_files(tmp_path / "nope")


def test_pending_files_are_the_ones_not_yet_accounted_for(tmp_path):
    from transforms.ingest import pending_files

    (tmp_path / "a.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GERMAN + " Neu.", encoding="utf-8")
    documents, _ = read_batch([tmp_path / "a.txt"], tmp_path, "run-1")
    known = frozenset(zip(documents["doc_id"], documents["source_path"]))
    assert pending_files(tmp_path, known) == [tmp_path / "b.txt"]
