"""Milestones kept fresh for a server, off the deliveries' write path.

Recomputing an incident's milestone columns reads its events; doing that in every webhook
delivery's transaction made an alert storm O(events²) under SQLite's one write lock. Instead a
delivery commits its events (that is its acknowledgement) and `mark`s the incident, and the
app's `MilestoneRefresher` recomputes each marked incident once, `delay` seconds after the
first mark, in a background thread: it reads in a snapshot (no write lock), builds the
timeline, and writes the columns in a short transaction only if they changed. A read brings
every marked incident up to date first (`flush`), and stopping the app refreshes whatever is
still marked. Opening recomputes every open incident once, in case a process died between a
delivery's commit and its refresh. On PostgreSQL, where several servers may refresh one
incident, each refresh holds an advisory lock on it and reads its events after taking it.

The refresher remembers the events it has loaded (`EventCache`): events are only ever added,
so a refresh loads just the ones stored since the last, and checks the incident's count to
catch anything else (an event committed out of id order, a deleted incident), reloading then.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hindsight.core.events import Event, EventKind
from hindsight.core.figures import DETECTION_KINDS
from hindsight.services.timelines import write_evidence_figures
from hindsight.store.unit_of_work import UnitOfWork, utc_now

EXACT_UP_TO = 20_000  # beyond, the store's bounded milestone candidates (a storm) are used


@dataclass
class _Loaded:
    created_at: dt.datetime
    last_id: int = 0
    events: list[tuple[dt.datetime, int, Event]] = field(default_factory=list)


class EventCache:
    """Each recently refreshed incident's events, as loaded; not thread-safe (the refresher
    uses it under its own lock)."""

    def __init__(self, incidents: int = 64) -> None:
        self.incidents = incidents
        self._loaded: OrderedDict[int, _Loaded] = OrderedDict()
        self.full_loads = 0  # for tests

    def candidates(self, uow: UnitOfWork, incident_id: int) -> list[Event] | None:
        """The events the incident's milestones depend on, in time order (inside an open
        uow); None if the incident is gone."""
        incident = uow.incidents.get(incident_id)
        if incident is None:
            self._loaded.pop(incident_id, None)
            return None
        total = uow.events.count(incident_id)
        if total > EXACT_UP_TO:
            self._loaded.pop(incident_id, None)
            return uow.events.milestone_candidates(incident_id, exact_up_to=EXACT_UP_TO)
        loaded = self._loaded.pop(incident_id, None)
        if loaded is None or loaded.created_at != incident.created_at:
            loaded = _Loaded(incident.created_at)
        new = uow.events.stored_since(incident_id, loaded.last_id)
        if len(loaded.events) + len(new) != total:  # not just additions: load them all again
            loaded = _Loaded(incident.created_at)
            new = uow.events.stored_since(incident_id, 0)
        if loaded.last_id == 0:
            self.full_loads += 1
        if new:
            loaded.events.extend((event.at, event_id, event) for event_id, event in new)
            loaded.events.sort()  # (time, id): ids are unique, events never compared
            loaded.last_id = max(loaded.last_id, max(event_id for event_id, _ in new))
        self._loaded[incident_id] = loaded
        while len(self._loaded) > self.incidents:
            self._loaded.popitem(last=False)
        return [event for _, _, event in loaded.events]


def milestone_lock(incident_id: int) -> str:
    return f"milestones:{incident_id}"


def store_milestones(write: UnitOfWork, incident_id: int, events: list[Event]) -> None:
    """Compute the milestones of `events` and write them on the incident if they changed."""
    with write:
        if write_evidence_figures(write, incident_id, events, utc_now()):
            write.commit()


class MilestoneRefresher:
    """Coalesced milestone refreshes for a server: `mark` after a delivery commits, `flush`
    before a read, `start`/`stop` with the app (`stop` refreshes whatever is still marked).

    Each marked incident is recomputed once, when its first mark is `delay` seconds old,
    however many deliveries marked it meanwhile. The worker rests `spacing` times as long as
    each refresh took before starting the next, so recomputing large incidents takes a bounded
    share of the process (about 1/(1 + spacing)) from the deliveries; `flush` does not wait."""

    def __init__(
        self,
        read_uow: Callable[[], UnitOfWork],
        write_uow: Callable[[], UnitOfWork],
        *,
        delay: float = 1.0,
        spacing: float = 4.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read_uow = read_uow
        self._write_uow = write_uow
        self.delay = delay
        self.spacing = spacing
        self._clock = clock
        self._dirty: dict[int, float] = {}  # incident id → when it becomes due
        self._rest_until = 0.0  # the worker starts no refresh before this (its clock)
        self._state = threading.Condition()
        self._refreshing = threading.Lock()  # one refresh at a time: newer values win
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.refreshed = 0  # refreshes done (for tests and metrics)
        self.skipped = 0  # marks that could not change a milestone
        # Per refreshed incident: the first detection's order and the services the detections
        # name, as of its last refresh; events only ever get added, so these only move earlier
        # and grow, and a test against them stays true.
        self._settled: dict[int, tuple[tuple[object, ...], frozenset[str]]] = {}
        self.cache = EventCache()
        self.log = logging.getLogger("hindsight.server")

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def pending(self) -> set[int]:
        with self._state:
            return set(self._dirty)

    def mark(self, incident_id: int, events: Sequence[Event] = ()) -> None:
        """The incident gained `events` (all of a delivery's, when known): refresh it soon,
        unless they provably cannot move a milestone (see `_settles`)."""
        with self._state:
            if events and self._settles(incident_id, events):
                self.skipped += 1
                return
            if incident_id not in self._dirty:
                self._dirty[incident_id] = self._clock() + self.delay
                self._state.notify()
            stopping = self._stopping
        if stopping:  # a delivery that raced `stop`: nobody else will get to it
            self.flush({incident_id})

    def flush(self, incident_ids: set[int] | None = None) -> int:
        """Refresh now whatever is marked (or just `incident_ids` among it), after waiting for
        a refresh in progress: on return, every delivery acknowledged before the call is
        reflected in the columns. The number refreshed."""
        with self._state:
            if not self._dirty and not self._refreshing.locked():
                return 0
        with self._refreshing:
            with self._state:
                chosen = [i for i in self._dirty if incident_ids is None or i in incident_ids]
                for incident_id in chosen:
                    del self._dirty[incident_id]
            for n, incident_id in enumerate(chosen):
                try:
                    self._refresh(incident_id)
                except BaseException:
                    with self._state:
                        for again in chosen[n:]:
                            self._dirty.setdefault(again, self._clock() + self.delay)
                    raise
        return len(chosen)

    def start(self, *, recover: bool = True) -> None:
        """Start the worker. With `recover` it first recomputes every open incident, once (a
        process that stopped without `stop` may have left marked incidents behind)."""
        if self.running:
            return
        self._stopping = False
        self._thread = threading.Thread(
            target=self._run, args=(recover,), name="milestones", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker and refresh everything still marked."""
        with self._state:
            self._stopping = True
            self._state.notify()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.flush()

    def _recover(self) -> None:
        try:
            with self._read_uow() as uow:
                found = [row[0] for row in uow.incidents.open_for_correlation()]
        except Exception:
            self.log.exception("milestone recovery failed")
            return
        for incident_id in found:
            with self._state:
                while not self._stopping and self._clock() < self._rest_until:
                    self._state.wait(self._rest_until - self._clock())
                if self._stopping:
                    return
            self._refresh_one(incident_id, marked=False)

    def _run(self, recover: bool) -> None:
        if recover:
            self._recover()
        while True:
            with self._state:
                while True:
                    if self._stopping:
                        return
                    now = self._clock()
                    if not self._dirty:
                        self._state.wait()
                        continue
                    incident_id, due = min(self._dirty.items(), key=lambda item: item[1])
                    start = max(due, self._rest_until)
                    if start <= now:
                        break
                    self._state.wait(start - now)
            self._refresh_one(incident_id, marked=True)

    def _refresh_one(self, incident_id: int, *, marked: bool) -> None:
        with self._refreshing:
            if marked:
                with self._state:
                    if self._dirty.pop(incident_id, None) is None:
                        return  # a flush got there first
            try:
                self._refresh(incident_id)
            except Exception:
                self.log.exception("milestone refresh failed", extra={"incident_id": incident_id})
                with self._state:
                    self._rest_until = self._clock() + self.delay
                if marked:
                    with self._state:  # try again later
                        self._dirty.setdefault(incident_id, self._clock() + self.delay)

    def _refresh(self, incident_id: int) -> None:
        started = time.perf_counter()
        write = self._write_uow()
        if write.backend == "postgresql":
            found = self._refresh_locked(write, incident_id)
        else:
            with self._read_uow() as read:
                found = self.cache.candidates(read, incident_id)
            if found is not None:
                store_milestones(write, incident_id, found)
        if found is not None:
            self._settle(incident_id, found)
        took = time.perf_counter() - started
        with self._state:
            self._rest_until = self._clock() + self.spacing * took
            self.refreshed += 1

    def _refresh_locked(self, write: UnitOfWork, incident_id: int) -> list[Event] | None:
        """Across servers: the incident's refreshes one at a time (an advisory lock), each
        reading the events in its own write transaction after the lock, so the last to write
        has seen at least what every earlier one saw (PostgreSQL's readers never block its
        writers, so no snapshot is needed to keep deliveries flowing)."""
        with write:
            write.lock((milestone_lock(incident_id),))
            found = self.cache.candidates(write, incident_id)
            if found is not None and write_evidence_figures(write, incident_id, found, utc_now()):
                write.commit()
        return found

    def _settle(self, incident_id: int, events: Sequence[Event]) -> None:
        detections = [e for e in events if e.kind in DETECTION_KINDS]
        with self._state:
            if not detections:
                self._settled.pop(incident_id, None)
                return
            first = min(e.order for e in detections)
            services = frozenset(s for e in detections for s in e.services)
            self._settled[incident_id] = (first, services)

    def _settles(self, incident_id: int, events: Sequence[Event]) -> bool:
        """True when `events` are all alerts firing after the incident's first detection, about
        services its detections already name: then no milestone can move (the first
        detection, the affected services and so the suspected cause stay; acknowledgement,
        mitigation and resolution are other kinds). A storm's repeats are exactly this."""
        settled = self._settled.get(incident_id)
        if settled is None:
            return False
        first, services = settled
        return all(
            e.kind is EventKind.ALERT_FIRING
            and e.fact is None  # a second copy of a known fact could replace the first one
            and e.order > first
            and services.issuperset(e.services)
            for e in events
        )
