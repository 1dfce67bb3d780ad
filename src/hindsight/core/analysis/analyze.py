"""Run every analysis over a sequence of incident records: the one entry point.

    analysis = analyze(records, today=date.today(), handoffs=("09:00", "17:00"))

`records` may come from imported files (`record_from_import`) or, later, from the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hindsight.core.actions.completion import Completion
from hindsight.core.analysis.actions import ActionHealth, analyse_actions
from hindsight.core.analysis.detection import Detection, analyse_detection
from hindsight.core.analysis.factors import FactorTheme, cluster_factors
from hindsight.core.analysis.handoffs import TimeCluster, parse_handoff, slow_clusters
from hindsight.core.analysis.process import ProcessHealth, analyse_process
from hindsight.core.analysis.records import IncidentRecord
from hindsight.core.analysis.repeats import Repeat, find_repeats
from hindsight.core.analysis.roadmap import RoadmapItem, build_roadmap
from hindsight.core.analysis.services import ServiceCount, contributing_services, count_services
from hindsight.core.errors import UserError


@dataclass(frozen=True)
class Analysis:
    records: tuple[IncidentRecord, ...]
    today: dt.date
    since: dt.date | None
    handoffs: tuple[str, ...]
    themes: tuple[FactorTheme, ...]
    services: tuple[ServiceCount, ...]
    detection: Detection
    clusters: tuple[TimeCluster, ...]
    actions: ActionHealth
    process: ProcessHealth
    repeats: tuple[Repeat, ...]
    roadmap: tuple[RoadmapItem, ...]
    skipped_undated: int = 0  # left out by --since because they carry no date
    # Follow-up completion from the store's action item records (None for files: a
    # document does not say when an item was closed).
    follow_ups: Completion | None = None

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        dates = [r.date for r in self.records if r.date is not None]
        return (min(dates), max(dates)) if dates else None

    def record(self, incident: str) -> IncidentRecord | None:
        return next((r for r in self.records if r.id == incident), None)


def analyze(
    records: Iterable[IncidentRecord],
    *,
    today: dt.date,
    handoffs: Sequence[str] = (),
    since: dt.date | None = None,
) -> Analysis:
    chosen: list[IncidentRecord] = []
    skipped = 0
    for record in records:
        if since is not None and record.date is None:
            skipped += 1
        elif since is None or (record.date is not None and record.date >= since):
            chosen.append(record)
    try:
        minutes = [parse_handoff(h) for h in handoffs]
    except ValueError:
        raise UserError(
            f"handoff times {', '.join(handoffs)} are not all HH:MM",
            fix="write each handoff as a 24-hour UTC time, e.g. --handoff 09:00",
        ) from None
    themes = cluster_factors(chosen)
    services = count_services(chosen)
    detection = analyse_detection(chosen)
    clusters = slow_clusters(chosen, detection.slow, minutes)
    actions = analyse_actions(chosen, today)
    process = analyse_process(chosen, today)
    _, contributing = contributing_services(chosen)
    repeats = find_repeats(chosen, themes, contributing)
    roadmap = build_roadmap(chosen, themes, services, clusters, actions, process)
    return Analysis(
        tuple(chosen), today, since, tuple(handoffs), themes, services, detection, clusters,
        actions, process, repeats, roadmap, skipped,
    )  # fmt: skip
