"""Which DuckDB extension files have passed DuckDB's signature check, remembered across processes.

Checking a signature hashes the whole file: the three extensions a warehouse connection loads are
80 MB, 0.3 s each on a quiet machine, the larger part of a `newsetl query`. Once a file passed, its
identity (device, inode, size, modification and change times) is remembered in the user's cache
folder; a later process loads the same unchanged file without the check. Replacing or rewriting the
file changes its change time, which no one but root can set, and the check runs again.
"""
from __future__ import annotations

import json
import os
from pathlib import Path


def _record_file() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "newsetl" / "extensions-checked.json"


def _identity(path: str) -> list[int]:
    info = os.stat(path)
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def _read() -> dict:
    try:
        record = json.loads(_record_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def checked_before(paths: list[str]) -> bool:
    """True when every file passed the signature check before and has not changed since."""
    record = _read()
    try:
        return all(record.get(path) == _identity(path) for path in paths)
    except OSError:
        return False


def remember(paths: list[str]) -> None:
    """Note that these files just passed the signature check; a cache that cannot be written is no error."""
    record = _read()
    try:
        record.update({path: _identity(path) for path in paths})
        target = _record_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        temporary.write_text(json.dumps(record), encoding="utf-8")
        temporary.replace(target)
    except OSError:
        pass
