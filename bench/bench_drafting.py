"""Drafting an incident with 100,000 events (10,000 quick): time to draft and render, and the
ratio to building the timeline alone, measured in the same run.

The incident: a change, a deploy, a latent condition, then an alert storm across 200 shards,
pages, acknowledgements, a busy incident channel, notes, a rollback and the resolution, plus
monitor series at a 15 s step over the impact window. Target: under 2 s at full size.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import time
from collections.abc import Callable

from hindsight.core.document import render
from hindsight.core.drafting import Series, ServiceMetrics, draft
from hindsight.core.events import UTC, Actor, Event, EventKind
from hindsight.core.timeline import build_timeline

LIMIT_SECONDS = 2.0
START = dt.datetime(2026, 3, 14, 13, 0, tzinfo=UTC)
PEOPLE = [Actor(name) for name in ("Priya Raman", "Mei Lin", "Tomás Ortega", "Jonas Weber")]
BOT = Actor("Alertmanager", is_bot=True)


def _event(i: int, at: dt.datetime, kind: EventKind, text: str, **more: object) -> Event:
    return Event(at, more.pop("source", "bench"), kind, f"bench:{i}", text, **more)  # type: ignore[arg-type]


def incident(n: int, seed: int = 7) -> list[Event]:
    rnd = random.Random(seed)
    svc = ("checkout-api",)
    events = [
        _event(0, START, EventKind.CHANGE, "Pool size lowered", services=svc, actor=PEOPLE[2]),
        _event(
            1, START + dt.timedelta(minutes=10), EventKind.DEPLOY, "Deploy started", services=svc
        ),
        _event(
            2, START + dt.timedelta(minutes=30), EventKind.CONDITION, "Pool exhausted", services=svc
        ),
    ]
    span = 3 * 3600.0
    for i in range(3, n - 2):
        at = START + dt.timedelta(minutes=35, seconds=rnd.random() * span)
        roll = rnd.random()
        if roll < 0.6:
            shard = rnd.randrange(200)
            events.append(
                _event(
                    i,
                    at,
                    EventKind.ALERT_FIRING,
                    f"HighErrorRate firing on shard {shard}",
                    actor=BOT,
                    services=svc,
                    subject=f"HighErrorRate:{shard}",
                    source="alertmanager",
                )
            )
        elif roll < 0.9:
            person = PEOPLE[i % len(PEOPLE)]
            events.append(
                _event(i, at, EventKind.CHAT_MESSAGE, f"message {i}", actor=person, source="slack")
            )
        elif roll < 0.95:
            events.append(_event(i, at, EventKind.NOTE, f"note {i}", actor=PEOPLE[0]))
        elif roll < 0.999:
            events.append(
                _event(i, at, EventKind.NOTIFICATION_SENT, "Notified", subject="page", actor=BOT)
            )
        else:
            events.append(
                _event(i, at, EventKind.ACKNOWLEDGED, "Acknowledged", actor=PEOPLE[0], services=svc)
            )
    end = START + dt.timedelta(minutes=35, seconds=span)
    events.append(
        _event(
            n - 2,
            end - dt.timedelta(minutes=8),
            EventKind.MITIGATION,
            "Rollback",
            services=svc,
            actor=PEOPLE[0],
        )
    )
    events.append(_event(n - 1, end, EventKind.RESOLVED, "Resolved", services=svc))
    rnd.shuffle(events)
    return events


def metrics() -> ServiceMetrics:
    t0 = START.timestamp()
    points = [t0 + 15.0 * i for i in range(int(4 * 3600 / 15))]
    return ServiceMetrics(
        "checkout-api",
        15.0,
        error_ratio=Series("ratio", tuple((t, 0.1) for t in points)),
        request_rate=Series("rate", tuple((t, 80.0) for t in points)),
        slo_target=0.999,
    )


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        began = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - began)
    return best


def main(quick: bool) -> bool:
    n = 10_000 if quick else 100_000
    events = incident(n)
    series = [metrics()]
    timeline_only = _best(lambda: build_timeline(events), 3)
    drafting = _best(lambda: render(draft(build_timeline(events), series).document), 3)
    result = draft(build_timeline(events), series)
    ok = drafting < LIMIT_SECONDS
    print(
        f"{n:,} events: timeline {timeline_only * 1000:.0f} ms, draft + render "
        f"{drafting * 1000:.0f} ms (ratio {drafting / timeline_only:.2f}x the timeline; "
        f"limit {LIMIT_SECONDS:g} s), {len(result.citations):,} citations  "
        f"{'ok' if ok else 'TOO SLOW'}"
    )
    return ok
