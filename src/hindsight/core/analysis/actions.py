"""Action items across postmortems: kinds, completion, age, overdue items by owner.

The guide's test: a postmortem with only "prevent" actions is incomplete, because not every
cause can be prevented; detection and mitigation are needed too. Types are taken from the
document when given, otherwise read off the wording (and counted apart as inferred).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hindsight.core.analysis.records import IncidentRecord
from hindsight.core.analysis.stats import median
from hindsight.core.document.template import ACTION_TYPES


@dataclass(frozen=True)
class OwnerLoad:
    owner: str
    overdue: int
    oldest_due: dt.date


@dataclass(frozen=True)
class ActionHealth:
    total: int
    by_type: tuple[tuple[str, int, int], ...]  # (type, given, inferred)
    with_actions: int  # postmortems with at least one action
    only_prevent: tuple[str, ...]  # incident ids
    done: int
    known_status: int
    open_ages_days: tuple[int, ...]  # per open item: days since the incident
    overdue_by_owner: tuple[OwnerLoad, ...]
    no_actions: tuple[str, ...]
    with_open: tuple[str, ...] = ()  # incidents with an item known to be open
    with_overdue: tuple[str, ...] = ()

    @property
    def completion_rate(self) -> float | None:
        return self.done / self.known_status if self.known_status else None

    @property
    def only_prevent_share(self) -> float | None:
        return len(self.only_prevent) / self.with_actions if self.with_actions else None

    @property
    def median_open_age(self) -> float | None:
        return median([float(a) for a in self.open_ages_days])


def analyse_actions(records: Sequence[IncidentRecord], today: dt.date) -> ActionHealth:
    given = dict.fromkeys(ACTION_TYPES, 0)
    inferred = dict.fromkeys(ACTION_TYPES, 0)
    only_prevent: list[str] = []
    no_actions: list[str] = []
    done = known = total = with_actions = 0
    ages: list[int] = []
    with_open: dict[str, None] = {}
    with_overdue: dict[str, None] = {}
    overdue: dict[str, list[dt.date]] = {}
    for record in records:
        if not record.actions:
            no_actions.append(record.id)
            continue
        with_actions += 1
        if all(a.type == "prevent" for a in record.actions):
            only_prevent.append(record.id)
        for action in record.actions:
            total += 1
            (given if action.type_given else inferred)[action.type] += 1
            if action.done is not None:
                known += 1
                done += action.done
            if action.done is False:
                with_open[record.id] = None
                if record.date is not None:
                    ages.append((today - record.date).days)
            if action.done is not True and action.due is not None and action.due < today:
                overdue.setdefault(action.owner or "(no owner)", []).append(action.due)
                with_overdue[record.id] = None
    owners = sorted(
        (OwnerLoad(o, len(d), min(d)) for o, d in overdue.items()),
        key=lambda load: (-load.overdue, load.owner),
    )
    return ActionHealth(
        total,
        tuple((t, given[t], inferred[t]) for t in ACTION_TYPES),
        with_actions,
        tuple(only_prevent),
        done,
        known,
        tuple(ages),
        tuple(owners),
        tuple(no_actions),
        tuple(with_open),
        tuple(with_overdue),
    )
