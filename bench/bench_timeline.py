"""Timeline builder on an alert storm: events/s, peak memory, and the ratio to a plain sort.

An alert storm: 500 alerts flapping for hours, every notification re-delivered now and then,
arriving shuffled. The baseline is `sorted()` of the same events by instant, timed in the
same run, so the ratio holds on any machine. Targets: at most 5x the sort; peak memory per
event about the same at a quarter of the size and at the full size (linear growth).
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import time
import tracemalloc
from collections.abc import Callable
from operator import attrgetter

from hindsight.core.events import UTC, Actor, Event, EventKind
from hindsight.core.timeline import build_timeline

MAX_RATIO = 5.0
MAX_MEMORY_DRIFT = 1.5  # bytes/event at full size vs at a quarter size


def storm(n: int, seed: int = 4) -> list[Event]:
    rnd = random.Random(seed)
    start = dt.datetime(2026, 3, 14, 14, 0, tzinfo=UTC)
    bot = Actor("Alertmanager", is_bot=True)
    events: list[Event] = []
    while len(events) < n:
        i = len(events)
        alert = i % 500
        at = start + dt.timedelta(milliseconds=i * 7)
        firing = (i // 500) % 2 == 0
        event = Event(
            at=at,
            source="alertmanager",
            kind=EventKind.ALERT_FIRING if firing else EventKind.ALERT_RESOLVED,
            key=f"alertmanager:{alert:016x}:{at.isoformat()}:{'firing' if firing else 'resolved'}",
            text=f"HighErrorRate firing on shard {alert}",
            actor=bot,
            services=("checkout-api",),
            subject=f"alertmanager:HighErrorRate:shard-{alert}",
        )
        events.append(event)
        if rnd.random() < 0.1 and len(events) < n:  # a re-delivery: same content, new object
            events.append(Event(**{f: getattr(event, f) for f in _FIELDS}))
    rnd.shuffle(events)
    return events


_FIELDS = ("at", "source", "kind", "key", "text", "actor", "services", "subject")


def _time(fn: Callable[[list[Event]], object], events: list[Event], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        began = time.perf_counter()
        fn(events)
        best = min(best, time.perf_counter() - began)
    return best


def _peak(events: list[Event]) -> int:
    gc.collect()
    tracemalloc.start()
    build_timeline(events)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main(quick: bool) -> bool:
    n = 50_000 if quick else 1_000_000
    repeat = 3 if quick else 2
    events = storm(n)
    timeline = build_timeline(events)
    baseline = _time(lambda e: sorted(e, key=attrgetter("at")), events, repeat)
    built = _time(build_timeline, events, repeat)
    ratio = built / baseline
    quarter = events[: n // 4]
    per_event_small = _peak(quarter) / len(quarter)
    per_event_full = _peak(events) / len(events)
    drift = per_event_full / per_event_small
    print(f"events            {n:,} in, {len(timeline.events):,} after de-duplication")
    print(f"entries           {len(timeline.entries):,} after storm collapse")
    print(f"build             {built:.3f} s  ({n / built:,.0f} events/s)")
    print(f"plain sorted()    {baseline:.3f} s  ({n / baseline:,.0f} events/s)")
    print(f"ratio             {ratio:.2f}x  (target <= {MAX_RATIO:.0f}x)")
    print(
        f"peak memory       {per_event_full * n / 1_048_576:.1f} MiB "
        f"({per_event_full:.0f} B/event; {per_event_small:.0f} B/event at n/4, "
        f"drift {drift:.2f}, target <= {MAX_MEMORY_DRIFT})"
    )
    ok = ratio <= MAX_RATIO and drift <= MAX_MEMORY_DRIFT
    print("targets           " + ("met" if ok else "NOT met"))
    return ok
