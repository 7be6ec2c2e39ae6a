"""The landing folder as a run finds it, looked at once: listed, then hashed against the warehouse's files.

`newsetl run` looks before it starts Prefect: a run that finds nothing new is recorded without it
(flows/quiet_run.py), and one that finds new files hands its look to the flow, which would otherwise
list and hash the folder a second time. A flow started any other way looks for itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Look:
    input_dir: str
    warehouse_dir: str
    limits: object  # the IngestLimits the plan was made with
    survey: object  # newsetl.transforms.ingest.Survey: the plan, the entries listed and those already accounted for

    @property
    def nothing_new(self) -> bool:
        return not self.survey.plan


_handed: list[Look] = []


def list_entries(input_dir: str) -> list[Path]:
    from newsetl.transforms.ingest import list_landing_files

    return list_landing_files(input_dir)


def look(settings, entries: list[Path]) -> Look:
    """Hash the listed entries against the files the warehouse has accounted for. Call it holding the run lock."""
    from newsetl.transforms.ingest import survey_files
    from newsetl.transforms.warehouse import known_files

    limits = settings.limits()
    return Look(settings.input_dir, settings.warehouse_dir, limits,
                survey_files(settings.input_dir, known_files(settings.warehouse_dir), limits, entries=entries))


def hand_to_flow(found: Look) -> None:
    """Keep the look for the flow this process runs next over the same folders."""
    _handed[:] = [found]


def taken(input_dir: str, warehouse_dir: str, limits) -> Look | None:
    """The look handed over for these folders and limits (once), or None: the flow looks for itself."""
    found = _handed.pop() if _handed else None
    if found is None or (found.input_dir, found.warehouse_dir, found.limits) != (input_dir, warehouse_dir, limits):
        return None
    return found
