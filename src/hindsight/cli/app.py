"""The `hindsight` command: global options and the registry of command modules."""

from __future__ import annotations

import typer

from hindsight import __version__
from hindsight.cli import (
    analyze,
    console,
    database,
    document,
    draft,
    importing,
    incidents,
    ingesting,
    lint,
    postmortems,
    review,
    serve,
    site,
    timeline,
    tokens,
)

app = typer.Typer(
    name="hindsight",
    help="Blameless postmortems: evidence in, timeline out, the method checked.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        console.out.print(f"hindsight {__version__}")
        raise typer.Exit(console.EXIT_OK)


@app.callback()
def main_options(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    """Blameless postmortems: evidence in, timeline out, the method checked."""
    console.set_debug(debug)


# Each command module registers its commands on the app; one line per module.
document.register(app)
timeline.register(app)
lint.register(app)
incidents.register(app)
ingesting.register(app)
postmortems.register(app)
database.register(app)
importing.register(app)
analyze.register(app)
draft.register(app)
serve.register(app)
tokens.register(app)
review.register(app)
site.register(app)


def main() -> None:
    app()
