"""AC: action items with one owner, a type, a due date and a ticket — the table's columns."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from hindsight.core.checks.context import Context
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Rule, RuleOptions, at
from hindsight.core.checks.rules._common import heading_line, template_cells
from hindsight.core.checks.text import words
from hindsight.core.document.model import Span, Table
from hindsight.core.document.template import (
    ACTION_TYPES,
    SectionKind,
    contains_placeholder,
    is_placeholder,
)


@dataclass(frozen=True)
class Row:
    table: Table
    cells: dict[str, str]  # role → text, for the columns the table has
    span: Span | None


def rows(ctx: Context) -> list[Row]:
    """Rows of the action tables, without the template's `<name> | <…>` rows."""
    found = ctx.memo.get("action-rows")
    if found is None:
        found = ctx.memo["action-rows"] = list(_rows(ctx))
    return cast(list[Row], found)


def _rows(ctx: Context) -> Iterator[Row]:
    for table, roles in ctx.action_tables:
        action = roles.get("action")
        for index, row in enumerate(table.rows):
            if all(is_placeholder(c) or c.strip() in ("", "…", "...") for c in row):
                continue
            cell = row[action].strip() if action is not None and action < len(row) else ""
            if cell in template_cells() or contains_placeholder(cell):
                continue  # the template's own row: ST012 reports it
            cells = {role: row[i].strip() if i < len(row) else "" for role, i in roles.items()}
            yield Row(table, cells, table.row_span(index))


class _Column(Rule):
    """Base for rules over one column: reports a table without it once, then bad cells."""

    role: str
    column: str

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        for table, roles in ctx.action_tables:
            if self.role not in roles and any(True for r in rows(ctx) if r.table is table):
                yield at(table.span, f"the action items table has no {self.column} column")
        for row in rows(ctx):
            if self.role in row.cells:
                problem = self.problem(ctx, row.cells[self.role])
                if problem:
                    yield at(row.span, problem)

    def problem(self, ctx: Context, value: str) -> str | None:
        raise NotImplementedError


_UNSET = re.compile(r"^(?:|tbd|tba|tbc|\?+|-+|—|–|n/?a|none|unassigned|unknown|nobody|todo)$", re.I)


@register
class ActionOwnerMissing(_Column):
    """Every action has an owner.

    What it checks:
    Each action item row names an owner; empty, "TBD", "?", "unassigned" and "n/a" are not
    owners.

    Why it matters:
    "One owner per action. Always a single name, never a team or 'TBD'." If you don't know
    who, the action is "<manager> finds the right owner by <date>".

    Example:
    `| TBD | Add a CI check for pool sizes | prevent | 2026-04-01 | REL-413 |`

    Use instead:
    `| Priya Raman | Add a CI check for pool sizes | prevent | 2026-04-01 | REL-413 |`
    """

    code = "AC001"
    name = "action-owner-missing"
    summary = "An action item has no owner"
    completeness = True
    role, column = "owner", "Owner"

    def problem(self, ctx: Context, value: str) -> str | None:
        return f"no owner ('{value}')" if _UNSET.match(value.strip("*_ ")) else None


_GROUP_WORDS = frozenset(
    words(
        """
    we us everyone everybody all anyone sre sres ops devops eng engineering infra
    infrastructure platform security dev devs developers qa oncall on-call management
    leadership support backend frontend dba dbas it network networking product staff team
    """
    )
)
_GROUP = re.compile(
    r"\b(?:team|teams|squad|group|guild|crew|department|org|organi[sz]ation|committee|"
    r"everyone|everybody)\b|^@[\w-]+/[\w-]+$",
    re.I,
)


@register
class ActionOwnerGroup(_Column):
    """An action's owner is a person, not a team.

    What it checks:
    The owner is not a team or group: "the team", "SRE", "we", "everyone", "ops", "platform
    team", a GitHub team `@org/team`.

    Why it matters:
    "'The team' is not an owner." An action owned by everyone is owned by no one, and six
    months later nothing has shipped.

    Example:
    `| SRE team | Add an alert on connection-wait time | detect | … |`

    Use instead:
    `| Tomás Ortega | Add an alert on connection-wait time | detect | … |`
    """

    code = "AC002"
    name = "action-owner-group"
    summary = "An action item is owned by a team or group"
    role, column = "owner", "Owner"

    def problem(self, ctx: Context, value: str) -> str | None:
        text = value.strip("*_ ").casefold()
        if _UNSET.match(text):
            return None
        bare = text.removeprefix("the ").strip()
        if bare in _GROUP_WORDS or _GROUP.search(text):
            return f"owner '{value}' is a group; name one person"
        return None


_SEVERAL = re.compile(r"\s*(?:,|;|/|&|\+|\band\b|\bor\b)\s*", re.I)


@register
class ActionMultipleOwners(_Column):
    """An action has exactly one owner.

    What it checks:
    The owner cell names one person, not two or more ("A, B", "A and B", "A/B", "A & B").

    Why it matters:
    Two owners each assume the other is on it. One name makes it clear who to ask.

    Example:
    `| Priya Raman, Mei Lin | Wire the load-testing rig into the pipeline | … |`

    Use instead:
    One row per owner, or one owner who coordinates.
    """

    code = "AC003"
    name = "action-multiple-owners"
    summary = "An action item has more than one owner"
    role, column = "owner", "Owner"

    def problem(self, ctx: Context, value: str) -> str | None:
        text = re.sub(r"\([^)]*\)", "", value)
        parts = [p for p in _SEVERAL.split(text) if p and p.strip()]
        return f"{len(parts)} owners ('{value}'); name one" if len(parts) > 1 else None


@register
class ActionType(_Column):
    """Each action's type is prevent, detect, mitigate or process.

    What it checks:
    The Type cell holds exactly one of prevent / detect / mitigate / process.

    Why it matters:
    The type says what the action is for; it is how a review notices that every action is
    "prevent" and nothing improves detection or blast radius.

    Example:
    `| … | Alert on connection-wait time | monitoring | … |`

    Use instead:
    `| … | Alert on connection-wait time | detect | … |`
    """

    code = "AC005"
    name = "action-type"
    summary = "An action's type is not prevent, detect, mitigate or process"
    role, column = "type", "Type"

    def problem(self, ctx: Context, value: str) -> str | None:
        if value.strip("*_ `").casefold() in ACTION_TYPES:
            return None
        return f"type '{value}' is not one of: {', '.join(ACTION_TYPES)}"


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@register
class ActionDueDate(_Column):
    """Each action has a due date, as a date, after the incident.

    What it checks:
    The Due cell is an ISO date (YYYY-MM-DD) that exists, not "TBD" or "Q3", and not before
    the Date of incident.

    Why it matters:
    "Deadlines are missing, and six months later nothing has shipped." A real date can be
    tracked and chased.

    Example:
    `| … | TBD | …` or `next sprint`

    Use instead:
    `| … | 2026-04-01 | …`
    """

    code = "AC006"
    name = "action-due-date"
    summary = "An action has no valid due date"
    completeness = True
    role, column = "due", "Due"

    def problem(self, ctx: Context, value: str) -> str | None:
        text = value.strip("*_ `")
        if _UNSET.match(text):
            return f"no due date ('{value}')"
        if not _ISO.match(text):
            return f"due date '{value}' is not YYYY-MM-DD"
        try:
            due = dt.date.fromisoformat(text)
        except ValueError:
            return f"due date '{value}' does not exist"
        if ctx.incident_date and due < ctx.incident_date:
            return f"due date {text} is before the incident ({ctx.incident_date.isoformat()})"
        return None


_REF = re.compile(r"https?://\S+|(?<![\w/])#\d+\b|\b[A-Z][A-Z0-9]+-\d+\b|\b[\w.-]+/[\w.-]+#\d+\b")


@register
class ActionTracking(_Column):
    """Each action links to its ticket.

    What it checks:
    The Tracking cell holds a URL or an issue reference (`#123`, `REL-413`, `org/repo#12`).
    Action items written as a list need the reference in the item.

    Why it matters:
    "Action items that live only inside the postmortem document die there." The ticket keeps
    the work visible next to everything else the team does.

    Example:
    `| … | prevent | 2026-04-01 | to do |`

    Use instead:
    `| … | prevent | 2026-04-01 | REL-413 |`
    """

    code = "AC007"
    name = "action-tracking"
    summary = "An action has no tracking link"
    completeness = True
    role, column = "tracking", "Tracking"

    def problem(self, ctx: Context, value: str) -> str | None:
        return None if _REF.search(value) else f"no tracking link ('{value}')"

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        yield from super().check(ctx, opts)
        listed = [a for a in ctx.actions if not a.from_table and not is_placeholder(a.action)]
        untracked = [a for a in listed if not a.tracking]
        if untracked:  # one finding for a list: its items may be notes as much as actions
            yield at(
                untracked[0].span,
                f"{len(untracked)} of {len(listed)} listed actions link no ticket",
            )


@register
class PreventOnly(Rule):
    """Actions include detect or mitigate, not only prevent.

    What it checks:
    When action types are given, at least one is detect or mitigate.

    Why it matters:
    "A postmortem with only 'prevent' actions is incomplete; you can't prevent every cause,
    so you also need detection and mitigation."

    Example:
    Three actions, all `prevent`.

    Use instead:
    Add `detect` (catch the same cause faster) and `mitigate` (limit blast radius) actions.
    """

    code = "AC008"
    name = "prevent-only"
    summary = "No detect or mitigate action"
    severity = Severity.WARNING

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        types = [r.cells["type"].strip("*_ `").casefold() for r in rows(ctx) if "type" in r.cells]
        known = [t for t in types if t in ACTION_TYPES]
        if known and not {"detect", "mitigate"} & set(known):
            section = ctx.section(SectionKind.ACTION_ITEMS)
            yield Finding(
                heading_line(section),
                f"all {len(known)} typed actions are {' or '.join(sorted(set(known)))}; "
                "add a detect or mitigate action",
            )


@register
class ActionsNotTable(Rule):
    """Action items are the template's table.

    What it checks:
    The Action items section holds its items in a table with Owner, Action, Type, Due and
    Tracking columns, not as a bullet list or prose.

    Why it matters:
    Owners, types, due dates and tickets only get checked — and filled in — when each has
    its own column.

    Example:
    `- Add more alerting (Bob)`

    Use instead:
    `| Owner | Action | Type | Due | Tracking |` with one row per action.
    """

    code = "AC010"
    name = "actions-not-table"
    summary = "Action items are not in the template table"
    severity = Severity.WARNING

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        listed = [a for a in ctx.actions if not a.from_table and not is_placeholder(a.action)]
        if listed and not ctx.action_tables:
            yield at(
                listed[0].span,
                f"{len(listed)} action item(s) are a list; use the Owner | Action | Type | Due"
                " | Tracking table",
            )
