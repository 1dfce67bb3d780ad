"""`hindsight draft`: evidence (or a stored incident) in, a pre-filled postmortem out."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

import httpx
import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.cli.incidents import is_incident_ref
from hindsight.cli.store_session import session
from hindsight.cli.timeline import _zone, read_payloads
from hindsight.config import CONFIG_FILE, find_config
from hindsight.core.document import parse, render
from hindsight.core.drafting import Draft, DraftSettings, ServiceMetrics, draft, draft_to_dict
from hindsight.core.drafting.config import DraftConfig, build_draft_config
from hindsight.core.drafting.facts import impact_window
from hindsight.core.drafting.guard import Verdict, rephrase_draft
from hindsight.core.drafting.provenance import strip_provenance
from hindsight.core.drafting.refresh import Proposal, refresh
from hindsight.core.errors import ConfigError, UserError
from hindsight.core.events import UTC, Event
from hindsight.core.timeline import Timeline, build_timeline
from hindsight.services.drafting import draft_incident, prometheus_fetcher
from hindsight.sources import detect_source
from hindsight.sources.chat_completions import ChatCompletionsRephraser
from hindsight.sources.prometheus import PrometheusImpact, is_metrics_file, parse_metrics_file

FORMATS = ("md", "json")


def load_draft_config(path: Path | None) -> tuple[DraftConfig, str | None]:
    """The `[impact]`/`[draft]` settings of `--config`, or of the nearest config file."""
    if path is None:
        found = find_config(Path.cwd())
        path = found.path if found else None
    if path is None:
        return DraftConfig(), None
    if not path.is_file():
        raise ConfigError("no such config file", where=str(path), fix="check the --config path")
    try:
        with path.open("rb") as handle:
            data: Any = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"not valid TOML ({error})", where=str(path)) from None
    prefix = ""
    if path.name != CONFIG_FILE and path.name == "pyproject.toml":
        data, prefix = data.get("tool", {}).get("hindsight", {}), "tool.hindsight."
    return build_draft_config(data, where=str(path), prefix=prefix), str(path)


def read_evidence(files: list[Path]) -> tuple[list[Event], list[ServiceMetrics]]:
    events: list[Event] = []
    metrics: list[ServiceMetrics] = []
    for name, data in read_payloads(files):
        if is_metrics_file(data):
            metrics.append(parse_metrics_file(name, data))
        else:
            events.extend(detect_source(name, data).parse(name, data))
    return events, metrics


def fetch_metrics(config: DraftConfig, timeline: Timeline) -> list[ServiceMetrics]:
    window = impact_window(timeline)
    if config.prometheus_url is None or not config.services or window is None:
        return []
    with httpx.Client(timeout=30.0) as client:
        source = PrometheusImpact(client, config.prometheus_url, step=config.step_seconds)
        return [source.fetch(service, *window) for service in config.services]


def rephrase(
    config: DraftConfig, result: Draft, events: list[Event]
) -> tuple[Draft, tuple[Verdict, ...]]:
    settings = config.rephrase
    if settings is None:
        return result, ()
    key = os.environ.get(settings.api_key_env) if settings.api_key_env else None
    with httpx.Client() as client:
        rephraser = ChatCompletionsRephraser(
            client, settings.url, settings.model, api_key=key, timeout=settings.timeout_seconds
        )
        return rephrase_draft(result, rephraser, events)


def make_draft(
    events: list[Event],
    metrics: list[ServiceMetrics],
    config: DraftConfig,
    settings: DraftSettings,
    *,
    use_model: bool,
) -> tuple[Draft, tuple[Verdict, ...]]:
    timeline = build_timeline(events)
    metrics = [*metrics, *fetch_metrics(config, timeline)]
    result = draft(timeline, metrics, settings)
    if use_model:
        return rephrase(config, result, events)
    return result, ()


@handle_errors
def draft_command(
    evidence: list[Path] = typer.Argument(
        ..., help="Evidence files or folders (metric samples too), or a stored incident's id."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="hindsight.toml to read [impact] from."
    ),
    format: str = typer.Option("md", "--format", help="md or json."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write here, not stdout."),
    tz: str = typer.Option("UTC", "--tz", help="Time zone for times, e.g. Europe/Berlin."),
    existing: Path | None = typer.Option(
        None, "--refresh", help="An earlier draft: update only the parts nobody has edited."
    ),
    provenance: bool = typer.Option(
        True, "--provenance/--no-provenance", help="Keep the evidence comments in the Markdown."
    ),
    model: bool = typer.Option(
        True, "--model/--no-model", help="Use the [draft.rephrase] language model if configured."
    ),
) -> None:
    """Draft the postmortem from the evidence: every statement cites the events it rests on."""
    if format not in FORMATS:
        raise UserError(f"unknown format {format!r}", where="--format", fix="use md or json")
    zone = _zone(tz)
    settings = DraftSettings(tz=zone or UTC, tz_name="UTC" if zone is None else tz)
    draft_config, _ = load_draft_config(config)
    stored = len(evidence) == 1 and not evidence[0].exists() and is_incident_ref(str(evidence[0]))
    if stored:
        _draft_stored(str(evidence[0]), draft_config, settings, format=format, output=output)
        return
    events, metrics = read_evidence(evidence)
    result, verdicts = make_draft(events, metrics, draft_config, settings, use_model=model)
    document = result.document
    proposals: tuple[Proposal, ...] = ()
    if existing is not None:
        try:
            current = parse(existing.read_text(encoding="utf-8"))
        except OSError as error:
            raise UserError(
                f"cannot read the file ({error.strerror})", where=str(existing)
            ) from None
        merged = refresh(current, result)
        document, proposals = merged.document, merged.proposals
    if not provenance:
        document = strip_provenance(document)
    markdown = render(document)
    if format == "json":
        out = draft_to_dict(result, markdown)
        out["proposals"] = [_proposal(p) for p in proposals]
        out["rephrase"] = [_verdict(v) for v in verdicts]
        text = json.dumps(out, indent=2, ensure_ascii=False) + "\n"
    else:
        text = markdown
        for verdict in verdicts:
            state = "accepted" if verdict.accepted else "rejected: " + "; ".join(verdict.reasons)
            console.err.print(f"rephrase {verdict.part}: {state}", markup=False)
        for proposal in proposals:
            console.err.print(
                f"{proposal.part}: {proposal.action} ({proposal.reason})", markup=False
            )
    _write(text, output)


def _draft_stored(
    ref: str, config: DraftConfig, settings: DraftSettings, *, format: str, output: Path | None
) -> None:
    """Create or refresh a stored incident's postmortem as a new revision."""
    with httpx.Client(timeout=30.0) as client, session() as s:
        outcome = draft_incident(
            s.uow,
            ref,
            author=s.settings.user,
            settings=settings,
            fetch=prometheus_fetcher(client, config),
        )
    markdown = outcome.postmortem.markdown
    state = "created" if outcome.created else "refreshed"
    console.err.print(f"postmortem {state}: version {outcome.postmortem.version}", markup=False)
    if format == "json":
        out = draft_to_dict(outcome.draft, markdown)
        out["version"] = outcome.postmortem.version
        out["proposals"] = [_proposal(p) for p in outcome.proposals]
        _write(json.dumps(out, indent=2, ensure_ascii=False) + "\n", output)
        return
    for proposal in outcome.proposals:
        console.err.print(f"{proposal.part}: {proposal.action} ({proposal.reason})", markup=False)
    _write(markdown, output)


def _proposal(p: Proposal) -> dict[str, str]:
    return {"part": p.part, "action": p.action.value, "reason": p.reason, "text": p.text}


def _verdict(v: Verdict) -> dict[str, Any]:
    return {"part": v.part, "accepted": v.accepted, "reasons": list(v.reasons), "text": v.text}


def _write(text: str, output: Path | None) -> None:
    if output is None:
        console.out.print(text, markup=False, end="")
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write the file ({error.strerror})", where=str(output)) from None


def register(app: typer.Typer) -> None:
    app.command("draft")(draft_command)
