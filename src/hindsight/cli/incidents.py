"""`hindsight incident new|list|show|timeline`: incidents in the store."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.cli.store_session import session
from hindsight.core.errors import UserError
from hindsight.core.events import Event
from hindsight.core.timeline.render import DURATION_LABELS, format_duration
from hindsight.services import Incident
from hindsight.services.exporting import incident_to_dict
from hindsight.services.incidents import create_incident, get_incident, list_incidents
from hindsight.services.postmortems import action_items
from hindsight.services.timelines import incident_timeline

incident_app = typer.Typer(
    name="incident", help="Incidents in the store: new, list, show.", no_args_is_help=True
)


@incident_app.command("new")
@handle_errors
def new(
    title: str = typer.Argument(..., help="One-line description of what is happening."),
    severity: str | None = typer.Option(None, "--severity", help="SEV-1, SEV-2 or SEV-3."),
    service: list[str] = typer.Option([], "--service", help="An affected service (repeatable)."),
    customer_visible: bool = typer.Option(
        False, "--customer-visible", help="Customers can see the impact."
    ),
) -> None:
    """Open an incident; prints its id and slug."""
    with session() as s:
        made = create_incident(
            s.uow,
            title=title,
            severity=severity,
            services=tuple(service),
            customer_visible=customer_visible,
            actor=s.settings.user,
        )
    console.out.print(f"{made.id}\t{made.slug}", markup=False)


@incident_app.command("list")
@handle_errors
def list_(
    status: str | None = typer.Option(None, "--status", help="open, mitigated, resolved, closed."),
    limit: int = typer.Option(50, "--limit", min=1, max=10_000, help="At most this many."),
    format: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """The newest incidents first."""
    _format(format)
    with session() as s:
        found = list_incidents(s.uow, status=status, limit=limit)
    if format == "json":
        console.out.print(json.dumps([incident_to_dict(i) for i in found], indent=2), markup=False)
        return
    for incident in found:
        console.out.print(
            f"{incident.id}\t{incident.slug}\t{incident.status}\t{incident.severity or '-'}\t"
            f"{incident.title}",
            markup=False,
        )


@incident_app.command("show")
@handle_errors
def show(
    incident: str = typer.Argument(..., help="Incident id or slug."),
    format: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """An incident with its milestones, durations and action items."""
    _format(format)
    with session() as s:
        found = get_incident(s.uow, incident)
        items = action_items(s.uow, found.id)
    if format == "json":
        console.out.print(json.dumps(incident_to_dict(found), indent=2), markup=False)
        return
    for line in describe(found):
        console.out.print(line, markup=False)
    if items:
        console.out.print("action items:", markup=False)
    for item in items:
        console.out.print(
            f"  {item.position}. {item.action} — {item.owner or 'no owner'}"
            f"{f', due {item.due}' if item.due else ''}",
            markup=False,
        )


@incident_app.command("set")
@handle_errors
def set_(
    incident: str = typer.Argument(..., help="Incident id or slug."),
    severity: str | None = typer.Option(None, "--severity", help="SEV-1, SEV-2 or SEV-3."),
    customer_visible: str | None = typer.Option(
        None, "--customer-visible", help="yes or no: customers could see the impact."
    ),
    title: str | None = typer.Option(None, "--title", help="A new one-line title."),
    slack_channel: str | None = typer.Option(
        None, "--slack-channel", help="The incident's channel (C0123ABCD or #name); '' clears."
    ),
) -> None:
    """Change an incident's fields; the trigger table decides again (see `incident show`)."""
    from hindsight.services.incidents import update_incident

    changes: dict[str, Any] = {}
    if severity is not None:
        changes["severity"] = severity
    if customer_visible is not None:
        changes["customer_visible"] = _yes_no(customer_visible)
    if title is not None:
        changes["title"] = title
    if slack_channel is not None:
        changes["slack_channel"] = slack_channel
    if not changes:
        raise UserError(
            "nothing to change",
            fix="give --severity, --customer-visible, --title or --slack-channel",
        )
    with session() as s:
        updated = update_incident(s.uow, incident, actor=s.settings.user, **changes)
    policy = updated.policy
    console.out.print(
        f"{updated.slug}: postmortem {policy.decision} ({policy.trigger}: {policy.why})",
        markup=False,
    )


def _yes_no(value: str) -> bool:
    word = value.strip().lower()
    if word in ("yes", "y", "true"):
        return True
    if word in ("no", "n", "false"):
        return False
    raise UserError(f"{value!r} is not yes or no", where="--customer-visible", fix="yes or no")


def describe(incident: Incident) -> list[str]:
    data = incident_to_dict(incident)
    lines = [
        f"{incident.slug} (id {incident.id}): {incident.title}",
        f"  status: {incident.status}   severity: {incident.severity or '-'}   "
        f"customer-visible: {'yes' if incident.customer_visible else 'no'}",
        f"  services: {', '.join(incident.services) or '-'}",
        f"  postmortem: {incident.policy.decision} ({incident.policy.trigger}: "
        f"{incident.policy.why})",
    ]
    if incident.policy.proposal is not None:
        owner = incident.policy.proposal.owner or "the monitor's owner (unassigned)"
        lines.append(f"  proposed action: {incident.policy.proposal.action} — {owner}")
    if incident.slack_channel:
        lines.append(f"  slack channel: {incident.slack_channel}")
    for name, value in data["milestones"].items():
        if value is not None and name != "suspected_cause_reasoning":
            lines.append(f"  {name.replace('_', ' ')}: {value}")
    for key, value in data["durations_s"].items():
        shown = format_duration(dt.timedelta(seconds=value) if value is not None else None)
        lines.append(f"  {DURATION_LABELS[key]}: {shown}")
    return lines


def is_incident_ref(text: str) -> bool:
    """An id (`42`) or slug (`2026-03-14-checkout-errors`): never a file name or path."""
    return re.fullmatch(r"[a-z0-9][a-z0-9-]*", text) is not None


def stored_events(incident: str) -> list[Event]:
    """The stored evidence of an incident (for `hindsight timeline INCIDENT`)."""
    with session() as s:
        return list(incident_timeline(s.uow, incident).timeline.events)


def _format(value: str) -> None:
    if value not in ("text", "json"):
        raise UserError(f"unknown format {value!r}", where="--format", fix="use text or json")


def register(app: typer.Typer) -> None:
    app.add_typer(incident_app)
