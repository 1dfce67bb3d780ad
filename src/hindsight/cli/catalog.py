"""`hindsight catalog import|list`: the service catalog, so every tool's name for a service
means one service."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors

catalog_app = typer.Typer(
    name="catalog",
    help="The service catalog: import hindsight.toml and Backstage files, list it.",
    no_args_is_help=True,
)


@catalog_app.command("import")
@handle_errors
def import_(
    paths: list[Path] = typer.Argument(
        ...,
        help="hindsight.toml, pyproject.toml or Backstage catalog-info.yaml files, or folders "
        "(every catalog-info.yaml under them).",
    ),
) -> None:
    """Import services; a file in error names file, entity and field and changes nothing."""
    from hindsight.cli.store_session import session
    from hindsight.services.catalog import import_catalog, read_catalog_files

    entries, files = read_catalog_files(paths)  # read and checked before the store is touched
    with session() as s:
        done = import_catalog(s.uow, entries, files, actor=s.settings.user)
    console.out.print(
        f"{done.services} services from {done.files} files; {done.total} in the catalog",
        markup=False,
    )


@catalog_app.command("list")
@handle_errors
def list_(format: str = typer.Option("text", "--format", help="text or json.")) -> None:
    """The services, and the names in use that no service declares."""
    from hindsight.cli.store_session import session
    from hindsight.core.errors import UserError
    from hindsight.services.catalog import catalog_view

    if format not in ("text", "json"):
        raise UserError(f"unknown format {format!r}", where="--format", fix="use text or json")
    with session() as s:
        view = catalog_view(s.uow)
    if format == "json":
        data = {"items": [e.to_dict() for e in view.entries], "unmatched": list(view.unmatched)}
        console.out.print(json.dumps(data, indent=2), markup=False)
        return
    for entry in view.entries:
        console.out.print(f"{entry.name}\t{entry.title or '-'}\t{entry.origin}", markup=False)
    if view.unmatched:
        console.out.print(f"unmatched: {', '.join(view.unmatched)}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(catalog_app)
