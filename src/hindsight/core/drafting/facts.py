"""What a draft may say, gathered once: the milestones, the impact window, the services and
the measured impact. Every section reads these; none looks at the raw evidence on its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from hindsight.core.document.model import FrontItem
from hindsight.core.drafting.impact import ImpactFigures, ServiceMetrics, figures
from hindsight.core.drafting.provenance import Citation
from hindsight.core.events import UTC, Event, EventKind
from hindsight.core.figures import DETECTION_KINDS
from hindsight.core.timeline import DOCUMENT_KINDS, Milestones, Timeline

FALLBACK_WINDOW = dt.timedelta(hours=1)  # impact queried after a detection with no resolution


@dataclass(frozen=True)
class DraftSettings:
    tz: dt.tzinfo = UTC
    tz_name: str = "UTC"
    document_kinds: frozenset[EventKind] = field(default=DOCUMENT_KINDS)
    title: str | None = None  # instead of the one drafted from the first alert
    # What the incident itself says (a person's word, or the store's record): preferred to
    # what the evidence suggests, never a placeholder.
    severity: str | None = None
    services: tuple[str, ...] = ()
    slack_link: str | None = None
    customer_visible: bool | None = None


@dataclass(frozen=True)
class Part:
    """One drafted part of the document ("header" or a section) and what it cites."""

    name: str
    blocks: tuple[FrontItem, ...]
    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Facts:
    timeline: Timeline
    settings: DraftSettings
    figures: tuple[ImpactFigures, ...]

    @property
    def milestones(self) -> Milestones[Event]:
        return self.timeline.milestones

    @property
    def start(self) -> Event | None:
        return self.milestones.impact_start

    @property
    def end(self) -> Event | None:
        return self.milestones.resolved

    @property
    def detection(self) -> Event | None:
        return self.milestones.first_detection

    @property
    def tz(self) -> dt.tzinfo:
        return self.settings.tz

    @property
    def zone(self) -> str:
        return self.settings.tz_name

    @property
    def window(self) -> dt.timedelta | None:
        return self.milestones.durations.impact_window

    @property
    def measured(self) -> tuple[ImpactFigures, ...]:
        return tuple(f for f in self.figures if f.has_data)

    def affected(self) -> list[tuple[str, tuple[str, ...]]]:
        """(service, keys of the evidence naming it): the first detection's services first,
        then every other service an alert or page named, then the measured ones."""
        return list(self._affected)

    @cached_property
    def _affected(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        named: dict[str, list[str]] = {}
        detections = [e for e in self.timeline.events if e.kind in DETECTION_KINDS]
        if self.detection is not None:
            detections.insert(0, self.detection)
        for event in detections:
            for service in event.services:
                keys = named.setdefault(service, [])
                if len(keys) < 3 and event.key not in keys:
                    keys.append(event.key)
        for figure in self.measured:
            named.setdefault(figure.service, []).extend(figure.ids[:1])
        return tuple((service, tuple(keys)) for service, keys in named.items())


def impact_window(timeline: Timeline) -> tuple[dt.datetime, dt.datetime] | None:
    """The instants to measure impact over: impact start to resolution (or an hour on)."""
    m = timeline.milestones
    if m.impact_start is None:
        return None
    end = m.resolved.at if m.resolved is not None else m.impact_start.at + FALLBACK_WINDOW
    return m.impact_start.at, end


def gather(timeline: Timeline, metrics: Sequence[ServiceMetrics], settings: DraftSettings) -> Facts:
    window = impact_window(timeline)
    measured: tuple[ImpactFigures, ...] = ()
    if window is not None:
        start, end = (at.timestamp() for at in window)
        measured = tuple(figures(m, start, end) for m in metrics)
    return Facts(timeline, settings, measured)
