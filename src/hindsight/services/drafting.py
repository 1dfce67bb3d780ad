"""Draft an incident's postmortem from its stored evidence: create it, or refresh it as a new
revision without touching what people edited.

    outcome = draft_incident(uow, "2026-03-14-checkout", author="priya")
    outcome.postmortem.version, outcome.created, outcome.proposals

For the API (`POST /api/v1/incidents/{id}/draft`): call `draft_incident(uow, id, author=user,
fetch=prometheus_fetcher(client, config))` and return `outcome.postmortem` with the proposals
(`refresh.Proposal`: part, action, reason, text) and `draft_to_dict(outcome.draft, markdown)`.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from hindsight.config import CONFIG_FILE, find_config
from hindsight.core.channels import is_channel_id
from hindsight.core.document import parse, render
from hindsight.core.drafting import Draft, DraftSettings, ServiceMetrics, draft
from hindsight.core.drafting.config import DraftConfig, build_draft_config
from hindsight.core.drafting.facts import impact_window
from hindsight.core.drafting.follow_ups import EarlierFollowUp, with_earlier_follow_ups
from hindsight.core.drafting.guard import Rephraser, Verdict, rephrase_draft
from hindsight.core.drafting.refresh import Proposal, refresh
from hindsight.core.errors import ConfigError
from hindsight.core.events import Event
from hindsight.core.timeline import Timeline, build_timeline
from hindsight.services.action_items import earlier_open_follow_ups
from hindsight.services.errors import NotFoundError
from hindsight.services.postmortems import get_postmortem, start_postmortem, update_postmortem
from hindsight.services.timelines import incident_timeline
from hindsight.sources.chat_completions import ChatCompletionsRephraser
from hindsight.sources.prometheus import PrometheusImpact
from hindsight.store.records import Incident, Postmortem
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
    """Impact series for the configured services over the timeline's impact window: the one
    Prometheus fetch, for drafts from files and from the store alike."""

    def fetch(timeline: Timeline) -> Sequence[ServiceMetrics]:
        window = impact_window(timeline)
        if config.prometheus_url is None or not config.services or window is None:
            return ()
        source = PrometheusImpact(client, config.prometheus_url, step=config.step_seconds)
        return [source.fetch(service, *window) for service in config.services]

    return fetch


@contextmanager
def impact_fetch(config: DraftConfig) -> Iterator[MetricsFetch]:
    """`prometheus_fetcher` over a client of its own, closed afterwards."""
    with httpx.Client(timeout=30.0) as client:
        yield prometheus_fetcher(client, config)


def load_draft_config(path: Path | None) -> DraftConfig:
    """The `[impact]` / `[draft]` settings of `path`, or of the nearest config file."""
    if path is None:
        found = find_config(Path.cwd())
        path = found.path if found else None
    if path is None:
        return DraftConfig()
    if not path.is_file():
        raise ConfigError("no such config file", where=str(path), fix="check the --config path")
    try:
        with path.open("rb") as handle:
            data: Any = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"not valid TOML ({error})", where=str(path)) from None
    except OSError as error:
        raise ConfigError(f"cannot read the file ({error.strerror})", where=str(path)) from None
    prefix = ""
    if path.name != CONFIG_FILE and path.name == "pyproject.toml":
        data, prefix = data.get("tool", {}).get("hindsight", {}), "tool.hindsight."
    return build_draft_config(data, where=str(path), prefix=prefix)


def rephrase(
    config: DraftConfig, result: Draft, events: Sequence[Event]
) -> tuple[Draft, tuple[Verdict, ...]]:
    """The optional language-model pass of `[draft.rephrase]` (it may only rephrase)."""
    settings = config.rephrase
    if settings is None:
        return result, ()
    key = os.environ.get(settings.api_key_env) if settings.api_key_env else None
    with httpx.Client() as client:
        rephraser = ChatCompletionsRephraser(
            client, settings.url, settings.model, api_key=key, timeout=settings.timeout_seconds
        )
        return rephrase_draft(result, rephraser, events)


def draft_from_evidence(
    events: list[Event],
    metrics: Sequence[ServiceMetrics],
    config: DraftConfig,
    settings: DraftSettings,
    *,
    use_model: bool,
) -> tuple[Draft, tuple[Verdict, ...]]:
    """A draft from evidence files: the timeline, impact (given and fetched), the model pass."""
    timeline = build_timeline(events)
    with impact_fetch(config) as fetch:
        found = [*metrics, *fetch(timeline)]
    result = draft(timeline, found, settings)
    if use_model:
        return rephrase(config, result, events)
    return result, ()


def own_fields(incident: Incident, settings: DraftSettings) -> DraftSettings:
    channel = incident.slack_channel
    link = (
        f"https://slack.com/app_redirect?channel={channel}"
        if channel and is_channel_id(channel)
        else None
    )
    return dataclasses.replace(
        settings,
        severity=settings.severity or incident.severity,
        services=settings.services or incident.services,
        slack_link=settings.slack_link or link,
        customer_visible=incident.customer_visible,
    )


def server_draft_config(lint_config: str | None, prometheus_url: str | None) -> DraftConfig:
    """The server's `[impact]` / `[draft]` configuration: the config file its settings name
    (else the nearest one above its directory), with `HINDSIGHT_PROMETHEUS_URL` winning."""
    config = load_draft_config(Path(lint_config) if lint_config else None)
    if prometheus_url:
        config = dataclasses.replace(config, prometheus_url=prometheus_url)
    return config


def draft_on_server(
    uow: UnitOfWork,
    ref: int | str,
    *,
    author: str,
    lint_config: str | None,
    prometheus_url: str | None,
) -> DraftOutcome:
    """What the API's and the web UI's "draft" does: the command line's draft, with impact from
    the server's Prometheus."""
    with impact_fetch(server_draft_config(lint_config, prometheus_url)) as fetch:
        return draft_incident(uow, ref, author=author, fetch=fetch)


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
    next revision (a `ConflictError` if someone saved in between; nothing is lost). The
    incident's own fields (severity, services, Slack channel) fill the header where the
    evidence does not, so the server's draft and the command line's say the same."""
    built = incident_timeline(uow, ref)
    settings = own_fields(built.incident, settings or DraftSettings())
    found = [*metrics, *(fetch(built.timeline) if fetch else ())]
    result = draft(built.timeline, found, settings)
    earlier = [
        EarlierFollowUp(i.action, i.owner, i.due, i.incident)
        for i in earlier_open_follow_ups(uow, built.incident.id)
    ]
    result = dataclasses.replace(result, document=with_earlier_follow_ups(result.document, earlier))
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
