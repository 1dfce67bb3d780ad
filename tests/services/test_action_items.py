"""Action items as records: saving the postmortem creates and updates them, status lives in
the store and survives edits, filters, transitions. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from hindsight.core.actions import ActionStatus
from hindsight.core.errors import InputError
from hindsight.services.action_items import (
    ItemFilter,
    earlier_open_follow_ups,
    list_action_items,
    set_status,
    status_from_tracker,
    to_dict,
)
from hindsight.services.errors import NotFoundError
from hindsight.services.incidents import create_incident
from hindsight.services.postmortems import get_postmortem, start_postmortem, update_postmortem
from hindsight.store.unit_of_work import UnitOfWork

ROWS = """| Owner | Action | Type | Due | Tracking |
| ----- | ------ | ---- | --- | -------- |
| priya | Add a CI test for pool limits | prevent | 2026-04-01 | https://github.com/a/db/issues/5 |
| jonas | Alert on pool saturation | detect | 2026-03-01 | |
| <name> | <…> | … | … | … |
"""


def with_rows(markdown: str, rows: str) -> str:
    head, _, tail = markdown.partition("## Action items")
    rest = tail.split("\n## ", 1)
    return f"{head}## Action items\n\n{rows}\n## {rest[1]}"


def save(uow: UnitOfWork, slug: str, rows: str) -> None:
    current = get_postmortem(uow, slug)
    text = with_rows(current.markdown, rows)
    update_postmortem(uow, slug, text, expected_version=current.version, author="priya")


@pytest.fixture
def slug(uow: UnitOfWork) -> str:
    incident = create_incident(uow, title="Pool exhausted", services=("db",))
    start_postmortem(uow, incident.slug, author="priya")
    save(uow, incident.slug, ROWS)
    return incident.slug


def test_saving_the_table_creates_records_without_the_template_row(
    uow: UnitOfWork, slug: str
) -> None:
    items = list_action_items(uow, ItemFilter(incident=slug))
    assert [(i.owner, i.action, i.type, i.status) for i in items] == [
        ("jonas", "Alert on pool saturation", "detect", "open"),  # due first
        ("priya", "Add a CI test for pool limits", "prevent", "open"),
    ]
    tracked = items[1]
    assert (tracked.tracker_provider, tracked.tracker_key) == ("github", "a/db#5")
    assert tracked.created_at is not None and tracked.id > 0 and tracked.incident == slug
    data = to_dict(items[0])
    assert {"id", "incident", "owner", "action", "type", "due", "tracking", "status"} <= set(data)


def test_status_survives_rewording_reordering_and_links(uow: UnitOfWork, slug: str) -> None:
    alert, ci = list_action_items(uow, ItemFilter(incident=slug))
    set_status(uow, alert.id, "not_doing", reason="the new pool autoscales", actor="jonas")
    set_status(uow, ci.id, ActionStatus.DONE, actor="priya")
    save(
        uow,
        slug,
        """| Owner | Action | Type | Due | Tracking |
| ----- | ------ | ---- | --- | -------- |
| jonas | Alert on pool saturation | detect | 2026-03-01 | |
| priya | Test pool limits in CI | prevent | 2026-04-01 | https://github.com/a/db/issues/5 |
| ana | Document the pool size | process | 2026-05-01 | |
""",
    )
    after = {i.id: i for i in list_action_items(uow, ItemFilter(incident=slug))}
    assert after[alert.id].status == "not_doing"
    assert after[alert.id].status_reason == "the new pool autoscales"
    assert after[ci.id].status == "done" and after[ci.id].action == "Test pool limits in CI"
    assert after[ci.id].closed_at is not None
    (new,) = [i for i in after.values() if i.id not in (alert.id, ci.id)]
    assert new.status == "open" and new.position == 3
    save(
        uow,
        slug,
        ROWS.replace("| jonas | Alert on pool saturation | detect | 2026-03-01 | |\n", ""),
    )
    assert [i.id for i in list_action_items(uow, ItemFilter(incident=slug))] == [ci.id]


def test_filters_overdue_owner_status(uow: UnitOfWork, slug: str) -> None:
    today = dt.date(2026, 3, 15)
    overdue = list_action_items(uow, ItemFilter(overdue=True, today=today))
    assert [i.owner for i in overdue if i.incident == slug] == ["jonas"]
    assert [i.owner for i in list_action_items(uow, ItemFilter(owner="PRIYA", incident=slug))] == [
        "priya"
    ]
    (alert,) = list_action_items(uow, ItemFilter(owner="jonas", incident=slug))
    set_status(uow, alert.id, "done", actor="jonas")
    assert not [
        i
        for i in list_action_items(uow, ItemFilter(overdue=True, today=today))
        if i.incident == slug
    ]
    done = list_action_items(uow, ItemFilter(status=ActionStatus.DONE, incident=slug))
    assert [i.id for i in done] == [alert.id]
    assert list_action_items(uow, ItemFilter(services=("other",), incident=slug)) == []


def test_bad_transitions_and_unknown_items_are_clear_errors(uow: UnitOfWork, slug: str) -> None:
    (alert,) = list_action_items(uow, ItemFilter(owner="jonas", incident=slug))
    with pytest.raises(InputError, match="needs the reason"):
        set_status(uow, alert.id, "not_doing", actor="jonas")
    with pytest.raises(InputError, match="not an action item status"):
        set_status(uow, alert.id, "closed", actor="jonas")
    with pytest.raises(NotFoundError):
        set_status(uow, 10**9, "done", actor="jonas")
    assert list_action_items(uow, ItemFilter(incident=slug))[0].status == "open"


def test_a_tracker_state_moves_the_linked_items(uow: UnitOfWork, slug: str) -> None:
    moved = status_from_tracker(
        uow, "github", "a/db#5", ActionStatus.NOT_DOING, None, actor="github"
    )
    assert [(m.status, m.status_reason) for m in moved] == [
        ("not_doing", "closed as not planned in github")
    ]
    again = status_from_tracker(
        uow, "github", "a/db#5", ActionStatus.NOT_DOING, None, actor="github"
    )
    assert again == []  # idempotent: nothing moves twice


def test_a_new_incident_of_the_same_service_lists_the_earlier_open_follow_ups(
    uow: UnitOfWork, slug: str
) -> None:
    (done, *_) = list_action_items(uow, ItemFilter(incident=slug))
    set_status(uow, done.id, "done", actor="jonas")
    later = create_incident(uow, title="Pool exhausted again", services=("DB", "web"))
    listed = earlier_open_follow_ups(uow, later.slug)
    assert [i.action for i in listed] == ["Add a CI test for pool limits"]  # the done one is not
    assert earlier_open_follow_ups(uow, slug) == []  # only earlier incidents count
    other = create_incident(uow, title="CDN misroute", services=("cdn",))
    assert earlier_open_follow_ups(uow, other.slug) == []
