"""A flow run from the command line: the warehouse's run lock, Prefect's temporary server, the run's state."""
from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from newsetl.flows.cli_common import fail

if TYPE_CHECKING:
    from newsetl.flows.server import TemporaryServer

def call_flow(flow, server: TemporaryServer | None, verbose: bool, reporter=None, **parameters) -> dict:
    """A flow run against the temporary server (or PREFECT_API_URL), progress shown; its result, or a one-line error."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings

    from newsetl.flows import progress

    api = {}
    if server is not None and PREFECT_API_URL.value():
        server.stop()  # a Prefect profile names the API to use
    elif server is not None:
        server.wait_ready(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
        api = {PREFECT_API_URL: server.api_url}
    with temporary_settings(updates=api), progress.reporting(reporter or progress.for_terminal(verbose)):
        state = flow(**parameters, return_state=True)
        if server is not None:
            drain_to_server()
    if not state.is_completed():
        from newsetl.transforms.diskspace import DiskFull

        if isinstance(failure := state.result(raise_on_failure=False), DiskFull):
            raise failure  # told in one line (flows/disk_full.py)
        from newsetl.flows.run_log import details

        fail(details(f"flow run {state.name}: {state.message}: nothing of it was committed; fix the cause and run again"))
    return state.result()


@contextmanager
def holding(settings):
    """The warehouse's run lock and a Prefect server for one flow run; a held warehouse is a one-line error."""
    with run_lock(settings), prefect_server() as server:
        yield server


@contextmanager
def run_lock(settings):
    """The warehouse's run lock, held to the end: a second run is refused at once, before a server starts."""
    from newsetl.transforms.warehouse import RunLock, WarehouseLocked

    with ExitStack() as held:
        try:
            held.enter_context(RunLock(settings.warehouse_dir, "starting"))
        except WarehouseLocked as exc:
            fail(f"{exc}: wait for it to end, then run again")
        yield


@contextmanager
def prefect_server():
    """Prefect's temporary server for one flow run (None when PREFECT_API_URL names one), stopped after it."""
    from newsetl.flows import use_state_dir
    from newsetl.flows.server import TemporaryServer

    use_state_dir()  # before the server starts and Prefect is imported: its database goes there
    # The temporary server boots while this process imports and loads; see flows/server.py.
    server = None if os.environ.get("PREFECT_API_URL") else TemporaryServer()
    try:
        yield server
    finally:
        if server is not None:
            server.stop()


def drain_to_server() -> None:
    """Send the run's queued logs and events before the server stops (as prefect_test_harness does)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all()
    EventsWorker.drain_all()
