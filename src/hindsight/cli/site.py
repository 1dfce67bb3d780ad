"""`hindsight site build OUT/`: the published postmortems as a static, offline site."""

from __future__ import annotations

from pathlib import Path

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.cli.store_session import session

site_app = typer.Typer(
    name="site", help="The published postmortems as a static site.", no_args_is_help=True
)


@site_app.command("build")
@handle_errors
def build(
    out: Path = typer.Argument(..., help="The folder to write (created if missing)."),
) -> None:
    """Write index.html (with search), one page per published postmortem and search.json."""
    from hindsight.services.site import build_site

    with session() as s:
        built = build_site(s.uow, out)
    console.err.print(
        f"wrote {len(built.pages)} published postmortems to {out}"
        + (f" (removed {len(built.removed)} no longer published)" if built.removed else ""),
        markup=False,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(site_app)
