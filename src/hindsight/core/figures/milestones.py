"""The milestones of an incident and the durations between them, whatever they were read from.

A milestone is anything placed at an instant (`Timed`): an evidence `Event`, a document row
placed on the document's own time axis (`Placed`), or a bare stored `Instant`. The durations
are computed by one function, `durations_of`, to the whole second: a timeline row can say no
more than that, and a figure must read the same from the evidence and from the document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar


class Timed(Protocol):
    @property
    def at(self) -> dt.datetime: ...


T = TypeVar("T", bound=Timed)
R = TypeVar("R")


@dataclass(frozen=True)
class Instant:
    """A milestone known only by its instant (what the store keeps)."""

    at: dt.datetime


@dataclass(frozen=True)
class Placed(Generic[R]):
    """A document's timeline row placed on an instant. Undated documents are placed on an
    axis of their own (`AXIS_ORIGIN`): differences are right, the date is not."""

    row: R
    at: dt.datetime


SECONDS_NAMES = (
    "detection_gap_s",
    "time_to_acknowledge_s",
    "time_to_mitigate_s",
    "time_to_resolve_s",
    "impact_s",
)
AXIS_ORIGIN = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # day 0 of an undated document


@dataclass(frozen=True)
class SuspectedCause(Generic[T]):
    """A candidate for review, never a finding: the change and why it was picked."""

    event: T
    reasoning: str


@dataclass(frozen=True)
class Durations:
    """Time between milestones, whole seconds (None when either end is unknown)."""

    detection_gap: dt.timedelta | None = None  # suspected cause → first detection
    detection_to_ack: dt.timedelta | None = None
    detection_to_mitigation: dt.timedelta | None = None
    detection_to_resolution: dt.timedelta | None = None
    impact_window: dt.timedelta | None = None  # impact start → resolution

    @classmethod
    def of_seconds(
        cls,
        detection_gap_s: float | None = None,
        time_to_acknowledge_s: float | None = None,
        time_to_mitigate_s: float | None = None,
        time_to_resolve_s: float | None = None,
        impact_s: float | None = None,
    ) -> Durations:
        """From seconds, under the names the store's columns and the API use."""

        def span(seconds: float | None) -> dt.timedelta | None:
            return None if seconds is None else dt.timedelta(seconds=seconds)

        return cls(
            span(detection_gap_s),
            span(time_to_acknowledge_s),
            span(time_to_mitigate_s),
            span(time_to_resolve_s),
            span(impact_s),
        )

    @property
    def detection_gap_s(self) -> float | None:
        return _seconds(self.detection_gap)

    @property
    def time_to_acknowledge_s(self) -> float | None:
        return _seconds(self.detection_to_ack)

    @property
    def time_to_mitigate_s(self) -> float | None:
        return _seconds(self.detection_to_mitigation)

    @property
    def time_to_resolve_s(self) -> float | None:
        return _seconds(self.detection_to_resolution)

    @property
    def impact_s(self) -> float | None:
        return _seconds(self.impact_window)

    def seconds(self) -> dict[str, float | None]:
        """Every duration in seconds, under the store's and the API's names."""
        return {name: getattr(self, name) for name in SECONDS_NAMES}

    def minutes(self, name: str) -> int | None:
        """A duration in whole minutes (rounded down), the way a postmortem quotes it."""
        value: dt.timedelta | None = getattr(self, name)
        return whole_minutes(value)


@dataclass(frozen=True)
class Milestones(Generic[T]):
    """The suspected cause (a candidate, with why), the impact start, the first detection and
    page, the acknowledgement, the mitigation and the resolution."""

    cause: T | None = None
    cause_candidate: str | None = None  # why the cause is a candidate to examine
    impact_start: T | None = None  # first condition after the cause, else first detection
    first_detection: T | None = None
    first_page: T | None = None
    acknowledged: T | None = None
    mitigated: T | None = None
    resolved: T | None = None

    @property
    def durations(self) -> Durations:
        return durations_of(self)

    @property
    def suspected_cause(self) -> SuspectedCause[T] | None:
        if self.cause is None:
            return None
        return SuspectedCause(self.cause, self.cause_candidate or "")

    # The instants, under the names the store's columns and the API use.
    @property
    def cause_at(self) -> dt.datetime | None:
        return _at(self.cause)

    @property
    def detected_at(self) -> dt.datetime | None:
        return _at(self.first_detection)

    @property
    def paged_at(self) -> dt.datetime | None:
        return _at(self.first_page)

    @property
    def acknowledged_at(self) -> dt.datetime | None:
        return _at(self.acknowledged)

    @property
    def mitigated_at(self) -> dt.datetime | None:
        return _at(self.mitigated)

    @property
    def resolved_at(self) -> dt.datetime | None:
        return _at(self.resolved)

    def instants(self) -> Milestones[Instant]:
        """The same milestones known by their instants only (what the store keeps)."""

        def bare(found: T | None) -> Instant | None:
            return None if found is None else Instant(found.at)

        return Milestones(
            bare(self.cause),
            self.cause_candidate,
            bare(self.impact_start),
            bare(self.first_detection),
            bare(self.first_page),
            bare(self.acknowledged),
            bare(self.mitigated),
            bare(self.resolved),
        )


def durations_of(milestones: Milestones[Any]) -> Durations:
    """The one computation of the figures: whole seconds between the milestones' instants; an
    end before its start is a misreading, not a figure (None)."""
    m = milestones
    detection = m.first_detection
    return Durations(
        detection_gap=_since(m.cause, detection),
        detection_to_ack=_since(detection, m.acknowledged),
        detection_to_mitigation=_since(detection, m.mitigated),
        detection_to_resolution=_since(detection, m.resolved),
        impact_window=_since(m.impact_start, m.resolved),
    )


def whole_minutes(delta: dt.timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds() // 60)


def _since(start: Timed | None, end: Timed | None) -> dt.timedelta | None:
    if start is None or end is None:
        return None
    span = end.at.replace(microsecond=0) - start.at.replace(microsecond=0)
    return span if span >= dt.timedelta(0) else None


def _at(found: Timed | None) -> dt.datetime | None:
    return None if found is None else found.at


def _seconds(delta: dt.timedelta | None) -> float | None:
    return None if delta is None else delta.total_seconds()
