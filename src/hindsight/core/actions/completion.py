"""How follow-ups get done: completion within 30, 60 and 90 days (overall, by type, by team),
postmortems whose actions are all `prevent`, and items still open past their due date.

"Done within N days" counts from the day the item was written down (its record's creation)
to the day it was closed as done, and is a share of the items at least N days old: an item
written last week cannot have failed a 90-day target yet. `not_doing` items are decided, not
done: they count in the totals and never as done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hindsight.core.actions.status import ActionStatus

WINDOWS = (30, 60, 90)


@dataclass(frozen=True)
class FollowUp:
    """One item as completion sees it."""

    id: int
    incident: str
    type: str | None
    teams: tuple[str, ...]  # the services of its incident
    status: ActionStatus
    created: dt.date
    closed: dt.date | None = None
    due: dt.date | None = None
    owner: str | None = None
    action: str = ""


@dataclass(frozen=True)
class Window:
    days: int
    eligible: int  # items at least `days` old
    done: int  # of those, done within `days`

    @property
    def rate(self) -> float | None:
        return self.done / self.eligible if self.eligible else None


@dataclass(frozen=True)
class Group:
    name: str
    total: int
    done: int
    not_doing: int
    open: int
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class Late:
    item: FollowUp
    days_late: int


@dataclass(frozen=True)
class Completion:
    overall: Group
    by_type: tuple[Group, ...]
    by_team: tuple[Group, ...]
    only_prevent: tuple[str, ...]  # incidents whose actions are all `prevent`
    open_past_due: tuple[Late, ...]  # most overdue first


def _group(name: str, items: Sequence[FollowUp], today: dt.date) -> Group:
    windows = []
    for days in WINDOWS:
        old = [i for i in items if (today - i.created).days >= days]
        done = [
            i
            for i in old
            if i.status is ActionStatus.DONE
            and i.closed is not None
            and (i.closed - i.created).days <= days
        ]
        windows.append(Window(days, len(old), len(done)))
    return Group(
        name,
        len(items),
        sum(i.status is ActionStatus.DONE for i in items),
        sum(i.status is ActionStatus.NOT_DOING for i in items),
        sum(i.status is ActionStatus.OPEN for i in items),
        tuple(windows),
    )


def completion(items: Iterable[FollowUp], today: dt.date) -> Completion:
    chosen = list(items)
    by_type: dict[str, list[FollowUp]] = {}
    by_team: dict[str, list[FollowUp]] = {}
    by_incident: dict[str, list[FollowUp]] = {}
    for item in chosen:
        by_type.setdefault(item.type or "untyped", []).append(item)
        for team in item.teams or ("no service",):
            by_team.setdefault(team, []).append(item)
        by_incident.setdefault(item.incident, []).append(item)
    late = [
        Late(i, (today - i.due).days)
        for i in chosen
        if i.status is ActionStatus.OPEN and i.due is not None and i.due < today
    ]
    return Completion(
        overall=_group("all", chosen, today),
        by_type=tuple(_group(k, v, today) for k, v in sorted(by_type.items())),
        by_team=tuple(_group(k, v, today) for k, v in sorted(by_team.items())),
        only_prevent=tuple(
            sorted(k for k, v in by_incident.items() if all(i.type == "prevent" for i in v))
        ),
        open_past_due=tuple(sorted(late, key=lambda x: (-x.days_late, x.item.id))),
    )
