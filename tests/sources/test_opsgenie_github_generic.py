"""Opsgenie epochs, GitHub changes and rollbacks, generic CSV / JSON Lines with a mapping."""

from __future__ import annotations

import datetime as dt

from hindsight.core.events import UTC, EventKind
from hindsight.core.timeline import build_timeline
from hindsight.sources.generic import ColumnMapping, GenericSource
from tests.sources.helpers import evidence, parse, parse_json, payload_json


def test_opsgenie_milliseconds_and_nanoseconds() -> None:
    (create,) = parse("opsgenie", "opsgenie/01-create.json")
    assert create.kind is EventKind.PAGE_TRIGGERED
    assert create.at == dt.datetime(2026, 3, 14, 14, 42, 10, 500000, tzinfo=UTC)  # ms epoch
    (ack,) = parse("opsgenie", "opsgenie/02-acknowledge.json")
    assert ack.at == dt.datetime(2026, 3, 14, 14, 45, 2, 118734, tzinfo=UTC)  # ns epoch, exact
    (note,) = parse("opsgenie", "opsgenie/03-add-note.json")
    assert note.kind is EventKind.NOTE and "database itself is healthy" in note.text


def test_opsgenie_custom_action_is_kept_and_redelivery_has_the_same_key() -> None:
    body = payload_json("opsgenie/02-acknowledge.json")
    body["action"] = "RestartPgbouncer"
    (custom,) = parse_json("opsgenie", "c.json", body)
    assert custom.kind is EventKind.OTHER and "RestartPgbouncer" in custom.text
    again = parse("opsgenie", "opsgenie/02-acknowledge.json")
    assert again == parse("opsgenie", "opsgenie/02-acknowledge.json")


def test_github_push_is_a_change_at_push_time() -> None:
    (push,) = parse("github", "github/01-push.json")
    assert push.kind is EventKind.CHANGE
    assert push.at == dt.datetime(2026, 3, 14, 13, 58, 12, tzinfo=UTC)  # pushed_at, an integer
    assert push.services == ("checkout-api",)
    assert "#482" in push.text


def test_github_rollback_is_a_mitigation_linked_to_what_it_rolls_back() -> None:
    (rollback,) = parse("github", "github/06-deployment-rollback.json")
    assert rollback.kind is EventKind.MITIGATION
    assert rollback.refs == ("github:deployment:910002",)
    (done,) = parse("github", "github/07-deployment-status-rollback.json")
    assert done.kind is EventKind.MITIGATION
    assert "github:deployment:910002" in done.refs
    (rollout,) = parse("github", "github/05-deployment-status-production.json")
    assert rollout.kind is EventKind.DEPLOY and rollout.refs == ("github:deployment:910002",)


def test_github_failed_status_is_a_deploy_event() -> None:
    body = payload_json("github/05-deployment-status-production.json")
    body["deployment_status"]["state"] = "failure"
    (event,) = parse_json("github", "f.json", body)
    assert event.kind is EventKind.DEPLOY and "failed" in event.text


def test_generic_csv_default_columns_and_stable_keys() -> None:
    events = parse("generic", "generic/observations.csv")
    assert [e.kind for e in events] == [EventKind.CONDITION, EventKind.CONDITION, EventKind.NOTE]
    assert events[0].source == "checkout-api logs"
    assert events == parse("generic", "generic/observations.csv")
    assert len(build_timeline(events + events).events) == 3


def test_generic_jsonl_with_a_declared_mapping() -> None:
    data = (
        b'{"ts": "2026-03-14T15:40:00+01:00", "msg": "Failover drill", "type": "mitigation",'
        b' "who": "SRE on call", "svc": ["checkout-api", "db"]}\n\n'
        b'{"ts": 1773500000, "msg": "Unknown kind stays", "type": "weird"}\n'
    )
    mapping = ColumnMapping.from_pairs(
        {"at": "ts", "text": "msg", "kind": "type", "actor": "who", "services": "svc"}
    )
    first, second = GenericSource(mapping).parse("ops.jsonl", data)
    assert first.at == dt.datetime(2026, 3, 14, 14, 40, tzinfo=UTC)
    assert first.kind is EventKind.MITIGATION and first.services == ("checkout-api", "db")
    assert first.actor is not None and first.actor.name == "SRE on call"
    assert second.kind is EventKind.OTHER and second.text.startswith("[weird]")


def test_sample_evidence_is_one_coherent_incident() -> None:
    names = [name for _, name, _ in evidence()]
    assert len(names) == len(set(names))
    assert "slack/export.zip" in names
