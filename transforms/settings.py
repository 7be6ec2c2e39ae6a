"""Run settings: built once, at call time, from flags over NEWSETL_* environment variables over defaults.

Nothing here is read at import, so a changed environment takes effect on the next run, and every
bad value fails with one line naming the flag and the variable.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class Settings:
    """Where a run reads and writes, and how it batches."""

    input_dir: str = "seeds"
    warehouse_dir: str = "warehouse"
    batch_size: int = 250

    # flag name, environment variable
    SOURCES = {"input_dir": ("--input", "NEWSETL_INPUT"), "warehouse_dir": ("--warehouse", "NEWSETL_WAREHOUSE"),
               "batch_size": ("--batch-size", "NEWSETL_BATCH_SIZE")}

    @classmethod
    def resolve(cls, **given) -> "Settings":
        """Flags given (None means not given) over the environment over the defaults, validated."""
        values = {}
        for field in fields(cls):
            flag, variable = cls.SOURCES[field.name]
            value, origin = given.get(field.name), flag
            if value is None and os.environ.get(variable, "").strip():
                value, origin = os.environ[variable].strip(), variable
            if value is None:
                continue
            if field.type == "int":
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    raise SettingsError(f"{origin} must be a whole number, not {value!r}") from None
                if value < 1:
                    raise SettingsError(f"{origin} must be at least 1, not {value}")
            values[field.name] = str(value) if field.type == "str" else value
        return cls(**values)

    def require_input(self) -> None:
        """The landing folder must exist and be a folder."""
        if not Path(self.input_dir).is_dir():
            raise SettingsError(f"input folder not found: {self.input_dir}")
