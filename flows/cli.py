"""The `newsetl` command line: run the flow, query, search and rebuild the warehouse, and report on its quality.

Every command imports what it uses inside its own body: `query`, `search`, `status`, `report` and
`--version` start without Prefect, Great Expectations, spaCy, Dask or pandas (tests/test_cli_imports.py).
Keep heavy imports out of this module's top level and out of the package __init__s.
"""
# ruff: noqa: E402 - the clock starts before the imports
from __future__ import annotations

import sys
from pathlib import Path

import typer

from newsetl.flows import cli_help

# The run summary's wall time is the command's, from here: the first instruction of the command line.
from newsetl.flows.cli_clock import STARTED  # noqa: F401
from newsetl.flows.cli_common import fail, settings_for
from newsetl.flows.cli_query import query, search
from newsetl.flows.cli_run import run
from newsetl.flows.cli_warehouse import backup, migrate, rebuild, report, reprocess, status
from newsetl.flows.command_group import NewsetlGroup, console

app = typer.Typer(help="newsetl: German news articles -> a clean, tagged, validated DuckDB warehouse.",
                  no_args_is_help=True, cls=NewsetlGroup)


def init(target: Path = typer.Argument(Path("."), metavar="DIR", help="Folder of the new project (made if missing; default: here).")
         ) -> None:
    """Make a project to start from: landing/ with five sample articles, sql/ with example queries, a prefect.yaml
    with the hourly deployment and a README; then `newsetl run` inside it fills warehouse/."""
    from newsetl.flows.project import ProjectExists, init_project

    try:
        written = init_project(target)
    except ProjectExists as exc:
        fail(str(exc))
    out = console(highlight=False)
    out.print(f"made a newsetl project in {target.resolve()}: {len(written)} files", soft_wrap=True)
    where = "" if target.resolve() == Path.cwd().resolve() else f"cd {target} && "
    out.print(f"next: {where}newsetl run && newsetl query \"select title, outlet from articles\"", soft_wrap=True)


for command in (run, reprocess, query, search, rebuild, report, status, migrate, backup, init):
    app.command()(command)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"newsetl {version('newsetl')}")
        raise typer.Exit()


@app.callback()
def main_options(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                              help="Print the version and exit.")) -> None:
    """newsetl: German news articles -> a clean, tagged, validated DuckDB warehouse."""


automation_app = typer.Typer(help="Prefect automations for a Prefect server that runs the news-etl deployments.",
                             no_args_is_help=True, cls=NewsetlGroup)
app.add_typer(automation_app, name="automation")


@automation_app.command("install")
def automation_install(notify: list[str] = typer.Option(None, "--notify", metavar="URL", help=cli_help.NOTIFY)) -> None:
    """Notify the Apprise URLs when a news-etl flow run ends Failed or Crashed, and when none completed for two
    hours, from the Prefect server of PREFECT_API_URL; installing again replaces the automations."""
    settings = settings_for(notify=" ".join(notify) if notify else None)
    if not settings.notify:
        fail("no address to notify: give --notify URL or set NEWSETL_NOTIFY")
    from newsetl.transforms.notify import unusable

    if unusable(settings.notify):
        fail(f"--notify (or NEWSETL_NOTIFY): Apprise cannot use {', '.join(unusable(settings.notify))}")
    from newsetl.flows import use_state_dir

    use_state_dir()
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        fail("automations live on a Prefect server: set PREFECT_API_URL (http://127.0.0.1:4200/api)")
    from newsetl.flows.automation import install

    try:
        installed = install(settings.notify)
    except Exception as exc:  # the server's answer, on one line
        fail(f"could not install the automations on {PREFECT_API_URL.value()}: {exc}")
    for name, automation_id in installed:
        console(highlight=False).print(f"installed automation {name} ({automation_id})")


def main() -> None:
    """Entry point for `python -m newsetl.flows.cli`."""
    sys.exit(app())


if __name__ == "__main__":
    main()
