"""newsetl: German news articles in, a clean, tagged, validated SQL warehouse out.

Subpackages: newsetl.transforms (the stages as plain functions), newsetl.flows (the Prefect flows and
the command line), newsetl.expectations (the quality suites). Scripts and notebooks start here:

    import newsetl
    con = newsetl.connect("warehouse", read_only=True)
"""
from __future__ import annotations


def connect(warehouse="warehouse", read_only: bool = True, as_of_run: str | None = None):
    """A DuckDB connection to the warehouse, read-only unless asked; as_of_run gives it as that run left it.

    DuckDB is imported here, not with the package, so `import newsetl` stays instant.
    """
    from newsetl.transforms.lake import connect as lake_connect

    return lake_connect(warehouse, read_only=read_only, as_of_run=as_of_run)
