"""Evidence sources: one adapter per tool behind the `Source` protocol, found by name.

SOURCES["pagerduty"].parse("incident.json", data)  → events
SOURCES["pagerduty"].correlation_keys(data, events) → what ties it to an incident
SOURCES["pagerduty"].webhook                        → its webhook part (`sources.webhook`)
detect_source("body.json", data)                     → the adapter whose shape it has

A source is one module; registering it is one line in `SOURCES` below. The server serves
`POST /hooks/<name>` for every registered source with a `webhook`.
"""

from __future__ import annotations

from hindsight.sources.alertmanager import AlertmanagerSource
from hindsight.sources.base import MAX_PAYLOAD_BYTES, Source, SourceError
from hindsight.sources.generic import ColumnMapping, GenericSource
from hindsight.sources.github import GitHubSource
from hindsight.sources.grafana import GrafanaSource
from hindsight.sources.opsgenie import OpsgenieSource
from hindsight.sources.pagerduty import PagerDutySource
from hindsight.sources.slack import SlackSource
from hindsight.sources.webhook import Webhook

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "SOURCES",
    "ColumnMapping",
    "Source",
    "SourceError",
    "Webhook",
    "detect_source",
    "get_source",
    "webhooks",
]

# Detection order matters where shapes overlap: Grafana's body is Alertmanager's plus `orgId`.
SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        GrafanaSource(),
        AlertmanagerSource(),
        PagerDutySource(),
        OpsgenieSource(),
        SlackSource(),
        GitHubSource(),
        GenericSource(),
    )
}


def get_source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise SourceError(
            f"unknown source {name!r}",
            where="--source",
            fix=f"use one of {', '.join(sorted(SOURCES))}",
        ) from None


def detect_source(name: str, data: bytes) -> Source:
    """The adapter whose payload shape `data` has, or a `SourceError` asking for --source."""
    for source in SOURCES.values():
        if source.detect(name, data):
            return source
    raise SourceError(
        "cannot tell which tool this payload is from",
        where=name,
        fix=f"name it with --source ({', '.join(sorted(SOURCES))})",
    )


def webhooks() -> dict[str, Webhook]:
    """Every registered source that receives webhooks, by name."""
    return {name: s.webhook for name, s in SOURCES.items() if s.webhook is not None}
