"""The reliability roadmap: every pattern the analysis can stand behind, ranked by leverage.

Leverage is the impact of the incidents a pattern explains: each incident weighs by severity
(SEV-1 4, SEV-2 2, SEV-3 and unknown 1) times a factor that grows with the log of its
duration, so ten short SEV-3 blips do not outrank three long SEV-1 outages. A pattern enters
the roadmap only past its threshold (and, where chance could explain it, a significance
test), so a set of unrelated incidents yields an empty roadmap rather than invented themes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from hindsight.core.analysis.actions import ActionHealth
from hindsight.core.analysis.factors import FactorTheme
from hindsight.core.analysis.handoffs import HANDOFF_WINDOW, TimeCluster, near, parse_handoff
from hindsight.core.analysis.process import ProcessHealth
from hindsight.core.analysis.records import IncidentRecord, action_type
from hindsight.core.analysis.services import ServiceCount
from hindsight.core.analysis.stats import binomial_sf

MIN_INCIDENTS = 3
THEME_SHARE = 0.08  # a factor theme must explain this share of incidents
SERVICE_SHARE = 0.10
ALPHA = 0.01
ONLY_PREVENT_SHARE = 0.3
COMPLETION_FLOOR = 0.5
PUBLISH_DAYS = 14
SEVERITY_WEIGHT = {"SEV-1": 4.0, "SEV-2": 2.0, "SEV-3": 1.0}


@dataclass(frozen=True)
class RoadmapItem:
    title: str
    category: str  # factor, service, detection, actions, process
    action: str  # prevent, detect, mitigate, process
    why: str
    incidents: tuple[str, ...]
    leverage: float


def impact(record: IncidentRecord) -> float:
    weight = SEVERITY_WEIGHT.get(record.severity or "", 1.0)
    hours = (record.duration_minutes or 0.0) / 60.0
    return weight * (1.0 + math.log2(1.0 + min(hours, 24 * 14)))


def build_roadmap(
    records: Sequence[IncidentRecord],
    themes: Sequence[FactorTheme],
    services: Sequence[ServiceCount],
    clusters: Sequence[TimeCluster],
    actions: ActionHealth,
    process: ProcessHealth,
) -> tuple[RoadmapItem, ...]:
    weights = {r.id: impact(r) for r in records}
    total = len(records)
    items: list[RoadmapItem] = []

    def add(title: str, category: str, action: str, why: str, ids: Sequence[str]) -> None:
        unique = tuple(dict.fromkeys(ids))
        items.append(
            RoadmapItem(
                title, category, action, why, unique, sum(weights.get(i, 1.0) for i in unique)
            )
        )

    for theme in themes:
        count = len(theme.incidents)
        if count >= max(MIN_INCIDENTS, THEME_SHARE * total):
            kind, _ = action_type(theme.label, None)
            phrasings = len(theme.phrasings)
            add(f"Recurring factor: {theme.label}", "factor", kind,
                f"{count} of {total} incidents ({count / total:.0%}) share this factor, "
                f"written {phrasings} different way{'s' if phrasings != 1 else ''}",
                theme.incidents)  # fmt: skip
    _service_items(services, total, add)
    handoff_windows = [c for c in clusters if c.significant and c.dimension == "handoff"]
    for cluster in clusters:
        if not cluster.significant:
            continue
        if cluster.dimension == "hour" and _overlaps(cluster.bucket, handoff_windows):
            continue  # the handoff item already explains this hour
        action = "process" if cluster.dimension == "handoff" else "detect"
        add(f"Slow detection around the {cluster.bucket}" if cluster.dimension == "handoff"
            else f"Slow detection at {cluster.bucket}", "detection", action,
            f"{cluster.slow_in_bucket} of {cluster.slow_total} slowly detected incidents "
            f"started here, against {cluster.share_all:.0%} of all incidents "
            f"(p={cluster.p_value:.1e})", cluster.incidents)  # fmt: skip
    _action_items(actions, add)
    _process_items(process, add)
    return tuple(sorted(items, key=lambda i: (-i.leverage, i.title)))


def _overlaps(bucket: str, handoffs: Sequence[TimeCluster]) -> bool:
    start = int(bucket[:2]) * 60 + 30
    return any(
        near(start, parse_handoff(h.bucket.split()[0]), HANDOFF_WINDOW + 30) for h in handoffs
    )


_Add = Callable[[str, str, str, str, Sequence[str]], None]


def _service_items(services: Sequence[ServiceCount], total: int, add: _Add) -> None:
    mentions = sum(len(s.contributing) for s in services)
    known = sum(1 for s in services)
    if not mentions or not known or not total:
        return
    base = mentions / (known * total)  # the share each service would have if none stood out
    for service in services:
        count = len(service.contributing)
        p_value = binomial_sf(count, total, base)
        if count >= MIN_INCIDENTS and count / total >= SERVICE_SHARE and p_value * known < ALPHA:
            add(f"{service.name} contributes to {count / total:.0%} of incidents", "service",
                "mitigate",
                f"named as contributing in {count} of {total} incidents; an even spread would "
                f"give {base:.0%} (p={p_value:.1e})", service.contributing)  # fmt: skip


def _action_items(actions: ActionHealth, add: _Add) -> None:
    share = actions.only_prevent_share
    if share is not None and share >= ONLY_PREVENT_SHARE and len(actions.only_prevent) >= 3:
        add("Postmortems with only 'prevent' actions", "actions", "process",
            f"{len(actions.only_prevent)} of {actions.with_actions} postmortems ({share:.0%}) "
            "plan no detection or mitigation", actions.only_prevent)  # fmt: skip
    rate = actions.completion_rate
    if rate is not None and rate < COMPLETION_FLOOR and actions.known_status >= 10:
        add("Action items are not being completed", "actions", "process",
            f"{actions.done} of {actions.known_status} items with a known status are done "
            f"({rate:.0%})", actions.with_open)  # fmt: skip
    overdue = sum(o.overdue for o in actions.overdue_by_owner)
    if overdue >= 3:
        owners = ", ".join(f"{o.owner} ({o.overdue})" for o in actions.overdue_by_owner[:5])
        add(f"{overdue} action items are overdue", "actions", "process",
            f"overdue by owner: {owners}", actions.with_overdue)  # fmt: skip


def _process_items(process: ProcessHealth, add: _Add) -> None:
    if process.owed_missing:
        add("Incidents that owed a postmortem have none", "process", "process",
            f"{len(process.owed_missing)} incidents", process.owed_missing)  # fmt: skip
    if len(process.stale_drafts) >= 3:
        add("Postmortems stuck in draft or review", "process", "process",
            f"{len(process.stale_drafts)} not published a month after the incident",
            process.stale_drafts)  # fmt: skip
    days = process.median_days_to_publish
    if days is not None and days > PUBLISH_DAYS and len(process.days_to_publish) >= 3:
        add("Postmortems take long to publish", "process", "process",
            f"median {days:.0f} days from incident to published", ())  # fmt: skip
    if process.unchanged_reviews and len(process.unchanged_reviews) >= 3:
        add("Reviews that changed nothing", "process", "process",
            f"{len(process.unchanged_reviews)} documents left review unchanged",
            process.unchanged_reviews)  # fmt: skip


def evidence(ids: Sequence[str], records: Mapping[str, IncidentRecord]) -> list[IncidentRecord]:
    return [records[i] for i in ids if i in records]
