"""Hypothesis strategies for events: few keys, subjects and instants, so that duplicates,
same-instant ties and storms are common rather than rare."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from hindsight.core.events import UTC, Actor, Event, EventKind

BASE = dt.datetime(2026, 3, 14, 14, 0, tzinfo=UTC)

instants = st.integers(min_value=0, max_value=4 * 3600).map(
    lambda s: BASE + dt.timedelta(seconds=s // 4)
)
actors = st.none() | st.builds(
    Actor, st.sampled_from(["Priya Raman", "Mei Lin", "bot"]), st.booleans()
)


@st.composite
def events(draw: st.DrawFn) -> Event:
    key = draw(st.sampled_from([f"k{i}" for i in range(12)]))
    return Event(
        at=draw(instants),
        source=draw(st.sampled_from(["alertmanager", "pagerduty", "slack"])),
        kind=draw(st.sampled_from(list(EventKind))),
        key=key,
        text=draw(st.sampled_from(["a", "b", "HighErrorRate firing"])),
        actor=draw(actors),
        services=draw(st.sampled_from([(), ("checkout-api",), ("db",)])),
        subject=draw(st.sampled_from([None, "s1", "s2"])),
        fact=draw(st.sampled_from([None, None, "f1", "f2"])),
        fidelity=draw(st.integers(0, 2)),
    )


event_lists = st.lists(events(), max_size=30)
