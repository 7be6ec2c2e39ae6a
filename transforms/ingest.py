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
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, NamedTuple

from newsetl.transforms.codes import DUPLICATE, LOADED, QUARANTINED, SKIPPED
from newsetl.transforms.ingest_decode import DecodedFile, content_type_of, decode
from newsetl.transforms.ingest_limits import _CHUNK, IngestLimits, MiB, UnreadableFile, gunzip

if TYPE_CHECKING:
    import pandas as pd

DOCUMENT_COLUMNS = [
    "doc_id", "source_path", "size_bytes", "encoding", "content_type",
    "ingested_at", "run_id", "status", "reason",
]
PENDING = "pending"  # a planned file still to be read and decoded


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
        return LandingFile(path, source_path, _text_id(source_path), 0, SKIPPED,
                           f"cannot be listed: {type(exc).__name__}: {exc.strerror}")
    if stat.S_ISREG(info.st_mode):
        return None
    if not stat.S_ISLNK(info.st_mode):
        what = "a directory that cannot be listed" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        return LandingFile(path, source_path, _text_id(source_path), 0, SKIPPED, f"{what}: not read")
    link = os.readlink(os.fsencode(path))
    doc_id = hashlib.sha256(link).hexdigest()
    shown = link.decode("utf-8", "backslashreplace")
    try:
        os.stat(path)
    except OSError as exc:
        what = "symlink loop" if exc.errno == errno.ELOOP else "broken symlink"
        return LandingFile(path, source_path, doc_id, len(link), SKIPPED, f"{what}: {shown}: not followed")
    target = os.path.realpath(path)
    if os.path.commonpath([real_root, target]) != real_root:
        return LandingFile(path, source_path, doc_id, len(link), SKIPPED,
                           f"symlink outside the landing folder: {shown}: not followed")
    inside = os.fsencode(os.path.relpath(target, real_root)).decode("utf-8", "backslashreplace")
    return LandingFile(path, source_path, doc_id, len(link), SKIPPED,
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
                entry = LandingFile(path, source_path, _text_id(source_path), 0, QUARANTINED,
                                    f"unreadable file: {type(exc).__name__}: {exc.strerror}")
            else:
                entry = _planned(path, source_path, doc_id, size, known_ids, first_path, limits)
        if (entry.doc_id, source_path) in known_files:
            known += 1
            continue
        if entry.status != SKIPPED:
            first_path.setdefault(entry.doc_id, source_path)
        plan.append(entry)
    return Survey(plan, listed, known)


def _planned(path: Path, source_path: str, doc_id: str, size: int, known_ids: set[str],
             first_path: dict[str, str], limits: IngestLimits) -> LandingFile:
    if doc_id in first_path:
        earlier = first_path[doc_id]
        return LandingFile(path, source_path, doc_id, size, DUPLICATE,
                           f"same bytes as {earlier} (doc_id {doc_id}) earlier in this run", earlier)
    if doc_id in known_ids:
        return LandingFile(path, source_path, doc_id, size, DUPLICATE,
                           f"same bytes as document {doc_id} already in the warehouse")
    if size > limits.max_file_bytes:
        return LandingFile(path, source_path, doc_id, size, QUARANTINED,
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
                row.update(status=QUARANTINED, reason=str(exc))
            else:
                row.update(status=LOADED, encoding=decoded.encoding, content_type=decoded.content_type)
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
