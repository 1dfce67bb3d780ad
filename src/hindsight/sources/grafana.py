"""Grafana unified alerting: the webhook contact point (payload version 1).

The body is Alertmanager's with Grafana's additions (`orgId`, `state`, `title`, per-alert
panel and dashboard URLs). Grafana writes times in the server's local offset with
microseconds; they are normalised to UTC like every other time.
"""

from __future__ import annotations

from hindsight.core.events import Event
from hindsight.sources.alertmanager import alert_events
from hindsight.sources.base import SourceError
from hindsight.sources.reading import load_json, obj


class GrafanaSource:
    name = "grafana"

    def detect(self, name: str, data: bytes) -> bool:
        return b'"alerts"' in data and b'"orgId"' in data

    def parse(self, name: str, data: bytes) -> tuple[Event, ...]:
        payload = obj(load_json(name, data), name, "")
        version = payload.get("version")
        if version != "1":
            raise SourceError(
                f'version {version!r} is not a Grafana webhook (version "1")',
                where=name,
                field="version",
            )
        state = payload.get("state")
        if state not in ("alerting", "ok"):
            raise SourceError(f"{state!r} is not alerting or ok", where=name, field="state")
        return alert_events(
            name,
            payload,
            source=self.name,
            actor="Grafana",
            links=("panelURL", "dashboardURL", "generatorURL"),
        )
