"""The warehouse's SQLite catalog file (lake.sqlite): telling a damaged one, moving it aside for a
rebuild, and reading one that sits in a read-only folder.

The catalog is the only part of the warehouse that is not in the archive's Parquet: a damaged one is
restored by `newsetl rebuild`, which moves it (with its lake/ data files) aside, never deleting it.
"""
from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from newsetl.transforms.catalog import SQLITE_FILE as CATALOG

DATA = "lake"
SIDE_FILES = ("-wal", "-shm")
SQLITE_HEADER = b"SQLite format 3\x00"
# What SQLite says (through DuckDB or its own module) of a file that is not, or no longer, a database.
_DAMAGE = ("file is not a database", "database disk image is malformed", "malformed database schema",
           "SQLITE_CORRUPT", "SQLITE_NOTADB")


class CatalogDamaged(RuntimeError):
    """The catalog cannot be read as a database; the message names the fix."""


def damage(error: BaseException) -> str | None:
    """SQLite's words for a damaged file in this error, or None for any other error."""
    text = str(error)
    return next((phrase for phrase in _DAMAGE if phrase.lower() in text.lower()), None)


def damaged(warehouse: str | Path, detail: str) -> CatalogDamaged:
    return CatalogDamaged(f"the catalog {Path(warehouse) / CATALOG} is damaged ({detail}): `newsetl rebuild` "
                          f"restores it from the archive in {Path(warehouse) / 'parquet'} (the damaged file is kept)")


def missing(warehouse: str | Path) -> str:
    """The one line for a warehouse without its catalog: rebuild it when there is an archive, else run."""
    if any((Path(warehouse) / "parquet" / "runs").glob("run_id=*/run.parquet")):
        return (f"the catalog {Path(warehouse) / CATALOG} is missing: `newsetl rebuild` restores it from the "
                f"archive in {Path(warehouse) / 'parquet'}")
    return (f"no warehouse at {warehouse}: run `newsetl run` first, or name another with --warehouse DIR or "
            "NEWSETL_WAREHOUSE")


def health(warehouse: str | Path) -> str | None:
    """What is wrong with the catalog file (SQLite's own check of every page), or None when it is sound or absent."""
    path = Path(warehouse) / CATALOG
    if not path.exists():
        return None
    with open(path, "rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return "it does not start as an SQLite file"
    try:
        with closing(sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)) as db:
            problems = [row[0] for row in db.execute("pragma quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if problems == ["ok"] else "; ".join(problems[:3])


def move_aside(warehouse: str | Path) -> Path:
    """Move the catalog, its side files and its lake/ data files into damaged-<UTC time>/ in the warehouse."""
    warehouse = Path(warehouse)
    aside = warehouse / f"damaged-{datetime.now(timezone.utc):%Y%m%dT%H%M%S%fZ}"
    aside.mkdir()
    for name in (CATALOG, *(CATALOG + side for side in SIDE_FILES), DATA):
        if (warehouse / name).exists():
            os.replace(warehouse / name, aside / name)
    return aside


def writable(warehouse: str | Path) -> bool:
    return os.access(Path(warehouse), os.W_OK)


# Copies made by this process of catalogs in read-only folders: (catalog, its files' sizes and times) -> copy.
_copies: dict[tuple, Path] = {}


def private_copy(warehouse: str | Path) -> Path:
    """A copy of a read-only folder's catalog, with its WAL, for this process to read.

    DuckDB's SQLite scanner opens plain paths only (a `file:...?immutable=1` URI is refused), and
    SQLite cannot read a WAL-mode database in a read-only folder without its -shm file (its owner's
    last close removes it). A copy in a temporary folder reads as the owner left it; it is made
    again when the owner's files change, and removed when the process ends.
    """
    source = Path(warehouse).resolve() / CATALOG
    key = (source, _stamp(source))
    if key in _copies and _copies[key].exists():
        return _copies[key]
    folder = Path(tempfile.mkdtemp(prefix="newsetl-catalog-"))
    atexit.register(shutil.rmtree, folder, True)
    copy = folder / CATALOG
    for _ in range(3):  # the owner may commit while we copy: copy again until the files held still
        before = _stamp(source)
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{copy}{suffix}")
            else:
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
        if _stamp(source) == before:
            break
    _copies[(source, before)] = copy
    return copy


def _stamp(source: Path) -> tuple:
    stamps = []
    for suffix in ("", "-wal"):
        try:
            stat = os.stat(f"{source}{suffix}")
            stamps.append((stat.st_size, stat.st_mtime_ns))
        except FileNotFoundError:
            stamps.append(None)
    return tuple(stamps)
