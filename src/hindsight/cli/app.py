"""The `hindsight` command: global options and the registry of command modules.

Command modules are imported only when needed: `hindsight lint x.md` imports `cli.lint` and
nothing of the store or the server (importing SQLAlchemy, Alembic and FastAPI costs more than
linting a file). `main()` registers the one module that owns the command named on the command
line; anything else (`--help`, no command, an unknown name) gets the full app, as does
`from hindsight.cli.app import app`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import typer

from hindsight import __version__
from hindsight.cli import console
from hindsight.cli.help_text import readable_metavars

# Command (or group) name → the module under hindsight.cli that registers it; one line each.
# A test checks this table against what the modules really register.
COMMANDS: dict[str, str] = {
    "new": "document",
    "fmt": "document",
    "show": "document",
    "sample": "document",
    "lint": "lint",
    "rules": "lint",
    "lsp": "lsp",
    "timeline": "timeline",
    "incident": "incidents",
    "ingest": "ingesting",
    "postmortem": "postmortems",
    "export": "postmortems",
    "db": "database",
    "backup": "database",
    "restore": "database",
    "import": "importing",
    "analyze": "analyze",
    "draft": "draft",
    "serve": "serve",
    "worker": "worker",
    "token": "tokens",
    "actions": "actions",
    "change": "change",
    "catalog": "catalog",
    "review": "review",
    "site": "site",
}
# The order `--help` lists them in.
MODULES: tuple[str, ...] = tuple(dict.fromkeys(COMMANDS.values()))


def _version(value: bool) -> None:
    if value:
        console.out.print(f"hindsight {__version__}")
        raise typer.Exit(console.EXIT_OK)


def main_options(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    """Blameless postmortems: evidence in, timeline out, the method checked."""
    console.set_debug(debug)


def build_app(modules: Iterable[str] = MODULES) -> typer.Typer:
    """The app with the commands of `modules` registered (each module's `register(app)`)."""
    built = typer.Typer(
        name="hindsight",
        help="Blameless postmortems: evidence in, timeline out, the method checked.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    built.callback()(main_options)
    for name in modules:
        importlib.import_module(f"hindsight.cli.{name}").register(built)
    return built


def _command_name(argv: Sequence[str]) -> str | None:
    """The first word that is not a global option (`--debug`, `--version` take no value)."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def modules_for(argv: Sequence[str]) -> tuple[str, ...]:
    """The command modules needed to run `argv`: one when the command is known, else all."""
    name = _command_name(argv)
    if name is None and "--version" in argv:
        return ()
    owner = COMMANDS.get(name or "")
    return (owner,) if owner is not None else MODULES


_full: dict[str, typer.Typer] = {}


def __getattr__(name: str) -> Any:
    """`app`: the full app, built on first use (tests and `python -m hindsight` callers)."""
    if name == "app":
        if "app" not in _full:
            _full["app"] = build_app()
        return _full["app"]
    raise AttributeError(name)


def main() -> None:
    try:
        command = typer.main.get_command(build_app(modules_for(sys.argv[1:])))
        readable_metavars(command)
        command.main(prog_name="hindsight")
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
    except BrokenPipeError:
        try:
            console.reader_gone()
        except typer.Exit as done:
            sys.exit(done.exit_code)
