"""Warnings of the libraries a run uses (Dask, Great Expectations, spaCy, ...) go to the run's log in Prefect,
never to the terminal, where they would tear through the progress display with a site-packages path."""
from __future__ import annotations

import logging
import sys

from prefect.exceptions import MissingContextError
from prefect.logging.handlers import APILogHandler


class _RunLogHandler(APILogHandler):
    """Prefect's handler of run logs; a warning raised outside any flow or task run is dropped, not warned about
    again (Prefect's own handler would raise a warning of its own)."""

    def handleError(self, record: logging.LogRecord) -> None:
        if isinstance(sys.exc_info()[1], MissingContextError):
            return
        super().handleError(record)


# Loggers that distributed points at stderr as it is imported (its logging configuration), and Python's warnings.
LIBRARY_LOGGERS = ("py.warnings", "distributed", "distributed.client", "tornado", "tornado.application", "bokeh")


def route_warnings_to_run_log() -> None:
    """In this process, from now on, warnings.warn() and the log lines of Dask and tornado (a worker's closed
    stream as a cluster stops, say) go to the log of the flow or task run in progress.

    Call it after distributed is imported, where it is: its import adds the stderr handlers taken off here.
    """
    logging.captureWarnings(True)
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        logger.propagate = False  # the root logger's handler is Prefect's console one: the terminal
        for handler in list(logger.handlers):
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                logger.removeHandler(handler)
        if not any(isinstance(handler, _RunLogHandler) for handler in logger.handlers):
            logger.addHandler(_RunLogHandler())
