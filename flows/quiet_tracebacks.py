"""Tracebacks stay off the terminal unless --verbose: Prefect's console handler prints a failing task's or
flow's message line alone, while the record, traceback and all, still goes to the run's log on Prefect's
server. The command line sets NEWSETL_QUIET_TRACEBACKS; its processes (the flow's, local workers) honour it."""
from __future__ import annotations

import logging
import os

VARIABLE = "NEWSETL_QUIET_TRACEBACKS"


class MessageOnly(logging.Formatter):
    """Another formatter's output for a record without its traceback or stack."""

    def __init__(self, inner: logging.Formatter):
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info or record.exc_text or record.stack_info:
            # A copy: the same record goes on to the server's handler, traceback and all.
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None, "stack_info": None})
        return self.inner.format(record)


def quiet_tracebacks() -> None:
    """In a process of a command that asked for it: Prefect's console handlers print messages without tracebacks."""
    if not os.environ.get(VARIABLE):
        return
    from prefect.logging.handlers import PrefectConsoleHandler

    loggers = [logging.getLogger()] + [logger for logger in logging.Logger.manager.loggerDict.values()
                                       if isinstance(logger, logging.Logger)]
    for handler in {handler for logger in loggers for handler in logger.handlers}:
        if isinstance(handler, PrefectConsoleHandler) and not isinstance(handler.formatter, MessageOnly):
            handler.setFormatter(MessageOnly(handler.formatter or logging.Formatter()))
