"""Detection: how long from cause to detection, and from detection to acknowledgement.

Distributions per service and per severity, and the trend month by month. "Slow" means at or
above the slowest quarter of this set of incidents (and never under `SLOW_FLOOR` minutes), so
the definition adapts to the team's own baseline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from hindsight.core.analysis.records import IncidentRecord
from hindsight.core.analysis.stats import median, quantile

SLOW_FLOOR = 15.0  # minutes


@dataclass(frozen=True)
class Distribution:
    group: str
    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class MonthPoint:
    month: str  # YYYY-MM
    count: int
    median_detection: float | None
    median_ack: float | None


@dataclass(frozen=True)
class Detection:
    detection: Distribution  # all incidents
    ack: Distribution
    by_service: tuple[tuple[Distribution, Distribution], ...]  # (detection, ack)
    by_severity: tuple[tuple[Distribution, Distribution], ...]
    months: tuple[MonthPoint, ...]
    trend: str  # "improving", "worsening", "flat" or "unknown"
    slow_threshold: float | None
    slow: tuple[str, ...]  # ids of incidents detected slowly


def _distribution(group: str, values: Sequence[float]) -> Distribution:
    return Distribution(group, len(values), median(values), quantile(values, 0.9))


def _grouped(
    records: Sequence[IncidentRecord],
    keys: Callable[[IncidentRecord], Iterable[str]],
) -> tuple[tuple[Distribution, Distribution], ...]:
    detect: dict[str, list[float]] = {}
    ack: dict[str, list[float]] = {}
    for record in records:
        for key in keys(record):
            if record.detection_minutes is not None:
                detect.setdefault(key, []).append(record.detection_minutes)
            if record.ack_minutes is not None:
                ack.setdefault(key, []).append(record.ack_minutes)
    groups = sorted(set(detect) | set(ack), key=lambda k: (-len(detect.get(k, [])), k))
    return tuple(
        (_distribution(k, detect.get(k, [])), _distribution(k, ack.get(k, []))) for k in groups
    )


def analyse_detection(records: Sequence[IncidentRecord]) -> Detection:
    gaps = [r.detection_minutes for r in records if r.detection_minutes is not None]
    acks = [r.ack_minutes for r in records if r.ack_minutes is not None]
    threshold = quantile(gaps, 0.75)
    if threshold is not None:
        threshold = max(threshold, SLOW_FLOOR)
    slow = tuple(
        r.id
        for r in records
        if threshold is not None
        and r.detection_minutes is not None
        and r.detection_minutes >= threshold
    )
    months = _months(records)
    return Detection(
        _distribution("all", gaps),
        _distribution("all", acks),
        _grouped(records, lambda r: dict.fromkeys(s.casefold() for s in r.services)),
        _grouped(records, lambda r: (r.severity or "unknown",)),
        months,
        _trend(months),
        threshold,
        slow,
    )


def _months(records: Sequence[IncidentRecord]) -> tuple[MonthPoint, ...]:
    detect: dict[str, list[float]] = {}
    ack: dict[str, list[float]] = {}
    count: dict[str, int] = {}
    for record in records:
        if record.date is None:
            continue
        month = record.date.strftime("%Y-%m")
        count[month] = count.get(month, 0) + 1
        if record.detection_minutes is not None:
            detect.setdefault(month, []).append(record.detection_minutes)
        if record.ack_minutes is not None:
            ack.setdefault(month, []).append(record.ack_minutes)
    return tuple(
        MonthPoint(m, count[m], median(detect.get(m, [])), median(ack.get(m, [])))
        for m in sorted(count)
    )


def _trend(months: Sequence[MonthPoint]) -> str:
    """Compare the median of the earlier half of the months with the later half."""
    values = [m.median_detection for m in months if m.median_detection is not None]
    if len(values) < 4:
        return "unknown"
    half = len(values) // 2
    before, after = median(values[:half]), median(values[half:])
    if not before or after is None:
        return "unknown"
    change = (after - before) / before
    return "worsening" if change > 0.25 else "improving" if change < -0.25 else "flat"
