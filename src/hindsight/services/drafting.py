"""Draft an incident's postmortem from its stored evidence: create it, or refresh it as a new
revision without touching what people edited.

    outcome = draft_incident(uow, "2026-03-14-checkout", author="priya")
    outcome.postmortem.version, outcome.created, outcome.proposals

For the API (`POST /api/v1/incidents/{id}/draft`): call `draft_incident(uow, id, author=user,
fetch=prometheus_fetcher(client, config))` and return `outcome.postmortem` with the proposals
(`refresh.Proposal`: part, action, reason, text) and `draft_to_dict(outcome.draft, markdown)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from hindsight.core.document import parse, render
from hindsight.core.drafting import Draft, DraftSettings, ServiceMetrics, draft
from hindsight.core.drafting.config import DraftConfig
from hindsight.core.drafting.facts import impact_window
from hindsight.core.drafting.guard import Rephraser, Verdict, rephrase_draft
from hindsight.core.drafting.refresh import Proposal, refresh
from hindsight.core.timeline import Timeline
from hindsight.services.errors import NotFoundError
from hindsight.services.postmortems import get_postmortem, start_postmortem, update_postmortem
from hindsight.services.timelines import incident_timeline
from hindsight.sources.prometheus import PrometheusImpact
from hindsight.store.records import Postmortem
from hindsight.store.unit_of_work import UnitOfWork

MetricsFetch = Callable[[Timeline], Sequence[ServiceMetrics]]


@dataclass(frozen=True)
class DraftOutcome:
    postmortem: Postmortem  # the saved version
    draft: Draft  # what was drafted (before merging with people's edits)
    created: bool  # a new postmortem (else a refresh of the existing one)
    proposals: tuple[Proposal, ...] = ()  # per part: updated, filled, or kept (edited)
    verdicts: tuple[Verdict, ...] = ()  # the language-model pass, when there was one


def prometheus_fetcher(client: httpx.Client, config: DraftConfig) -> MetricsFetch:
    """Impact series for the configured services over the timeline's impact window."""

    def fetch(timeline: Timeline) -> Sequence[ServiceMetrics]:
        window = impact_window(timeline)
        if config.prometheus_url is None or window is None:
            return ()
        source = PrometheusImpact(client, config.prometheus_url, step=config.step_seconds)
        return [source.fetch(service, *window) for service in config.services]

    return fetch


def draft_incident(
    uow: UnitOfWork,
    ref: int | str,
    *,
    author: str,
    settings: DraftSettings | None = None,
    metrics: Sequence[ServiceMetrics] = (),
    fetch: MetricsFetch | None = None,
    rephraser: Rephraser | None = None,
) -> DraftOutcome:
    """Create the incident's postmortem from the draft, or save the refreshed draft as its
    next revision (a `ConflictError` if someone saved in between; nothing is lost)."""
    built = incident_timeline(uow, ref)
    found = [*metrics, *(fetch(built.timeline) if fetch else ())]
    result = draft(built.timeline, found, settings)
    verdicts: tuple[Verdict, ...] = ()
    if rephraser is not None:
        result, verdicts = rephrase_draft(result, rephraser, built.timeline.events)
    try:
        current = get_postmortem(uow, built.incident.id)
    except NotFoundError:
        saved = start_postmortem(
            uow, built.incident.id, author=author, markdown=render(result.document)
        )
        return DraftOutcome(saved, result, True, (), verdicts)
    merged = refresh(parse(current.markdown), result)
    saved = update_postmortem(
        uow,
        built.incident.id,
        render(merged.document),
        expected_version=current.version,
        author=author,
    )
    return DraftOutcome(saved, result, False, merged.proposals, verdicts)
