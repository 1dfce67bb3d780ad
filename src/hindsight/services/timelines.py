"""The stored timeline of an incident, and the milestones and durations kept on the incident.

The milestone columns are derived from the events. The CLI recomputes them in the ingest
transaction (`refresh_milestones`). The server does not: recomputing reads every event of the
incident, which during an alert storm would make each delivery O(events) under the write lock.
A delivery commits its events (that is its acknowledgement) and marks the incident with the
app's `MilestoneRefresher`, which recomputes each marked incident at most once per `delay`
in a background thread — reading in a snapshot, then writing the columns in a short
transaction — and synchronously for any read that asks (`flush`), and on shutdown.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from hindsight.core.events import Event
from hindsight.core.timeline import Milestones as CoreMilestones
from hindsight.core.timeline import Timeline, build_timeline
from hindsight.services.incidents import find_incident
from hindsight.store.records import Durations, Incident, Milestones
from hindsight.store.unit_of_work import UnitOfWork, utc_now


@dataclass(frozen=True)
class IncidentTimeline:
    incident: Incident
    timeline: Timeline


def incident_timeline(uow: UnitOfWork, ref: int | str) -> IncidentTimeline:
    """Every stored event of the incident, built into the merged, de-duplicated timeline with
    its milestones and durations."""
    with uow:
        incident = find_incident(uow, ref)
        found = list(uow.events.for_incident(incident.id))
    return IncidentTimeline(incident, build_timeline(found))


def refresh_milestones(uow: UnitOfWork, incident_id: int, now: dt.datetime) -> None:
    """Recompute the incident's milestone and duration columns (inside an open uow)."""
    candidates = uow.events.milestone_candidates(incident_id)
    milestones, durations = to_records(build_timeline(candidates).milestones)
    uow.incidents.set_milestones(incident_id, milestones, durations, now)


def refresh_milestones_apart(
    read: UnitOfWork, write: UnitOfWork, incident_id: int, now: dt.datetime
) -> None:
    """Recompute the milestones from a snapshot (`read`, no write lock held while the events
    load and the timeline builds), then store them in a short transaction (`write`). Values
    from an older snapshot never overwrite newer ones as long as one caller at a time refreshes
    an incident (the refresher's lock), and an event committed after the snapshot marks the
    incident again."""
    with read:
        candidates = read.events.milestone_candidates(incident_id)
    milestones, durations = to_records(build_timeline(candidates).milestones)
    with write:
        stored = write.incidents.get(incident_id)
        if stored is None:
            return  # deleted meanwhile
        if (stored.milestones, stored.durations) == (milestones, durations):
            return  # nothing to write
        write.incidents.set_milestones(incident_id, milestones, durations, now)
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
        delay: float = 0.5,
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
        self.log = logging.getLogger("hindsight.server")

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def pending(self) -> set[int]:
        with self._state:
            return set(self._dirty)

    def mark(self, incident_id: int) -> None:
        with self._state:
            if incident_id not in self._dirty:
                self._dirty[incident_id] = self._clock() + self.delay
                self._state.notify()

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
                    for again in chosen[n:]:
                        self.mark(again)
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
                    self.mark(incident_id)  # try again later

    def _refresh(self, incident_id: int) -> None:
        started = time.perf_counter()
        refresh_milestones_apart(self._read_uow(), self._write_uow(), incident_id, utc_now())
        took = time.perf_counter() - started
        with self._state:
            self._rest_until = self._clock() + self.spacing * took
            self.refreshed += 1


def to_records(found: CoreMilestones) -> tuple[Milestones, Durations]:
    def at(event: Event | None) -> dt.datetime | None:
        return event.at if event is not None else None

    def seconds(delta: dt.timedelta | None) -> float | None:
        return delta.total_seconds() if delta is not None else None

    cause = found.suspected_cause
    spans = found.durations
    return (
        Milestones(
            cause_at=cause.event.at if cause else None,
            detected_at=at(found.first_detection),
            paged_at=at(found.first_page),
            acknowledged_at=at(found.acknowledged),
            mitigated_at=at(found.mitigated),
            resolved_at=at(found.resolved),
            cause_candidate=f"{cause.event.text} — {cause.reasoning}" if cause else None,
        ),
        Durations(
            detection_gap_s=seconds(spans.detection_gap),
            time_to_acknowledge_s=seconds(spans.detection_to_ack),
            time_to_mitigate_s=seconds(spans.detection_to_mitigation),
            time_to_resolve_s=seconds(spans.detection_to_resolution),
            impact_s=seconds(spans.impact_window),
        ),
    )
