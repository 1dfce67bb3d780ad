"""`hindsight review agenda`: the review meeting's 45-minute agenda, built from the document."""

from __future__ import annotations

from pathlib import Path

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.cli.store_session import session
from hindsight.core.errors import UserError

review_app = typer.Typer(
    name="review", help="The review meeting: its agenda and invite.", no_args_is_help=True
)
FORMATS = ("md", "html", "ics")


@review_app.command("agenda")
@handle_errors
def agenda(
    incident: str = typer.Argument(..., help="Incident id or slug."),
    format: str = typer.Option("md", "--format", help="md, html (printable) or ics (invite)."),
    start: str | None = typer.Option(
        None, "--start", help="ISO-8601 with a zone, e.g. 2026-03-20T15:00Z (default: next hour)."
    ),
    duration: int = typer.Option(45, "--duration", help="Minutes (the guide's is 45)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write to this file."),
) -> None:
    """The agenda: summary and impact, timeline and its questions, root cause and the five
    whys, action items with missing owners and dates flagged."""
    from hindsight.services import utc_now
    from hindsight.services.linting import settings_options
    from hindsight.services.review import (
        incident_agenda,
        parse_start,
        to_html,
        to_ics,
        to_markdown,
    )

    if format not in FORMATS:
        raise UserError(f"unknown format {format!r}", where="--format", fix="md, html or ics")
    begins = parse_start(start, utc_now())
    with session() as s:
        built = incident_agenda(
            s.uow,
            incident,
            settings_options(s.settings.lint_config),
            start=begins,
            minutes=duration,
        )
    data = (
        to_ics(built)
        if format == "ics"
        else (to_html(built) if format == "html" else to_markdown(built)).encode()
    )
    if output is None:
        typer.echo(data.decode(), nl=False)
    else:
        output.write_bytes(data)
        console.err.print(f"wrote {output}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app)
