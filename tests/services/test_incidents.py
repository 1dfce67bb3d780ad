"""Incident use cases on both backends."""

from __future__ import annotations

import pytest

from hindsight.core.errors import UserError
from hindsight.services.errors import NotFoundError
from hindsight.services.incidents import (
    create_incident,
    delete_incident,
    get_incident,
    list_incidents,
    update_incident,
)
from hindsight.store.unit_of_work import UnitOfWork


def test_create_get_by_id_and_by_slug(uow: UnitOfWork) -> None:
    made = create_incident(
        uow,
        title="  Checkout   API 5xx errors ",
        severity="SEV-2",
        services=("checkout-api", "checkout-api", "payments"),
        customer_visible=True,
    )
    assert made.title == "Checkout API 5xx errors"
    assert made.slug.endswith("-checkout-api-5xx-errors")
    assert made.services == ("checkout-api", "payments")
    assert made.status == "open" and made.customer_visible
    assert get_incident(uow, made.id) == made
    assert get_incident(uow, str(made.id)) == made
    assert get_incident(uow, made.slug) == made


def test_slugs_stay_unique(uow: UnitOfWork) -> None:
    a = create_incident(uow, title="Database failover")
    b = create_incident(uow, title="Database failover")
    c = create_incident(uow, title="Database failover")
    assert len({a.slug, b.slug, c.slug}) == 3
    assert b.slug == a.slug + "-2" and c.slug == a.slug + "-3"


def test_list_newest_first_and_by_status(uow: UnitOfWork) -> None:
    first = create_incident(uow, title="One")
    second = create_incident(uow, title="Two")
    update_incident(uow, first.id, status="resolved")
    assert [i.id for i in list_incidents(uow)] == [second.id, first.id]
    assert [i.id for i in list_incidents(uow, status="resolved")] == [first.id]


def test_update_changes_only_what_is_named_and_is_audited(uow: UnitOfWork) -> None:
    made = create_incident(uow, title="One", severity="SEV-3")
    updated = update_incident(uow, made.slug, severity="SEV-1", actor="alex")
    assert updated.severity == "SEV-1" and updated.title == "One"
    assert update_incident(uow, made.id, severity="SEV-1") == updated  # no-op
    with uow:
        entries = uow.audit.recent(incident_id=made.id)
    assert [e.action for e in entries] == ["incident.update", "incident.create"]
    assert entries[0].actor == "alex"
    assert entries[0].detail == {"before": {"severity": "SEV-3"}, "after": {"severity": "SEV-1"}}


@pytest.mark.parametrize(
    "change", [{"severity": "SEV-9"}, {"status": "exploded"}, {"title": "   "}]
)
def test_bad_values_are_user_errors(uow: UnitOfWork, change: dict[str, str]) -> None:
    made = create_incident(uow, title="One")
    with pytest.raises(UserError):
        update_incident(uow, made.id, **change)  # type: ignore[arg-type]
    assert get_incident(uow, made.id) == made


def test_unknown_incident_is_not_found(uow: UnitOfWork) -> None:
    with pytest.raises(NotFoundError, match="no incident 'nope'"):
        get_incident(uow, "nope")
    with pytest.raises(NotFoundError):
        get_incident(uow, 424242)


def test_delete_removes_the_incident_and_keeps_an_audit_note(uow: UnitOfWork) -> None:
    made = create_incident(uow, title="Gone soon")
    delete_incident(uow, made.id, actor="sam")
    with pytest.raises(NotFoundError):
        get_incident(uow, made.id)
    with uow:
        assert uow.audit.recent(incident_id=made.id)[0].action == "incident.delete"
