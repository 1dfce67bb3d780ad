"""Bad input for every source: a `SourceError` naming the file and field, and no events."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from hindsight.core.errors import InputError
from hindsight.sources import SOURCES, SourceError, detect_source
from hindsight.sources.base import MAX_PAYLOAD_BYTES
from hindsight.sources.slack import zip_files
from tests.sources.helpers import payload, payload_json

Edit = Callable[[dict[str, Any]], None]


def _set(path: str, value: object) -> Edit:
    def edit(body: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = body
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is _DELETE:
            del node[last]
        else:
            node[int(last) if last.isdigit() else last] = value

    return edit


_DELETE = object()

CASES: list[tuple[str, str, Edit, str]] = [
    # source, sample payload, edit, field the error must name
    (
        "alertmanager",
        "alertmanager/01-firing.json",
        _set("alerts.0.startsAt", "2026-03-14T14:36:20"),
        "alerts[0].startsAt",
    ),
    (
        "alertmanager",
        "alertmanager/01-firing.json",
        _set("alerts.0.fingerprint", _DELETE),
        "alerts[0].fingerprint",
    ),
    ("alertmanager", "alertmanager/01-firing.json", _set("alerts", {"a": 1}), "alerts"),
    (
        "alertmanager",
        "alertmanager/01-firing.json",
        _set("alerts.0.status", "pending"),
        "alerts[0].status",
    ),
    (
        "alertmanager",
        "alertmanager/03-resolved.json",
        _set("alerts.0.endsAt", "0001-01-01T00:00:00Z"),
        "alerts[0].endsAt",
    ),
    ("alertmanager", "alertmanager/01-firing.json", _set("version", "3"), "version"),
    (
        "alertmanager",
        "alertmanager/01-firing.json",
        _set("alerts.0.labels.service", 7),
        "alerts[0].labels.service",
    ),
    ("grafana", "grafana/01-alerting.json", _set("state", "pending"), "state"),
    (
        "grafana",
        "grafana/01-alerting.json",
        _set("alerts.0.startsAt", "yesterday"),
        "alerts[0].startsAt",
    ),
    (
        "pagerduty",
        "pagerduty/webhooks/02-acknowledged.json",
        _set("event.occurred_at", _DELETE),
        "event.occurred_at",
    ),
    (
        "pagerduty",
        "pagerduty/webhooks/02-acknowledged.json",
        _set("event.event_type", "ACKED!"),
        "event.event_type",
    ),
    ("pagerduty", "pagerduty/webhooks/02-acknowledged.json", _set("event.data", "x"), "event.data"),
    (
        "pagerduty",
        "pagerduty/log-entries.json",
        _set("log_entries.3.created_at", "2026-03-14 10:39:12"),
        "log_entries[3].created_at",
    ),
    (
        "pagerduty",
        "pagerduty/log-entries.json",
        _set("log_entries.1.type", "annotation"),
        "log_entries[1].type",
    ),
    (
        "opsgenie",
        "opsgenie/02-acknowledge.json",
        _set("alert.updatedAt", 1.5e18),
        "alert.updatedAt",
    ),
    (
        "opsgenie",
        "opsgenie/02-acknowledge.json",
        _set("alert.updatedAt", 1773499502),
        "alert.updatedAt",
    ),
    ("opsgenie", "opsgenie/01-create.json", _set("alert.alertId", _DELETE), "alert.alertId"),
    (
        "github",
        "github/04-deployment-production.json",
        _set("deployment.created_at", 12),
        "deployment.created_at",
    ),
    (
        "github",
        "github/05-deployment-status-production.json",
        _set("deployment_status.state", "done"),
        "deployment_status.state",
    ),
    ("github", "github/01-push.json", _set("repository.pushed_at", "soon"), "repository.pushed_at"),
    ("slack", "slack/events/01-message.json", _set("event.ts", "yesterday"), "event.ts"),
    ("slack", "slack/events/01-message.json", _set("event.text", ["x"]), "event.text"),
]


@pytest.mark.parametrize(("source", "name", "edit", "field"), CASES, ids=[c[3] for c in CASES])
def test_bad_field_is_named(source: str, name: str, edit: Edit, field: str) -> None:
    body = copy.deepcopy(payload_json(name))
    edit(body)
    with pytest.raises(SourceError) as caught:
        SOURCES[source].parse("bad.json", json.dumps(body).encode())
    assert caught.value.file == "bad.json" and caught.value.field == field
    assert isinstance(caught.value, InputError)
    assert caught.value.message.startswith(f"bad.json: {field}: ")


JSON_SAMPLES = [
    ("alertmanager", "alertmanager/01-firing.json"),
    ("grafana", "grafana/01-alerting.json"),
    ("pagerduty", "pagerduty/webhooks/02-acknowledged.json"),
    ("pagerduty", "pagerduty/log-entries.json"),
    ("opsgenie", "opsgenie/01-create.json"),
    ("slack", "slack/events/01-message.json"),
    ("github", "github/01-push.json"),
]


@pytest.mark.parametrize(("source", "name"), JSON_SAMPLES)
def test_truncated_json_is_refused(source: str, name: str) -> None:
    data = payload(name)
    with pytest.raises(SourceError, match="truncated JSON"):
        SOURCES[source].parse(name, data[: len(data) // 2])


@pytest.mark.parametrize(("source", "name"), JSON_SAMPLES)
def test_wrong_top_level_type_is_refused(source: str, name: str) -> None:
    with pytest.raises(SourceError, match="expected an object"):
        SOURCES[source].parse(name, b"[1, 2, 3]")


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_absurd_size_is_refused_before_parsing(source: str) -> None:
    name = "huge.csv" if source == "generic" else "huge.json"
    data = b" " * (MAX_PAYLOAD_BYTES + 1)
    with pytest.raises(SourceError, match="at most"):
        SOURCES[source].parse(name, data)


def test_a_bad_record_late_in_a_payload_yields_nothing() -> None:
    body = payload_json("pagerduty/log-entries.json")
    body["log_entries"][-1]["created_at"] = "not a time"
    with pytest.raises(SourceError, match=r"log_entries\[5\]"):
        SOURCES["pagerduty"].parse("log.json", json.dumps(body).encode())


def test_slack_bad_day_file_names_the_file_inside_the_export() -> None:
    files = {
        "channels.json": b'[{"id": "C1", "name": "inc"}]',
        "users.json": b"[]",
        "inc/2026-03-14.json": b'[{"type": "message", "ts": "1773500000.1", "text": "ok"}]',
        "inc/2026-03-15.json": b'[{"type": "message", "text": "no ts"}]',
    }
    with pytest.raises(SourceError) as caught:
        SOURCES["slack"].parse("export.zip", zip_files(files))
    assert caught.value.file == "export.zip:inc/2026-03-15.json" and caught.value.field == "[0].ts"
    with pytest.raises(SourceError, match=r"channels\.json is missing"):
        SOURCES["slack"].parse("export.zip", zip_files({"users.json": b"[]"}))
    with pytest.raises(SourceError, match="not a readable zip"):
        SOURCES["slack"].parse("export.zip", b"PK\x03\x04garbage")


def test_generic_bad_rows() -> None:
    source = SOURCES["generic"]
    with pytest.raises(SourceError, match="no zone") as caught:
        source.parse("t.csv", b"time,text\n2026-03-14T14:00:00,hello\n")
    assert caught.value.file == "t.csv:2" and caught.value.field == "time"
    with pytest.raises(SourceError, match="required text"):
        source.parse("t.csv", b"time,text\n2026-03-14T14:00:00Z,\n")
    with pytest.raises(SourceError, match="more cells"):
        source.parse("t.csv", b"time,text\n2026-03-14T14:00:00Z,a,b\n")
    with pytest.raises(SourceError, match="invalid JSON"):
        source.parse("t.jsonl", b'{"time": "2026-03-14T14:00:00Z", "text": "a"}\n{"time":\n')
    with pytest.raises(SourceError, match="JSON object"):
        source.parse("t.jsonl", b"[1]\n")


def test_unknown_payload_shape_asks_for_source() -> None:
    with pytest.raises(SourceError, match="--source"):
        detect_source("mystery.json", b'{"hello": "world"}')
