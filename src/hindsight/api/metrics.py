"""Prometheus metrics of one app, in a registry of its own (no process-global state)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "hindsight_http_requests",
            "HTTP requests by method, route template and status code.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "hindsight_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ("route",),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.deliveries = Counter(
            "hindsight_webhook_deliveries",
            "Webhook deliveries by source and outcome (stored, duplicate, unauthorized, "
            "forbidden, invalid, too_large, rate_limited, unplaced, shed).",
            ("source", "outcome"),
            registry=self.registry,
        )
        self.events = Counter(
            "hindsight_webhook_events",
            "Events received by webhook, by source and whether they were new.",
            ("source", "outcome"),
            registry=self.registry,
        )
        self.ingest_seconds = Histogram(
            "hindsight_ingest_duration_seconds",
            "Time to store one webhook delivery durably, by source.",
            ("source",),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def track_jobs(
        self, counts: Callable[[], dict[tuple[str, str], int]], tasks: Iterable[str]
    ) -> None:
        """Serve `hindsight_jobs{task, state}`, read from `counts` at each scrape (every known
        task in the usual states, 0 where none)."""
        self.registry.register(_JobsCollector(counts, tuple(tasks)))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


STATES = ("todo", "doing", "succeeded", "failed")


class _JobsCollector(Collector):
    def __init__(self, counts: Callable[[], dict[tuple[str, str], int]], tasks: tuple[str, ...]):
        self.counts = counts
        self.tasks = tasks

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield self._family()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = self._family()
        try:
            counts = self.counts()
        except Exception:  # the queue's database is down: the other metrics still serve
            logging.getLogger("hindsight.server").exception("job counts unavailable")
            yield family
            return
        merged = {(task, state): 0 for task in self.tasks for state in STATES} | counts
        for (task, state), n in sorted(merged.items()):
            family.add_metric([task, state], n)
        yield family

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "hindsight_jobs",
            "Background jobs by task and state (todo, doing, succeeded, failed; on the "
            "PostgreSQL queue also cancelled, aborted).",
            labels=("task", "state"),
        )
