"""Completion figures on a generated set whose answers are known by construction."""

from __future__ import annotations

import datetime as dt

from hindsight.core.actions import ActionStatus
from hindsight.core.actions.completion import FollowUp, completion

TODAY = dt.date(2026, 12, 1)
TYPES = ("prevent", "detect", "mitigate", "process")


def generated() -> list[FollowUp]:
    """120 items written 100 days ago: item i (i < 100) was done i days after it was written,
    the last 20 are open and due 10 days ago; types cycle prevent, detect, mitigate, process;
    items 0–59 belong to team db, the rest to web; incident `all-prevent` has two extra
    prevent items written 10 days ago (too young for any window)."""
    written = TODAY - dt.timedelta(days=100)
    items = []
    for i in range(120):
        done = i < 100
        items.append(
            FollowUp(
                id=i,
                incident=f"inc-{i // 4}",
                type=TYPES[i % 4],
                teams=("db",) if i < 60 else ("web",),
                status=ActionStatus.DONE if done else ActionStatus.OPEN,
                created=written,
                closed=written + dt.timedelta(days=i) if done else None,
                due=TODAY - dt.timedelta(days=10),
            )
        )
    for j in (1000, 1001):
        items.append(
            FollowUp(
                j,
                "all-prevent",
                "prevent",
                ("web",),
                ActionStatus.OPEN,
                TODAY - dt.timedelta(days=10),
            )
        )
    return items


def test_windows_types_teams_prevent_only_and_late() -> None:
    c = completion(generated(), TODAY)
    assert (c.overall.total, c.overall.done, c.overall.open) == (122, 100, 22)
    # done within N days: items 0..N; every one of the 120 is old enough, the 2 young are not
    assert [(w.days, w.done, w.eligible) for w in c.overall.windows] == [
        (30, 31, 120),
        (60, 61, 120),
        (90, 91, 120),
    ]
    prevent = next(g for g in c.by_type if g.name == "prevent")
    # prevent items are i = 0, 4, …, 116 (30 of them) plus the 2 young ones
    assert (prevent.total, prevent.done) == (32, 25)
    assert [w.done for w in prevent.windows] == [8, 16, 23]  # i ≤ 30, 60, 90 with i % 4 == 0
    db = next(g for g in c.by_team if g.name == "db")
    assert (db.total, [w.done for w in db.windows]) == (60, [31, 60, 60])
    assert c.only_prevent == ("all-prevent",)  # inc-k mixes all four types
    assert len(c.open_past_due) == 20 and {x.days_late for x in c.open_past_due} == {10}
    assert c.overall.windows[0].rate == 31 / 120


def test_not_doing_is_decided_not_done() -> None:
    day = TODAY - dt.timedelta(days=40)
    items = [
        FollowUp(1, "a", "detect", (), ActionStatus.NOT_DOING, day, TODAY),
        FollowUp(2, "a", "detect", (), ActionStatus.DONE, day, day + dt.timedelta(days=31)),
    ]
    c = completion(items, TODAY)
    assert (c.overall.done, c.overall.not_doing, c.overall.open) == (1, 1, 0)
    assert [(w.done, w.eligible) for w in c.overall.windows] == [(0, 2), (0, 0), (0, 0)]
    assert c.by_team[0].name == "no service" and c.open_past_due == ()
