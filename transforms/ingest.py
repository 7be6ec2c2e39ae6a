"""Ingest: files under a landing folder -> documents rows with decoded text.

Two steps. plan_files walks the landing folder once, hashes every file once (streamed) and
decides what each one is: new, a duplicate of an earlier file of the run or of the warehouse,
a symlink or special file that is not read (skipped), or a file over the size limit
(quarantined). read_batch then turns a slice of that plan into documents rows, reading and
decoding only the files that need it, within IngestLimits.
"""
from __future__ import annotations

import errno
import hashlib
import itertools
import os
import re
import stat
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, NamedTuple

if TYPE_CHECKING:
    import pandas as pd

TEXT_SUFFIXES = {".txt": "text", ".html": "html", ".htm": "html"}
DOCUMENT_COLUMNS = [
    "doc_id", "source_path", "size_bytes", "encoding", "content_type",
    "ingested_at", "run_id", "status", "reason",
]
PENDING = "pending"  # a planned file still to be read and decoded
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.I)
_HTML_START = re.compile(r"^\s*(<!doctype html|<html|<head|<body)", re.I)
# Control characters other than tab, newlines and form feed: many of them mean binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_C1_BYTE = re.compile(rb"[\x80-\x9f]")
_CHUNK = 1 << 20
MiB = 1 << 20


class UnreadableFile(ValueError):
    """Raised when a file's bytes cannot become article text; the message is the reason."""


@dataclass(frozen=True)
class IngestLimits:
    """What one landing file may cost; a file over a limit is quarantined with the limit as its reason.

    The defaults load every real news article while keeping one document to tens of MB of
    memory and about a minute of work (measured on a shared core, both linear: clean about 7 s
    and tag about 60 s per million characters of article text; HTML extraction 1.3 s for 1 MB
    of markup, 12 s for 5 MB). Peak memory of a run then stays under 2 GB (tests/test_bad_inputs.py).

    - max_file_bytes (16 MiB): the heaviest news pages are a few MB of HTML. A larger file is
      hashed in chunks (its doc_id is still the sha256 of its bytes) but never read, so a 50 MB
      or 2 GB file costs no memory and no parsing.
    - max_decompressed_bytes (16 MiB): the same bound for what a gzip holds. Gzip is inflated in
      chunks and stops here, so a bomb (1 MB expanding to 1 GB) costs at most this much memory.
    - max_compression_ratio (100) and ratio_floor_bytes (1 MiB): text and HTML deflate 3 to 15
      times; output over 100 times the compressed bytes read is a bomb, stopped as soon as it
      shows. Below 1 MiB of output the ratio is not held against a file: small files cost nothing.
    - max_body_chars (1,000,000, spaCy's own max_length): the longest article body kept. A plain
      text over it is refused before cleaning (its body is part of its text); an HTML page's
      extracted body over it is refused by clean. A 1.5 M-character article is quarantined in
      seconds instead of a minute and more of tagging.
    """

    max_file_bytes: int = 16 * MiB
    max_decompressed_bytes: int = 16 * MiB
    max_compression_ratio: float = 100.0
    ratio_floor_bytes: int = 1 * MiB
    max_body_chars: int = 1_000_000


@dataclass(frozen=True)
class DecodedFile:
    """A file's text with the encoding and content type it was read as."""

    text: str
    encoding: str
    content_type: str


@dataclass(frozen=True)
class LandingFile:
    """One entry of the landing folder as planned for a run (see plan_files).

    status is 'pending' for a file still to read and decode; otherwise the documents status it
    gets without being decoded ('duplicate', 'skipped', 'quarantined'), with the reason.
    duplicate_of is the source_path of the run's first copy of the same bytes (None when the
    copy is already in the warehouse).
    """

    path: Path
    source_path: str
    doc_id: str
    size_bytes: int
    status: str = PENDING
    reason: str | None = None
    duplicate_of: str | None = None


def source_path_of(path: Path, root: Path) -> str:
    """The path relative to root, '/'-separated; bytes that are not UTF-8 become backslash escapes.

    os.walk hands undecodable name bytes over as lone surrogates (surrogateescape), which
    Parquet and DuckDB cannot store: b'caf\\xe9.txt' is recorded as 'caf\\\\xe9.txt'.
    """
    relative = path.relative_to(root).as_posix()
    return os.fsencode(relative).decode("utf-8", "backslashreplace")


def _walk(root: Path) -> Iterator[Path]:
    """Every non-hidden entry under root that is not a real directory, symlinks not followed, in a stable order.

    Symlinks to directories are yielded like files (they get a 'skipped' row), not descended into.
    A directory that cannot be listed is yielded itself, so it is recorded rather than lost.
    """
    unreadable: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False,
                                       onerror=lambda exc: unreadable.append(Path(exc.filename))):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        linked = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        dirs[:] = [d for d in dirs if d not in linked]
        for name in sorted(files + linked):
            if not name.startswith("."):
                yield Path(folder) / name
    yield from (p for p in unreadable if p != root)


def list_landing_files(root: str | Path) -> list[Path]:
    """Every entry under root that gets a documents row, recursively, in a stable order.

    Regular files, symlinks (never followed) and special files; hidden names are left out.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"input folder not found: {root}")
    return sorted(_walk(root), key=lambda p: os.fsencode(p))


def _sha256_of_file(path: Path) -> tuple[str, int]:
    """sha256 hex and size of a file, read in chunks so its size costs no memory."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _not_read(path: Path, real_root: str, source_path: str) -> LandingFile | None:
    """The plan entry of a symlink or special file, which is never read; None for a regular file.

    Its doc_id is the sha256 of what stands at the path itself: a symlink's link text, or for
    another special file (fifo, socket, device, unlistable directory) its source_path.
    Symlinks are not followed, wherever they point: a target inside the landing folder is read
    under its own name anyway, and one outside it is not the run's input (/etc/passwd).
    """
    try:
        info = os.lstat(path)
    except OSError as exc:
        return LandingFile(path, source_path, _text_id(source_path), 0, "skipped",
                           f"cannot be listed: {type(exc).__name__}: {exc.strerror}")
    if stat.S_ISREG(info.st_mode):
        return None
    if not stat.S_ISLNK(info.st_mode):
        what = "a directory that cannot be listed" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        return LandingFile(path, source_path, _text_id(source_path), 0, "skipped", f"{what}: not read")
    link = os.readlink(os.fsencode(path))
    doc_id = hashlib.sha256(link).hexdigest()
    shown = link.decode("utf-8", "backslashreplace")
    try:
        os.stat(path)
    except OSError as exc:
        what = "symlink loop" if exc.errno == errno.ELOOP else "broken symlink"
        return LandingFile(path, source_path, doc_id, len(link), "skipped", f"{what}: {shown}: not followed")
    target = os.path.realpath(path)
    if os.path.commonpath([real_root, target]) != real_root:
        return LandingFile(path, source_path, doc_id, len(link), "skipped",
                           f"symlink outside the landing folder: {shown}: not followed")
    inside = os.fsencode(os.path.relpath(target, real_root)).decode("utf-8", "backslashreplace")
    return LandingFile(path, source_path, doc_id, len(link), "skipped",
                       f"symlink inside the landing folder: {shown}: not followed, {inside} is read under its own name")


def _text_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Survey(NamedTuple):
    """What a run found in its landing folder: the plan, and the counts its summary reports."""

    plan: list[LandingFile]
    listed: int  # every entry under the landing folder
    known: int  # entries the warehouse already accounts for (same bytes at the same path): not planned


def plan_files(root: str | Path, known_files: frozenset[tuple[str, str]] = frozenset(),
               limits: IngestLimits = IngestLimits()) -> list[LandingFile]:
    """The run's plan (see survey_files)."""
    return survey_files(root, known_files, limits).plan


def survey_files(root: str | Path, known_files: frozenset[tuple[str, str]] = frozenset(),
                 limits: IngestLimits = IngestLimits(), entries: list[Path] | None = None) -> Survey:
    """The run's plan: one LandingFile per entry under root not yet accounted for, in a stable order.

    Each regular file is hashed once, in chunks. known_files holds the warehouse's
    (doc_id, source_path) pairs: the same bytes at the same path get no entry. Later copies of
    bytes seen earlier in this run (in listing order) or already in the warehouse are planned as
    'duplicate' of that doc_id, wherever they fall into batches. A file over
    limits.max_file_bytes is planned 'quarantined' without being read.

    Symlinks are never followed and are planned 'skipped' with the reason (outside the landing
    folder, inside it: the target is read under its own name, a loop, broken); so are fifos,
    sockets, devices and directories that cannot be listed. A skipped entry's doc_id is the
    sha256 of the symlink's link text (what stands at the path), or of the source_path for the
    other kinds, which have no bytes of their own.

    entries: root's entries as list_landing_files gave them, when the caller listed them already.
    """
    root = Path(root)
    real_root = os.path.realpath(root)
    known_ids = {doc_id for doc_id, _ in known_files}
    first_path: dict[str, str] = {}
    plan = []
    listed = known = 0
    for path in list_landing_files(root) if entries is None else entries:
        listed += 1
        source_path = source_path_of(path, root)
        entry = _not_read(path, real_root, source_path)
        if entry is None:
            try:
                doc_id, size = _sha256_of_file(path)
            except OSError as exc:
                entry = LandingFile(path, source_path, _text_id(source_path), 0, "quarantined",
                                    f"unreadable file: {type(exc).__name__}: {exc.strerror}")
            else:
                entry = _planned(path, source_path, doc_id, size, known_ids, first_path, limits)
        if (entry.doc_id, source_path) in known_files:
            known += 1
            continue
        if entry.status != "skipped":
            first_path.setdefault(entry.doc_id, source_path)
        plan.append(entry)
    return Survey(plan, listed, known)


def _planned(path: Path, source_path: str, doc_id: str, size: int, known_ids: set[str],
             first_path: dict[str, str], limits: IngestLimits) -> LandingFile:
    if doc_id in first_path:
        earlier = first_path[doc_id]
        return LandingFile(path, source_path, doc_id, size, "duplicate",
                           f"same bytes as {earlier} (doc_id {doc_id}) earlier in this run", earlier)
    if doc_id in known_ids:
        return LandingFile(path, source_path, doc_id, size, "duplicate",
                           f"same bytes as document {doc_id} already in the warehouse")
    if size > limits.max_file_bytes:
        return LandingFile(path, source_path, doc_id, size, "quarantined",
                           f"file too large: {size} bytes, limit {limits.max_file_bytes}")
    return LandingFile(path, source_path, doc_id, size)


def batches(plan: list[LandingFile], max_files: int, max_bytes: int = 64 * MiB) -> Iterator[list[LandingFile]]:
    """Consecutive slices of the plan, each of at most max_files entries and max_bytes of files to read.

    A batch holds its decoded texts until it is staged: 250 news articles are a few MB, so the
    byte bound only binds when large files come together (four files at the 16 MiB limit).
    A single file larger than max_bytes makes a batch of its own.
    """
    batch: list[LandingFile] = []
    weight = 0
    for entry in plan:
        cost = bytes_to_read([entry])
        if batch and (len(batch) >= max_files or weight + cost > max_bytes):
            yield batch
            batch, weight = [], 0
        batch.append(entry)
        weight += cost
    if batch:
        yield batch


def bytes_to_read(entries: list[LandingFile]) -> int:
    """Bytes of the files among entries still to read; files decided at planning weigh nothing."""
    return sum(entry.size_bytes for entry in entries if entry.status == PENDING)


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


def gunzip(chunks: Iterator[bytes] | list[bytes], limits: IngestLimits = IngestLimits()) -> bytes:
    """Inflate gzip data (all members) read in chunks, stopping as soon as a limit is passed.

    Raises UnreadableFile for corrupt data, output over limits.max_decompressed_bytes, or output
    over limits.max_compression_ratio times the compressed bytes read so far (beyond
    limits.ratio_floor_bytes of output).
    """
    out = bytearray()
    read = 0
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        for chunk in chunks:
            read += len(chunk)
            while chunk:
                if inflater.eof:
                    if not chunk.strip(b"\x00"):
                        break  # zero padding after the last member
                    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # the next member
                out += inflater.decompress(chunk, limits.max_decompressed_bytes + 1 - len(out))
                _check_inflated(len(out), read, limits)
                chunk = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
        out += inflater.flush()
        _check_inflated(len(out), read, limits)
    except zlib.error as exc:
        raise UnreadableFile(f"corrupt gzip: {exc}") from exc
    if not inflater.eof:
        raise UnreadableFile("corrupt gzip: compressed data ends before the end-of-stream marker")
    return bytes(out)


def _check_inflated(size: int, read: int, limits: IngestLimits) -> None:
    if size > limits.max_decompressed_bytes:
        raise UnreadableFile(f"gzip expands past the decompressed size limit of {limits.max_decompressed_bytes} bytes")
    if size > limits.ratio_floor_bytes and size > limits.max_compression_ratio * read:
        raise UnreadableFile(f"gzip expands more than {limits.max_compression_ratio:g} times "
                             f"({size} bytes from {read}): a decompression bomb")


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


def _read_raw(entry: LandingFile, limits: IngestLimits) -> bytes:
    """A planned file's bytes (inflated when gzip), checked against the doc_id it was planned with."""
    digest = hashlib.sha256()
    size = 0

    def chunks() -> Iterator[bytes]:
        nonlocal size
        with open(entry.path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                if size > limits.max_file_bytes:
                    raise UnreadableFile(f"file too large: over {limits.max_file_bytes} bytes when read")
                digest.update(chunk)
                yield chunk

    if entry.path.name.lower().endswith(".gz"):
        stream = chunks()
        first = next(stream, b"")
        if not first:
            raise UnreadableFile("empty file")
        data = gunzip(itertools.chain([first], stream), limits)
        if not data:
            raise UnreadableFile("empty file inside gzip")
    else:
        data = b"".join(chunks())
    if digest.hexdigest() != entry.doc_id:
        raise UnreadableFile("file changed between planning and reading: its bytes no longer match the doc_id")
    return data


def read_batch(files: list[LandingFile], run_id: str,
               limits: IngestLimits = IngestLimits()) -> tuple[pd.DataFrame, dict[str, DecodedFile]]:
    """One documents row per planned file, and the decoded texts of the loaded ones by doc_id.

    Only 'pending' entries are read: each becomes 'loaded' or 'quarantined' with the reason it
    cannot be read (see decode). Other entries keep the status and reason plan_files gave them.
    """
    import pandas as pd  # here, not at import: settings (and `newsetl query`) import this module

    now = datetime.now(timezone.utc)
    rows, texts = [], {}
    for entry in files:
        row = {
            "doc_id": entry.doc_id, "source_path": entry.source_path, "size_bytes": entry.size_bytes,
            "encoding": None, "content_type": content_type_of(entry.path.name), "ingested_at": now,
            "run_id": run_id, "status": entry.status, "reason": entry.reason,
        }
        if entry.status == PENDING:
            try:
                decoded = _decode_file(entry, limits)
            except UnreadableFile as exc:
                row.update(status="quarantined", reason=str(exc))
            else:
                row.update(status="loaded", encoding=decoded.encoding, content_type=decoded.content_type)
                texts[entry.doc_id] = decoded
        rows.append(row)
    return pd.DataFrame(rows, columns=DOCUMENT_COLUMNS), texts


def _decode_file(entry: LandingFile, limits: IngestLimits) -> DecodedFile:
    if content_type_of(entry.path.name) is None:
        raise UnreadableFile(f"unsupported file type: {entry.path.name}")
    try:
        raw = _read_raw(entry, limits)
    except OSError as exc:
        raise UnreadableFile(f"unreadable file: {type(exc).__name__}: {exc.strerror}") from exc
    # _read_raw inflated a gzip already: decode under the plain name so it is not inflated twice.
    name = entry.path.name
    return decode(raw, name[:-3] if name.lower().endswith(".gz") else name, limits)
