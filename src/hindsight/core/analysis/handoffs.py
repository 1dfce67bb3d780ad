"""Slow detection clustered in time: by hour of day, by day of week, near on-call handoffs.

For each bucket the question is the same: among slowly detected incidents, is the share that
started in this bucket higher than the share of all incidents that started there, by more
than chance explains? A one-sided binomial test with a Bonferroni correction over the buckets
tried answers it; only a bucket that passes is reported as a pattern.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hindsight.core.analysis.records import IncidentRecord
from hindsight.core.analysis.stats import binomial_sf

ALPHA = 0.01
MIN_INCIDENTS = 3
MIN_LIFT = 1.5
HANDOFF_WINDOW = 60  # minutes either side of a handoff
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class TimeCluster:
    """Slow detections concentrated in one bucket of time."""

    dimension: str  # "handoff", "hour" or "weekday"
    bucket: str  # "16:00 handoff", "14:00–15:00", "Friday"
    slow_in_bucket: int
    slow_total: int
    share_all: float  # share of all timed incidents in the bucket
    p_value: float
    incidents: tuple[str, ...]
    significant: bool

    @property
    def lift(self) -> float:
        share = self.slow_in_bucket / self.slow_total if self.slow_total else 0.0
        return share / self.share_all if self.share_all else 0.0


def parse_handoff(text: str) -> int:
    """Minute of day for "HH:MM" (UTC)."""
    clock = dt.time.fromisoformat(text.strip())
    return clock.hour * 60 + clock.minute


def near(minute: int, handoff: int, window: int = HANDOFF_WINDOW) -> bool:
    distance = abs(minute - handoff) % 1440
    return min(distance, 1440 - distance) <= window


def _test(
    dimension: str,
    bucket: str,
    members: Callable[[IncidentRecord], bool],
    timed: Sequence[IncidentRecord],
    slow: set[str],
    tries: int,
) -> TimeCluster:
    slow_records = [r for r in timed if r.id in slow]
    inside = [r for r in slow_records if members(r)]
    share_all = sum(1 for r in timed if members(r)) / len(timed) if timed else 0.0
    p_value = binomial_sf(len(inside), len(slow_records), share_all)
    cluster = TimeCluster(
        dimension,
        bucket,
        len(inside),
        len(slow_records),
        share_all,
        p_value,
        tuple(r.id for r in inside),
        False,
    )
    significant = (
        p_value * tries < ALPHA and len(inside) >= MIN_INCIDENTS and cluster.lift >= MIN_LIFT
    )
    return TimeCluster(**{**cluster.__dict__, "significant": significant})


def slow_clusters(
    records: Sequence[IncidentRecord], slow_ids: Sequence[str], handoffs: Sequence[int] = ()
) -> tuple[TimeCluster, ...]:
    """Every bucket tested, the significant ones first and strongest first."""
    slow = set(slow_ids)
    timed = [r for r in records if r.start_minute_of_day is not None]
    if not slow or not timed:
        return ()
    out: list[TimeCluster] = []
    for handoff in handoffs:
        label = f"{handoff // 60:02d}:{handoff % 60:02d} handoff"
        out.append(_test("handoff", label, _near(handoff), timed, slow, max(1, len(handoffs))))
    for hour in range(24):
        label = f"{hour:02d}:00–{(hour + 1) % 24:02d}:00 UTC"
        out.append(_test("hour", label, _in_hour(hour), timed, slow, 24))
    dated = [r for r in timed if r.started_at is not None]
    for day, name in enumerate(DAYS):
        out.append(_test("weekday", name, _on_day(day), dated, slow, 7))
    return tuple(sorted(out, key=lambda c: (not c.significant, c.p_value, c.bucket)))


def _near(handoff: int) -> Callable[[IncidentRecord], bool]:
    return lambda r: r.start_minute_of_day is not None and near(r.start_minute_of_day, handoff)


def _in_hour(hour: int) -> Callable[[IncidentRecord], bool]:
    return lambda r: r.start_minute_of_day is not None and r.start_minute_of_day // 60 == hour


def _on_day(day: int) -> Callable[[IncidentRecord], bool]:
    return lambda r: r.started_at is not None and r.started_at.weekday() == day
