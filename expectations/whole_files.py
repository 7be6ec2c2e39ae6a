"""Great Expectations' file stores (suites, checkpoints, validation results, Data Docs pages) write each file
in place: a full disk or a kill half way through left a torn JSON file under quality/gx. Written under a
temporary name in the same folder and then renamed, a file is whole or absent."""
from __future__ import annotations

import os

PARTIAL = ".partial"


def write_whole_files() -> None:
    """Make this process's Great Expectations file stores write whole files (once; later calls do nothing)."""
    from great_expectations.data_context.store.tuple_store_backend import TupleFilesystemStoreBackend

    if TupleFilesystemStoreBackend._set is not _set_whole:
        TupleFilesystemStoreBackend._set = _set_whole


def _set_whole(self, key, value, **kwargs) -> str:
    """TupleFilesystemStoreBackend._set (great-expectations 1.x), through a temporary file and a rename."""
    if not isinstance(key, tuple):
        key = key.to_tuple()
    path = os.path.join(self.full_base_directory, self._convert_key_to_filepath(key))
    folder, name = os.path.split(path)
    os.makedirs(folder, exist_ok=True)
    partial = os.path.join(folder, f".{name}{PARTIAL}")
    try:
        with open(partial, "wb") as sink:
            sink.write(value.encode("utf-8") if isinstance(value, str) else value)
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise
    return path
