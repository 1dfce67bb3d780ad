"""`hindsight change add|list`: the change log (deployments, pushes, releases, change events),
kept whether or not an incident exists yet."""

from __future__ import annotations

import datetime as dt
import json

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.core.errors import UserError

change_app = typer.Typer(
    name="change", help="The change log: add a change, list changes.", no_args_is_help=True
)


def _instant(text: str, where: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"{text!r} is not a time", where=where, fix="write RFC 3339, e.g. 2026-03-14T14:12:03Z"
        ) from None
    if value.tzinfo is None:
        raise UserError("the time has no zone", where=where, fix="end it with Z or +HH:MM")
    return value.astimezone(dt.UTC)


def _labels(pairs: list[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserError(f"{pair!r} is not KEY=VALUE", where="--label")
        labels[key.strip()] = value.strip()
    return labels


@change_app.command("add")
@handle_errors
def add(
    summary: str = typer.Argument(..., help="What changed, in one line."),
    service: list[str] = typer.Option(
        ..., "--service", help="A service it touched (repeatable; any name the catalog knows)."
    ),
    environment: str | None = typer.Option(None, "--environment", help="e.g. production."),
    time: str | None = typer.Option(None, "--time", help="When (RFC 3339; default: now)."),
    author: str | None = typer.Option(None, "--author", help="Who made it (default: you)."),
    link: str | None = typer.Option(None, "--link", help="The run, PR or release."),
    label: list[str] = typer.Option([], "--label", help="KEY=VALUE (repeatable)."),
    external_id: str | None = typer.Option(
        None, "--external-id", help="The sender's id: the same id again is stored once."
    ),
    kind: str = typer.Option("deploy", "--kind", help="deploy, push, release or change."),
) -> None:
    """Record a change; it joins the open incidents of its services."""
    from hindsight.cli.store_session import session
    from hindsight.core.changes import check_change
    from hindsight.services.changes import record_change

    with session() as s:
        change = check_change(
            source="cli",
            summary=summary,
            services=service,
            at=_instant(time, "--time") if time else dt.datetime.now(dt.UTC),
            kind=kind,
            environment=environment,
            author=author or s.settings.user,
            link=link,
            labels=_labels(label),
            external_id=external_id,
        )
        recorded = record_change(
            s.uow, change, actor=s.settings.user, lookback=s.settings.change_lookback
        )
    console.out.print(recorded.describe(), markup=False)
    if recorded.unmatched:
        console.out.print(
            f"not in the catalog (kept as given): {', '.join(recorded.unmatched)}", markup=False
        )


@change_app.command("list")
@handle_errors
def list_(
    service: str | None = typer.Option(None, "--service", help="Only changes to this service."),
    since: str | None = typer.Option(None, "--since", help="Only changes from this time on."),
    limit: int = typer.Option(50, "--limit", min=1, max=10_000, help="At most this many."),
    format: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """The newest changes first, with the incidents they joined."""
    from hindsight.cli.store_session import session
    from hindsight.core.changes import change_to_dict
    from hindsight.core.events import format_instant
    from hindsight.services.changes import list_changes

    if format not in ("text", "json"):
        raise UserError(f"unknown format {format!r}", where="--format", fix="use text or json")
    start = _instant(since, "--since") if since else None
    with session() as s:
        page = list_changes(s.uow, service=service, since=start, limit=limit)
    if format == "json":
        rows = [
            {
                "id": c.stored.id,
                **change_to_dict(c.stored.change),
                "incidents": list(c.incidents),
                "unmatched": list(c.unmatched),
            }
            for c in page.items
        ]
        console.out.print(json.dumps(rows, indent=2), markup=False)
        return
    for c in page.items:
        change = c.stored.change
        console.out.print(
            f"{format_instant(change.at)}\t{change.kind.value}\t{','.join(change.services)}\t"
            f"{change.environment or '-'}\t{change.summary}\t"
            f"{','.join(c.incidents) or '-'}",
            markup=False,
        )


def register(app: typer.Typer) -> None:
    app.add_typer(change_app)
