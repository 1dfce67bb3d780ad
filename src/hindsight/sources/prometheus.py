"""Impact data from Prometheus: the HTTP API's `query_range`, and metric samples as evidence.

    client = PrometheusImpact(httpx.Client(), "http://127.0.0.1:9090", step=60)
    metrics = client.fetch(service_queries, start, end)        → ServiceMetrics

The same data can arrive as a file among the evidence (what a `query_range` call returned,
recorded), so a draft can be made offline and reproduced:

    {"kind": "hindsight.metrics", "service": "checkout-api", "step": 60,
     "slo_target": 0.999, "slo_window_days": 30,
     "error_ratio": <query_range response, or [[unix, "value"], …]>,
     "request_rate": <…>}

(or `errors_total` and `requests_total` counters instead of the ratio and the rate).
Sample values are strings in the API ("NaN", "+Inf"); they are read as floats, and the core
treats the non-finite ones as gaps.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import httpx

from hindsight.core.drafting.config import ServiceQueries
from hindsight.core.drafting.impact import Point, Series, ServiceMetrics
from hindsight.core.events import format_instant
from hindsight.sources.base import SourceError

KIND = "hindsight.metrics"
MAX_POINTS = 11_000  # Prometheus refuses more points per series
SERIES_KEYS = ("error_ratio", "request_rate", "errors_total", "requests_total", "users_affected")


def _points(where: str, field: str, values: Any) -> tuple[Point, ...]:
    if not isinstance(values, list):
        raise SourceError("expected a list of [time, value] pairs", where=where, field=field)
    out: list[Point] = []
    for index, pair in enumerate(values):
        try:
            t, v = pair
            out.append((float(t), float(v)))
        except (TypeError, ValueError):
            raise SourceError(
                f'sample {index} is {pair!r}, not [unix seconds, "value"]',
                where=where,
                field=field,
            ) from None
    out.sort(key=lambda p: p[0])
    return tuple(out)


def parse_matrix(where: str, body: Any, field: str = "data") -> tuple[Point, ...] | None:
    """The one series of a `query_range` response (None when it has no series)."""
    if isinstance(body, list):  # already a list of samples
        return _points(where, field, body)
    if not isinstance(body, Mapping):
        raise SourceError("not a query_range response", where=where, field=field)
    if body.get("status") == "error":
        raise SourceError(
            f"Prometheus error {body.get('errorType')}: {body.get('error')}",
            where=where,
            field=field,
            fix="check the query in [impact.services]",
        )
    data = body.get("data")
    if body.get("status") != "success" or not isinstance(data, Mapping):
        raise SourceError("not a successful query_range response", where=where, field=field)
    if data.get("resultType") != "matrix":
        raise SourceError(
            f"resultType is {data.get('resultType')!r}, not 'matrix'", where=where, field=field
        )
    result = data.get("result")
    if not isinstance(result, list):
        raise SourceError("data.result is not a list", where=where, field=field)
    if not result:
        return None
    if len(result) > 1:
        raise SourceError(
            f"the query returns {len(result)} series; impact needs one",
            where=where,
            field=field,
            fix="aggregate the query, e.g. sum(rate(...))",
        )
    series = result[0]
    if not isinstance(series, Mapping):
        raise SourceError("a result is not an object", where=where, field=field)
    return _points(where, f"{field}.result[0].values", series.get("values"))


def is_metrics_file(data: bytes) -> bool:
    head = data[:4096].lstrip()
    return head.startswith(b"{") and b'"hindsight.metrics"' in head


def parse_metrics_file(name: str, data: bytes) -> ServiceMetrics:
    """A recorded impact file (see the module docstring) as `ServiceMetrics`."""
    try:
        body = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SourceError(f"not JSON ({error})", where=name) from None
    if not isinstance(body, Mapping) or body.get("kind") != KIND:
        raise SourceError(f'"kind" is not "{KIND}"', where=name, field="kind")
    service = body.get("service")
    if not isinstance(service, str) or not service:
        raise SourceError("no service name", where=name, field="service")
    series: dict[str, Series | None] = {}
    for key in SERIES_KEYS:
        if key in body:
            points = parse_matrix(name, body[key], key)
            series[key] = Series(f"{name}#{key}", points or ())
    window = body.get("window_rate")
    window_points = parse_matrix(name, window, "window_rate") if window is not None else None
    try:
        return ServiceMetrics(
            service=service,
            step=float(body.get("step", 60)),
            slo_target=None if body.get("slo_target") is None else float(body["slo_target"]),
            slo_window_days=float(body.get("slo_window_days", 30)),
            window_rate=None
            if window_points is None
            else Series(f"{name}#window_rate", window_points),
            window_step=None if body.get("window_step") is None else float(body["window_step"]),
            source=str(body.get("source", "recorded monitor")),
            **series,
        )
    except (TypeError, ValueError) as error:
        raise SourceError(str(error), where=name) from None


def measurement_id(service: str, metric: str, start: dt.datetime, end: dt.datetime) -> str:
    return f"prometheus:{service}:{metric}:{format_instant(start)}/{format_instant(end)}"


class PrometheusImpact:
    """Fetches a service's impact series from `/api/v1/query_range` on an injected client."""

    def __init__(self, client: httpx.Client, url: str, *, step: float = 60.0) -> None:
        self.client = client
        self.url = url.rstrip("/")
        self.step = step

    def query_range(
        self, query: str, start: dt.datetime, end: dt.datetime, step: float
    ) -> tuple[Point, ...] | None:
        where = f"{self.url}/api/v1/query_range"
        params = {
            "query": query,
            "start": f"{start.timestamp():.3f}",
            "end": f"{end.timestamp():.3f}",
            "step": f"{step:g}",
        }
        try:
            response = self.client.post(where, data=params)
        except httpx.HTTPError as error:
            raise SourceError(
                f"cannot reach Prometheus ({error})",
                where=where,
                fix="check [impact.prometheus] url and that Prometheus is running",
            ) from None
        try:
            body = response.json()
        except ValueError:
            raise SourceError(
                f"HTTP {response.status_code} with a body that is not JSON", where=where
            ) from None
        return parse_matrix(where, body)

    def fetch(
        self, service: ServiceQueries, start: dt.datetime, end: dt.datetime
    ) -> ServiceMetrics:
        """The service's series over the impact window (and its rate over the SLO window)."""

        def series(metric: str, query: str) -> Series:
            points = self.query_range(query, start, end, self.step)
            return Series(measurement_id(service.name, metric, start, end), points or ())

        users = series("users_affected", service.users_affected) if service.users_affected else None
        window_rate = window_step = None
        if service.slo_target is not None:
            seconds = service.slo_window_days * 86400
            window_step = max(self.step, float(int(seconds / MAX_POINTS) + 1))
            window_start = end - dt.timedelta(seconds=seconds)
            points = self.query_range(service.request_rate, window_start, end, window_step)
            window_rate = Series(
                measurement_id(service.name, "request_rate", window_start, end), points or ()
            )
        return ServiceMetrics(
            service=service.name,
            step=self.step,
            error_ratio=series("error_ratio", service.error_ratio),
            request_rate=series("request_rate", service.request_rate),
            users_affected=users,
            slo_target=service.slo_target,
            slo_window_days=service.slo_window_days,
            window_rate=window_rate,
            window_step=window_step,
        )
