"""Shared helpers for source tests: the sample evidence, and events as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hindsight.core.events import Event, to_dict
from hindsight.samples import sample_evidence
from hindsight.sources import SOURCES

PAYLOADS = Path(__file__).parent / "payloads"


def evidence(source: str | None = None) -> list[tuple[str, str, bytes]]:
    return [item for item in sample_evidence() if source is None or item[0] == source]


def payload(name: str) -> bytes:
    """One sample payload by its name, e.g. "pagerduty/webhooks/02-acknowledged.json"."""
    for _, found, data in sample_evidence():
        if found == name:
            return data
    raise KeyError(name)


def payload_json(name: str) -> dict[str, Any]:
    value = json.loads(payload(name))
    assert isinstance(value, dict)
    return value


def parse(source: str, name: str, data: bytes | None = None) -> tuple[Event, ...]:
    return SOURCES[source].parse(name, payload(name) if data is None else data)


def parse_json(source: str, name: str, value: object) -> tuple[Event, ...]:
    return SOURCES[source].parse(name, json.dumps(value).encode())


def as_json(events: tuple[Event, ...]) -> list[dict[str, object]]:
    return [to_dict(e) for e in events]
