"""Postmortems: from the template, optimistic concurrency, history, action items."""

from __future__ import annotations

import pytest

from hindsight.services.errors import ConflictError, NotFoundError
from hindsight.services.incidents import create_incident
from hindsight.services.postmortems import (
    action_items,
    get_postmortem,
    postmortem_history,
    start_postmortem,
    update_postmortem,
)
from hindsight.store.unit_of_work import UnitOfWork

ACTIONS = """
| Owner | Action | Type | Due | Tracking |
| ----- | ------ | ---- | --- | -------- |
| Priya | Add a CI test for pool limits | prevent | 2026-04-01 | PLAT-101 |
| Jonas | Alert on pool saturation | detect | 2026-04-08 | PLAT-102 |
"""


def _with_actions(markdown: str) -> str:
    head, _, tail = markdown.partition("## Action items")
    rest = tail.split("\n## ", 1)
    after = "\n## " + rest[1] if len(rest) > 1 else ""
    return f"{head}## Action items\n{ACTIONS}{after}"


def test_start_fills_the_template_from_the_incident(uow: UnitOfWork) -> None:
    incident = create_incident(
        uow, title="Checkout errors", severity="SEV-2", services=("checkout-api",)
    )
    made = start_postmortem(uow, incident.slug, author="priya")
    assert made.version == 1
    assert made.markdown.startswith("# Postmortem: Checkout errors\n")
    assert made.status == "Draft" and made.severity == "SEV-2"
    assert made.fields["Services affected"] == "checkout-api"
    assert action_items(uow, incident.id) == []  # the template's example rows are not work
    [first] = postmortem_history(uow, incident.id)
    assert (first.version, first.author, first.changes) == (1, "priya", ("created",))
    with pytest.raises(ConflictError):
        start_postmortem(uow, incident.id, author="jonas")


def test_update_saves_a_revision_with_diff_and_summary(uow: UnitOfWork) -> None:
    incident = create_incident(uow, title="Checkout errors")
    v1 = start_postmortem(uow, incident.id, author="priya")
    text = _with_actions(v1.markdown.replace("**Author:** <name>", "**Author:** Jonas"))
    v2 = update_postmortem(uow, incident.id, text, expected_version=1, author="jonas")
    assert v2.version == 2 and v2.fields["Author"] == "Jonas" and v2.updated_by == "jonas"
    assert get_postmortem(uow, incident.slug) == v2
    history = postmortem_history(uow, incident.id)
    assert [r.version for r in history] == [1, 2]
    assert history[1].markdown == text and history[1].author == "jonas"
    assert "Author: <name> → Jonas" in history[1].changes
    assert "Action items changed" in history[1].changes
    assert "-**Author:** <name>" in history[1].diff and "+**Author:** Jonas" in history[1].diff
    items = action_items(uow, incident.id)
    assert [(i.position, i.owner, i.type, i.due, i.tracking) for i in items] == [
        (1, "Priya", "prevent", "2026-04-01", "PLAT-101"),
        (2, "Jonas", "detect", "2026-04-08", "PLAT-102"),
    ]
    assert {i.incident_id for i in items} == {incident.id}


def test_saving_the_same_text_is_not_a_new_version(uow: UnitOfWork) -> None:
    incident = create_incident(uow, title="Checkout errors")
    v1 = start_postmortem(uow, incident.id, author="priya")
    same = update_postmortem(uow, incident.id, v1.markdown, expected_version=1, author="x")
    assert same == v1 and len(postmortem_history(uow, incident.id)) == 1


def test_a_stale_update_is_refused_and_history_shows_one_change(uow: UnitOfWork) -> None:
    incident = create_incident(uow, title="Checkout errors")
    base = start_postmortem(uow, incident.id, author="priya")
    mine = base.markdown.replace("**Author:** <name>", "**Author:** Priya")
    theirs = base.markdown + "\nA late note.\n"
    update_postmortem(uow, incident.id, mine, expected_version=base.version, author="priya")
    with pytest.raises(ConflictError, match="based on version 1") as refused:
        update_postmortem(uow, incident.id, theirs, expected_version=base.version, author="jo")
    assert refused.value.current_version == 2
    assert get_postmortem(uow, incident.id).markdown == mine
    assert [r.author for r in postmortem_history(uow, incident.id)] == ["priya", "priya"]


def test_an_incident_without_a_postmortem_says_so(uow: UnitOfWork) -> None:
    incident = create_incident(uow, title="Quiet")
    with pytest.raises(NotFoundError, match="no postmortem yet"):
        get_postmortem(uow, incident.id)
