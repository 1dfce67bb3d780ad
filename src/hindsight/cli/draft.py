"""`hindsight draft`: evidence (or a stored incident) in, a pre-filled postmortem out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.cli.incidents import is_incident_ref
from hindsight.cli.store_session import session
from hindsight.cli.timeline import _zone
from hindsight.core.document import parse, render
from hindsight.core.drafting import DraftSettings, draft_to_dict
from hindsight.core.drafting.config import DraftConfig
from hindsight.core.drafting.guard import Verdict
from hindsight.core.drafting.provenance import strip_provenance
from hindsight.core.drafting.refresh import Proposal, refresh
from hindsight.core.errors import UserError
from hindsight.core.events import UTC
from hindsight.services.drafting import (
    draft_from_evidence,
    draft_incident,
    impact_fetch,
    load_draft_config,
)
from hindsight.services.evidence import read_evidence

FORMATS = ("md", "json")


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
    draft_config = load_draft_config(config)
    stored = len(evidence) == 1 and not evidence[0].exists() and is_incident_ref(str(evidence[0]))
    if stored:
        _draft_stored(str(evidence[0]), draft_config, settings, format=format, output=output)
        return
    events, metrics = read_evidence(evidence)
    result, verdicts = draft_from_evidence(events, metrics, draft_config, settings, use_model=model)
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
    with impact_fetch(config) as fetch, session() as s:
        outcome = draft_incident(s.uow, ref, author=s.settings.user, settings=settings, fetch=fetch)
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
