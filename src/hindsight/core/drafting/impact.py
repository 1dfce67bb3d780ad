"""Impact from monitor data: failed requests, their share of the total, and SLO budget burned.

Input is per service: an error-ratio series r and a request-rate series q on one step Δ (what
Prometheus `query_range` returns), or two counters (errors and requests) sampled over time.

Method, stated in every draft that uses it — a **left Riemann sum over the step**: each sample
at instant t stands for [t, t + Δ) clipped to the impact window, so

    failed ≈ Σ r(t)·q(t)·w(t)      total ≈ Σ q(t)·w(t)      w(t) = min(Δ, end − t)

over the samples with start ≤ t < end. A sample missing from either series, or not a finite
number, is a gap: it contributes nothing and the uncovered time is reported. A ratio of NaN
where the rate is 0 (0/0: no traffic) is no gap: nothing failed. Counters are summed as their
increases between consecutive samples inside the window, a decrease read as a reset (the
counter restarted from zero), as Prometheus' `increase()` does.

SLO budget consumed = failed / ((1 − target) × requests in the SLO window). The requests in the
window come from a request-rate series over the whole window when there is one (extrapolated
from its mean rate over the part it covers), otherwise from the incident window's mean rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

Point = tuple[float, float]  # (unix seconds, value)

METHOD = (
    "left Riemann sum over the {step:g} s step: each sample at t counts for [t, t + {step:g} s) "
    "clipped to the impact window"
)
COUNTER_METHOD = "sum of counter increases between samples, a decrease read as a counter reset"


@dataclass(frozen=True)
class Series:
    """One measured series: an id to cite, and its samples in time order."""

    id: str
    points: tuple[Point, ...]

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a series needs an id to cite")
        times = [t for t, _ in self.points]
        if times != sorted(times):
            raise ValueError(f"series {self.id}: samples are not in time order")


@dataclass(frozen=True)
class ServiceMetrics:
    """What the monitor says about one service: a ratio and a rate, or two counters."""

    service: str
    step: float  # seconds between samples
    error_ratio: Series | None = None
    request_rate: Series | None = None
    errors_total: Series | None = None
    requests_total: Series | None = None
    users_affected: Series | None = None  # the peak over the window is quoted
    slo_target: float | None = None
    slo_window_days: float = 30.0
    window_rate: Series | None = None  # request rate over the SLO window (coarse step)
    window_step: float | None = None
    source: str = "Prometheus"

    def __post_init__(self) -> None:
        if not self.step > 0:
            raise ValueError(f"{self.service}: the step must be positive")
        if self.slo_target is not None and not 0 < self.slo_target < 1:
            raise ValueError(f"{self.service}: the SLO target must be between 0 and 1")
        if not self.slo_window_days > 0:
            raise ValueError(f"{self.service}: the SLO window must be positive")
        ratio = self.error_ratio is not None and self.request_rate is not None
        counters = self.errors_total is not None and self.requests_total is not None
        if not (ratio or counters):
            raise ValueError(
                f"{self.service}: give error_ratio and request_rate, or errors_total and "
                "requests_total"
            )

    @property
    def ids(self) -> tuple[str, ...]:
        series = (self.error_ratio, self.request_rate, self.errors_total, self.requests_total)
        return tuple(s.id for s in series if s is not None)


@dataclass(frozen=True)
class ImpactFigures:
    service: str
    failed: float
    total: float
    covered: float  # seconds of the window with usable samples
    window: float  # seconds in the impact window
    method: str
    ids: tuple[str, ...]
    budget: float | None = None  # fraction of the SLO window's error budget
    budget_basis: str = ""
    budget_ids: tuple[str, ...] = ()
    users: float | None = None
    users_ids: tuple[str, ...] = ()

    @property
    def fraction(self) -> float | None:
        return self.failed / self.total if self.total > 0 else None

    @property
    def has_data(self) -> bool:
        return self.covered > 0

    @property
    def gap(self) -> float:
        return max(0.0, self.window - self.covered)


def _finite(value: float) -> bool:
    return not (math.isnan(value) or math.isinf(value))


def _weights(times: Sequence[float], step: float, start: float, end: float) -> list[float]:
    return [max(0.0, min(step, end - t)) if start <= t < end else 0.0 for t in times]


def riemann(
    ratio: Sequence[Point], rate: Sequence[Point], step: float, start: float, end: float
) -> tuple[float, float, float]:
    """(failed, total, covered seconds) by the left Riemann sum over [start, end)."""
    rates = {round(t, 3): v for t, v in rate}
    failed = total = covered = 0.0
    times = [t for t, _ in ratio]
    for (t, r), w in zip(ratio, _weights(times, step, start, end), strict=True):
        q = rates.get(round(t, 3))
        if w == 0 or q is None or not _finite(q) or q < 0:
            continue
        if not _finite(r):
            if q != 0:
                continue  # an unknown ratio on live traffic: a gap
            r = 0.0  # 0/0: no requests, nothing failed
        failed += r * q * w
        total += q * w
        covered += w
    return failed, total, covered


def increase(points: Sequence[Point], start: float, end: float) -> tuple[float, float]:
    """(increase, covered seconds) of a counter over [start, end], resets counted as restarts."""
    inside = [(t, v) for t, v in points if start <= t <= end and _finite(v)]
    grown = covered = 0.0
    for (t0, v0), (t1, v1) in pairwise(inside):
        grown += v1 - v0 if v1 >= v0 else v1
        covered += t1 - t0
    return grown, covered


def window_requests(
    metrics: ServiceMetrics, total: float, covered: float
) -> tuple[float, str, tuple[str, ...]] | None:
    """(requests in the SLO window, how it was obtained, ids) or None without any rate data."""
    seconds = metrics.slo_window_days * 86400
    days = f"{metrics.slo_window_days:g}-day"
    if metrics.window_rate is not None and metrics.window_step:
        points = metrics.window_rate.points
        end = points[-1][0] + metrics.window_step if points else 0.0
        summed = seen = 0.0
        for (_, q), w in zip(
            points,
            _weights([t for t, _ in points], metrics.window_step, end - seconds, end),
            strict=True,
        ):
            if w and _finite(q) and q >= 0:
                summed += q * w
                seen += w
        if seen > 0:
            if seen >= seconds:
                return summed, f"requests over the {days} window", (metrics.window_rate.id,)
            return (
                summed / seen * seconds,
                f"the mean request rate over {seen / 3600:.1f} h of data, "
                f"extrapolated to the {days} window",
                (metrics.window_rate.id,),
            )
    if covered > 0 and total > 0:
        return (
            total / covered * seconds,
            f"the impact window's mean request rate, extrapolated to the {days} window",
            (),
        )
    return None


def figures(metrics: ServiceMetrics, start: float, end: float) -> ImpactFigures:
    """The impact of one service over the window [start, end) (unix seconds)."""
    window = max(0.0, end - start)
    if metrics.error_ratio is not None and metrics.request_rate is not None:
        failed, total, covered = riemann(
            metrics.error_ratio.points, metrics.request_rate.points, metrics.step, start, end
        )
        method = METHOD.format(step=metrics.step)
    else:
        assert metrics.errors_total is not None and metrics.requests_total is not None
        failed, _ = increase(metrics.errors_total.points, start, end)
        total, covered = increase(metrics.requests_total.points, start, end)
        method = COUNTER_METHOD
    users: float | None = None
    users_ids: tuple[str, ...] = ()
    if metrics.users_affected is not None:
        values = [v for t, v in metrics.users_affected.points if start <= t <= end and _finite(v)]
        if values:
            users, users_ids = max(values), (metrics.users_affected.id,)
    budget: float | None = None
    basis = ""
    budget_ids: tuple[str, ...] = ()
    if metrics.slo_target is not None and covered > 0:
        found = window_requests(metrics, total, covered)
        if found is not None and found[0] > 0:
            requests, basis, budget_ids = found
            budget = failed / ((1 - metrics.slo_target) * requests)
    return ImpactFigures(
        service=metrics.service,
        failed=failed,
        total=total,
        covered=min(covered, window),
        window=window,
        method=method,
        ids=metrics.ids,
        budget=budget,
        budget_basis=basis,
        budget_ids=budget_ids,
        users=users,
        users_ids=users_ids,
    )
