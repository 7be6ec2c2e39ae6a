"""Ingest: files under a landing folder -> documents rows with decoded text."""
from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import charset_normalizer
import pandas as pd

TEXT_SUFFIXES = {".txt": "text", ".html": "html", ".htm": "html"}
DOCUMENT_COLUMNS = [
    "doc_id", "source_path", "size_bytes", "encoding", "content_type",
    "ingested_at", "run_id", "status", "reason",
]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.I)
_HTML_START = re.compile(r"^\s*(<!doctype html|<html|<head|<body)", re.I)


class UnreadableFile(ValueError):
    """Raised when a file's bytes cannot become article text; the message is the reason."""


@dataclass(frozen=True)
class DecodedFile:
    """A file's text with the encoding and content type it was read as."""

    text: str
    encoding: str
    content_type: str


def list_landing_files(root: str | Path) -> list[Path]:
    """Every regular file under root, recursively, in a stable order (hidden files skipped)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"input folder not found: {root}")
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def content_type_of(name: str) -> str | None:
    """'text' or 'html' from the file name (a .gz suffix is looked through), else None."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return TEXT_SUFFIXES.get(suffixes[-1]) if suffixes else None


def _decode_text(raw: bytes, content_type: str) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if b"\x00" in raw[:8192]:
        raise UnreadableFile("binary content: NUL bytes in a text file")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(raw[:4096]) if content_type == "html" else None
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    best = charset_normalizer.from_bytes(raw).best()
    # German text outside UTF-8 is nearly always Latin-1 or its Windows superset: where the
    # detector's guess reads the bytes the same way (cp1250 does for äöüß), name it so.
    if best is not None and _decodes_as(raw, best.encoding) != _decodes_as(raw, "cp1252"):
        candidates.append(best.encoding)
    candidates.append("cp1252")
    for encoding in candidates:
        text = _decodes_as(raw, encoding)
        if text is not None and _looks_like_text(text):
            return text, _encoding_name(encoding, raw)
    raise UnreadableFile("binary content: no text encoding fits")


def _decodes_as(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _encoding_name(encoding: str, raw: bytes) -> str:
    if encoding in ("cp1252", "windows-1252") and not any(0x80 <= b <= 0x9F for b in raw):
        return "iso-8859-1"
    return encoding


def _looks_like_text(text: str) -> bool:
    if not text.strip():
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f" or 0x7F <= ord(ch) < 0xA0)
    return controls / len(text) < 0.01


def decode(raw: bytes, name: str) -> DecodedFile:
    """Bytes of a landing file -> text; raises UnreadableFile with the reason it cannot be read."""
    content_type = content_type_of(name)
    if content_type is None:
        raise UnreadableFile(f"unsupported file type: {Path(name).name}")
    if not raw:
        raise UnreadableFile("empty file")
    if name.lower().endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise UnreadableFile(f"corrupt gzip: {exc}") from exc
        if not raw:
            raise UnreadableFile("empty file inside gzip")
    text, encoding = _decode_text(raw, content_type)
    if not text.strip():
        raise UnreadableFile("no text: file holds only whitespace")
    if content_type == "text" and _HTML_START.match(text):
        content_type = "html"
    return DecodedFile(text=text.replace("\r\n", "\n").replace("\r", "\n"), encoding=encoding,
                       content_type=content_type)


def pending_files(root: str | Path, known_files: frozenset[tuple[str, str]]) -> list[Path]:
    """Files under root not yet in the warehouse as the same bytes at the same path (hashing only)."""
    root = Path(root)
    return [p for p in list_landing_files(root)
            if (hashlib.sha256(p.read_bytes()).hexdigest(), p.relative_to(root).as_posix()) not in known_files]


def read_batch(
    paths: list[Path], root: str | Path, run_id: str,
    known_ids: frozenset[str] = frozenset(), known_files: frozenset[tuple[str, str]] = frozenset(),
) -> tuple[pd.DataFrame, dict[str, DecodedFile]]:
    """Read a batch of files: new documents rows and decoded texts by doc_id.

    A file already in the warehouse (same bytes, same path) yields no row: it is accounted for.
    Same bytes seen before under another path, or twice in the batch, give a 'duplicate' row.
    """
    root = Path(root)
    now = datetime.now(timezone.utc)
    rows, texts = [], {}
    for path in paths:
        raw = path.read_bytes()
        doc_id = hashlib.sha256(raw).hexdigest()
        source_path = path.relative_to(root).as_posix()
        if (doc_id, source_path) in known_files:
            continue
        row = {
            "doc_id": doc_id, "source_path": source_path, "size_bytes": len(raw), "encoding": None,
            "content_type": content_type_of(path.name), "ingested_at": now, "run_id": run_id,
            "status": "loaded", "reason": None,
        }
        if doc_id in known_ids or doc_id in texts:
            row.update(status="duplicate", reason="same bytes as an earlier document")
            rows.append(row)
            continue
        try:
            decoded = decode(raw, path.name)
        except UnreadableFile as exc:
            row.update(status="quarantined", reason=str(exc))
        else:
            row.update(encoding=decoded.encoding, content_type=decoded.content_type)
            texts[doc_id] = decoded
        rows.append(row)
    return pd.DataFrame(rows, columns=DOCUMENT_COLUMNS), texts
