"""The maintainers' data-quality report: a verdict per run, history and trends, and where to look.

Built from the warehouse alone, through a read connection and SQL, so it can be rebuilt at any time
(`newsetl report`) and after a failed run. Modules by concern: data (what the page shows, read by SQL;
its fixed queries in sql/), queries (the SQL and `newsetl query` commands the page gives a maintainer),
samples (the first failing rows, kept between reports), values (how values are written), charts (their
geometry), page (the HTML, from templates/), markdown (the Prefect artifact), build (both files).
The verdict itself is decided in expectations/verdict.py.
"""
from newsetl.transforms.report.build import build_report

__all__ = ["build_report"]
