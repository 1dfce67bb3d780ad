"""Reminders of follow-ups: which open items are overdue or due soon, and the message that
says so, mentioning each owner where a name maps to a Slack user."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hindsight.core.actions.completion import FollowUp
from hindsight.core.actions.due import is_due_soon, is_overdue
from hindsight.core.errors import ConfigError

_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class Reminder:
    item: FollowUp
    overdue: bool
    days: int  # days late (overdue) or days left (due soon)


def due_reminders(items: Iterable[FollowUp], today: dt.date, soon_days: int) -> list[Reminder]:
    """Overdue items (most late first), then items due within `soon_days` (soonest first)."""
    late, soon = [], []
    for item in items:
        if item.due is None:
            continue
        if is_overdue(item.status, item.due, today):
            late.append(Reminder(item, True, (today - item.due).days))
        elif is_due_soon(item.status, item.due, today, soon_days):
            soon.append(Reminder(item, False, (item.due - today).days))
    late.sort(key=lambda r: (-r.days, r.item.id))
    soon.sort(key=lambda r: (r.days, r.item.id))
    return late + soon


def parse_people(text: str, *, where: str = "HINDSIGHT_SLACK_USERS") -> dict[str, str]:
    """`Priya Raman=U01PRIYA, jonas=U02JONAS` → {"priya raman": "U01PRIYA", "jonas": …}."""
    people: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, user = part.partition("=")
        if not sep or not name.strip() or not _SLACK_ID.match(user.strip()):
            raise ConfigError(
                f"{part!r} is not NAME=SLACK_USER_ID",
                where=where,
                fix="write pairs like `Priya Raman=U01PRIYA`, comma-separated",
            )
        people[name.strip().casefold()] = user.strip()
    return people


def _owner(name: str | None, people: Mapping[str, str]) -> str:
    if not name:
        return "no owner"
    user = people.get(name.strip().casefold())
    return f"<@{user}>" if user else name


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _escape(text: str) -> str:
    """Slack's three control characters in message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def reminder_text(
    reminders: Iterable[Reminder], people: Mapping[str, str], links: Mapping[str, str]
) -> str:
    """One Slack message (mrkdwn) listing the reminders; `links` maps incident → permalink."""
    lines = ["*Follow-ups that need attention*"]
    for r in reminders:
        when = (
            f"{_days(r.days)} overdue"
            if r.overdue
            else ("due today" if r.days == 0 else f"due in {_days(r.days)}")
        )
        incident = r.item.incident
        link = links.get(incident)
        where = f"<{link}|{_escape(incident)}>" if link else _escape(incident)
        lines.append(
            f"• {_owner(r.item.owner, people)}: {_escape(r.item.action)} — {when} "
            f"({r.item.due}, {where})"
        )
    return "\n".join(lines)
