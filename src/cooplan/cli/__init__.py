"""The ``cooplan`` command-line tool: a thin layer over the Python API.

Every module in :mod:`cooplan.cli.commands` defines ``register(app)`` and is found
automatically, so each command lives in a small module of its own. Errors are turned into
exit codes in one place, :func:`main`.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click
import typer

from cooplan import __version__
from cooplan.cli.output import err_console
from cooplan.errors import CooplanError, InputError

app = typer.Typer(
    name="cooplan",
    help="Plan an economy of worker cooperatives: balances, optimal plans, institutions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"cooplan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version."
    ),
) -> None:
    """cooplan: democratic socialist planning for a federation of worker cooperatives."""


def _register_commands() -> None:
    from cooplan.cli import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_commands()


def _usage_errors() -> tuple[type[Exception], ...]:
    """Click's usage errors: those of click and of the copy of click that Typer may carry."""
    errors: list[type[Exception]] = [click.exceptions.ClickException]
    try:
        from typer._click.exceptions import ClickException as TyperClickException
    except ImportError:  # pragma: no cover - Typer versions without their own click
        pass
    else:
        errors.append(TyperClickException)
    return tuple(errors)


USAGE_ERRORS = _usage_errors()


def report_error(error: CooplanError) -> int:
    """Print ``error`` for a person and return the exit status it maps to."""
    if isinstance(error, InputError):
        err_console.print(f"[bold red]error:[/] {error.summary}", highlight=False)
        for problem in error.problems:
            err_console.print(f"  • {problem}", highlight=False, markup=False)
    else:
        err_console.print(f"[bold red]error:[/] {error}", highlight=False)
    return error.exit_code


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``cooplan`` script; returns the process exit status."""
    try:
        returned = app(args=argv, standalone_mode=False)
    except CooplanError as error:
        code = report_error(error)
        if argv is None:
            sys.exit(code)
        return code
    except typer.Exit as done:
        if argv is None:
            sys.exit(done.exit_code)
        return int(done.exit_code)
    except USAGE_ERRORS as usage:
        usage.show()  # type: ignore[attr-defined]
        code = int(usage.exit_code)  # type: ignore[attr-defined]
        if argv is None:
            sys.exit(code)
        return code
    code = returned if isinstance(returned, int) else 0  # typer.Exit(n) comes back as n
    if argv is None:
        sys.exit(code)
    return code
