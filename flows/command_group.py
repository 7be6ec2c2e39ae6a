"""The `newsetl` command group: help a person reads, errors on one line, a closed pipe ends quietly.

- `--help` names each value by its metavar (DIR, N, URL) and shows nothing after a flag; typer writes its
  own type names after every option (<str>, <int>, and <bool> after flags such as --help).
- A usage error is one `error:` line that ends with what to do, like the commands' own errors.
- A reader that closes the pipe early (`newsetl query ... | head -1`) got what it wanted: exit 0, no traceback.
"""
from __future__ import annotations

import functools
import os
import sys

from typer.core import TyperArgument, TyperGroup

# What an option's value is, where its type alone does not say (a metavar given to typer.Option wins).
METAVARS = {"--input": "DIR", "--warehouse": "DIR", "--file": "FILE", "--dask-address": "URL", "--catalog": "URL",
            "--since": "DATE", "--as-of": "RUN_ID", "--stage": "STAGE", "--format": "FORMAT"}
_BY_TYPE = {"int": "N", "float": "X", "Path": "PATH"}


def _shown_type(param, ctx=None) -> str | None:
    """After an option, the name of its value; nothing after a flag or an argument (its name is its metavar)."""
    if isinstance(param, TyperArgument) or getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    if param.metavar:
        return param.metavar
    named = [METAVARS[o] for o in param.opts if o in METAVARS]
    return named[0] if named else _BY_TYPE.get(param.bare_type(), "TEXT")


def _readable(params: list) -> list:
    for param in params:
        param.display_type_rich = functools.partial(_shown_type, param)
    return params


def console(**options):
    """A rich Console whose closed pipe ends the command quietly (rich's own exits with status 1)."""
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return PipeConsole(**options)


def error_line(message: str) -> None:
    """An error as the command line prints every error: `error: what happened: what to do`, one line on stderr."""
    console(stderr=True, highlight=False).print(f"[bold red]error:[/] {message}", soft_wrap=True)


def _quiet_closed_pipe() -> None:
    # Python would flush stdout again at exit and fail on the closed pipe: point it at /dev/null.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


class NewsetlGroup(TyperGroup):
    """The command group whose help, and every command's help, shows metavars only; see the module's doc."""

    def get_params(self, ctx):
        return _readable(super().get_params(ctx))

    def get_command(self, ctx, cmd_name: str):
        command = super().get_command(ctx, cmd_name)
        if command is not None and not getattr(command, "_readable_help", False):
            command.get_params = functools.partial(lambda get, ctx: _readable(get(ctx)), command.get_params)
            command._readable_help = True
        return command

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _quiet_closed_pipe()
            return None

    def main(self, *args, standalone_mode: bool = True, **extra):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **extra)
        from rich.markup import escape
        from typer._click.exceptions import ClickException, NoArgsIsHelpError

        try:
            code = super().main(*args, standalone_mode=False, **extra)
        except NoArgsIsHelpError:
            sys.exit(2)  # the help is printed
        except ClickException as exc:
            message = exc.format_message()
            ctx = getattr(exc, "ctx", None)
            hint = f": see `{ctx.command_path} --help`" if ctx is not None else ""
            error_line(escape(message[:1].lower() + message[1:].rstrip(".")) + hint)
            sys.exit(exc.exit_code)
        sys.exit(code if isinstance(code, int) else 0)
