"""`hindsight actions list|set|sync`: follow-ups as records, and their trackers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import httpx
import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.cli.store_session import session
from hindsight.core.actions import parse_status
from hindsight.core.errors import UserError
from hindsight.core.plural import plural
from hindsight.services import StoredActionItem, reminders
from hindsight.services.action_items import (
    ItemFilter,
    list_action_items,
    parse_today,
    set_status,
    to_dict,
)
from hindsight.services.tracker_sync import sync_configured

actions_app = typer.Typer(
    name="actions",
    help="Action items (follow-ups): list, set status, sync with the issue tracker.",
    no_args_is_help=True,
)
FORMATS = ("table", "json", "csv")
CSV_COLUMNS = ("id", "incident", "owner", "action", "type", "due", "tracking", "status", "reason")


@actions_app.command("list")
@handle_errors
def list_(
    incident: str | None = typer.Argument(None, metavar="[SLUG]", help="Only this incident's."),
    overdue: bool = typer.Option(False, "--overdue", help="Open and due before today."),
    today: str | None = typer.Option(
        None, "--today", metavar="YYYY-MM-DD", help="The day --overdue counts from."
    ),
    owner: str | None = typer.Option(None, "--owner", metavar="NAME", help="Owned by NAME."),
    status: str | None = typer.Option(None, "--status", help="open, done or not_doing."),
    format: str = typer.Option("table", "--format", help="table, json or csv."),
) -> None:
    """Action items, soonest due first."""
    if format not in FORMATS:
        raise UserError(
            f"unknown format {format!r}", where="--format", fix="use table, json or csv"
        )
    filters = ItemFilter(
        incident=incident,
        owner=owner,
        status=parse_status(status, where="--status") if status is not None else None,
        overdue=overdue,
        today=parse_today(today),
    )
    with session() as s:
        items = list_action_items(s.uow, filters)
    console.out.print(render_items(items, format), markup=False, end="")


def render_items(items: list[StoredActionItem], format: str) -> str:
    rows = [to_dict(i) for i in items]
    if format == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    if not rows:
        return "no action items\n"
    header = ("ID", "INCIDENT", "OWNER", "DUE", "TYPE", "STATUS", "ACTION", "TRACKING")
    table = [header] + [
        (
            str(r["id"]),
            str(r["incident"]),
            str(r["owner"] or "-"),
            str(r["due"] or "-"),
            str(r["type"] or "-"),
            str(r["status"]),
            str(r["action"]),
            str(r["tracking"] or "-"),
        )
        for r in rows
    ]
    widths = [max(len(line[c]) for line in table) for c in range(len(header) - 1)]
    return "".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line[:-1], widths, strict=True))
        + "  "
        + line[-1]
        + "\n"
        for line in table
    )


@actions_app.command("set")
@handle_errors
def set_(
    item: int = typer.Argument(..., metavar="ID", help="The action item's id (actions list)."),
    status: str = typer.Option(..., "--status", help="done, not_doing or open."),
    reason: str | None = typer.Option(None, "--reason", metavar="TEXT", help="Why not_doing."),
) -> None:
    """Mark an action item done, not doing (with a reason) or open again."""
    with session() as s:
        updated = set_status(
            s.uow,
            item,
            parse_status(status, where="--status"),
            reason=reason,
            actor=s.settings.user,
        )
    suffix = f" ({updated.status_reason})" if updated.status_reason else ""
    console.out.print(f"{updated.id}\t{updated.status}{suffix}\t{updated.action}", markup=False)


@actions_app.command("sync")
@handle_errors
def sync(
    incident: str | None = typer.Argument(None, metavar="[SLUG]", help="Only this incident's."),
) -> None:
    """Open an issue for each untracked open item, link it in the postmortem, pull states.

    The tracker is HINDSIGHT_TRACKER (github, gitlab or jira) with its settings. Exit 0 when
    done; 2 with the tracker's error explained, what was saved before it kept whole.
    """
    with session() as s:
        name, report = sync_configured(
            s.uow,
            s.settings,
            incident=incident,
            say=lambda line: console.out.print(line, markup=False),
        )
    console.err.print(
        f"{name}: {len(report.opened)} opened, {len(report.relinked)} found again, "
        f"{len(report.moved)} status changes, {len(report.closed)} closed there, "
        f"{report.unchanged} unchanged",
        markup=False,
    )


@actions_app.command("remind")
@handle_errors
def remind(
    today: str | None = typer.Option(
        None, "--today", metavar="YYYY-MM-DD", help="The day to count from (default: today)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the message, post nothing."),
) -> None:
    """Post overdue and due-soon follow-ups to Slack (run it on a schedule).

    HINDSIGHT_SLACK_BOT_TOKEN and HINDSIGHT_SLACK_REMINDER_CHANNEL say where;
    HINDSIGHT_SLACK_USERS maps owners to Slack users so they are mentioned;
    HINDSIGHT_REMINDER_DUE_SOON_DAYS is how far ahead "due soon" looks.
    """
    day = parse_today(today) or dt.date.today()
    with session() as s:
        found = reminders.collect(s.uow, s.settings, day)
        if not found.items:
            console.err.print(
                "no follow-ups are overdue or due soon: nothing to post", markup=False
            )
            return
        console.out.print(found.text, markup=False)
        if dry_run:
            return
        with httpx.Client(timeout=s.settings.tracker_timeout_s) as client:
            reminders.post(client, s.settings, found.text)
    console.err.print(f"posted {plural(len(found.items), 'reminder')}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(actions_app)
