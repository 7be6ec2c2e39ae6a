"""Bytes of a landing file -> text: content type from the name, gzip looked through, encoding detected."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from newsetl.transforms.ingest_limits import _CHUNK, IngestLimits, UnreadableFile, gunzip

TEXT_SUFFIXES = {".txt": "text", ".html": "html", ".htm": "html"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.I)
_HTML_START = re.compile(r"^\s*(<!doctype html|<html|<head|<body)", re.I)
# Control characters other than tab, newlines and form feed: many of them mean binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_C1_BYTE = re.compile(rb"[\x80-\x9f]")


@dataclass(frozen=True)
class DecodedFile:
    """A file's text with the encoding and content type it was read as."""

    text: str
    encoding: str
    content_type: str


def content_type_of(name: str) -> str | None:
    """'text' or 'html' from the file name (a .gz suffix is looked through), else None."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return TEXT_SUFFIXES.get(suffixes[-1]) if suffixes else None


def _decode_text(raw: bytes, content_type: str) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        text = _decodes_as(raw[3:], "utf-8")
        if text is not None:
            return text, "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decodes_as(raw, "utf-16")
        if text is not None and _looks_like_text(text):
            return text, "utf-16"
    if b"\x00" in raw[:8192]:
        raise UnreadableFile("binary content: NUL bytes in a text file")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(raw[:4096]) if content_type == "html" else None
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    import charset_normalizer  # here, not at import: settings (and `newsetl query`) import this module

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
    if encoding in ("cp1252", "windows-1252") and not _C1_BYTE.search(raw):
        return "iso-8859-1"
    return encoding


def _looks_like_text(text: str) -> bool:
    if not text.strip():
        return False
    return len(_CONTROL.findall(text)) / len(text) < 0.01


def decode(raw: bytes, name: str, limits: IngestLimits = IngestLimits()) -> DecodedFile:
    """Bytes of a landing file -> text; raises UnreadableFile with the reason it cannot be read.

    A name ending in .gz is inflated first, within limits (see gunzip). A plain text longer than
    limits.max_body_chars is refused: its article could not be kept.
    """
    content_type = content_type_of(name)
    if content_type is None:
        raise UnreadableFile(f"unsupported file type: {Path(name).name}")
    if not raw:
        raise UnreadableFile("empty file")
    if name.lower().endswith(".gz"):
        raw = gunzip([raw[i:i + _CHUNK] for i in range(0, len(raw), _CHUNK)], limits)
        if not raw:
            raise UnreadableFile("empty file inside gzip")
    text, encoding = _decode_text(raw, content_type)
    if not text.strip():
        raise UnreadableFile("no text: file holds only whitespace")
    if content_type == "text" and _HTML_START.match(text):
        content_type = "html"
    if content_type == "text" and len(text) > limits.max_body_chars:
        raise UnreadableFile(f"text too long: {len(text)} characters, body limit {limits.max_body_chars}")
    return DecodedFile(text=text.replace("\r\n", "\n").replace("\r", "\n"), encoding=encoding,
                       content_type=content_type)
