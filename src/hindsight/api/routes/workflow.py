"""/api/v1/incidents/{ref}/postmortem: the workflow — Draft → In review → Published with its
gate, approvals, the review meeting's agenda and notes — and the outgoing deliveries' log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel
from pydantic import Field as PydanticField

from hindsight.api.auth import Principal, require
from hindsight.api.context import get_context, get_uow
from hindsight.api.problems import PROBLEM_SCHEMA, Problem
from hindsight.api.routes.postmortems import MARKDOWN, expected_version, respond
from hindsight.api.schemas import PostmortemOut
from hindsight.services import UnitOfWork, utc_now
from hindsight.services.auth import Role
from hindsight.services.incidents import get_incident
from hindsight.services.linting import settings_options
from hindsight.services.outbox import LIFECYCLE
from hindsight.services.review import (
    MEETING_MINUTES,
    incident_agenda,
    parse_start,
    save_meeting_notes,
    to_html,
    to_ics,
    to_markdown,
)
from hindsight.services.workflow import Gate, WorkflowRefused, approve, postmortem_gate, set_state

router = APIRouter(prefix="/api/v1", tags=["postmortems"], responses={"default": PROBLEM_SCHEMA})
Uow = Annotated[UnitOfWork, Depends(get_uow)]
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Editor = Annotated[Principal, Depends(require(Role.EDITOR))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]


class StatusIn(BaseModel):
    state: str = PydanticField(description="draft, in-review or published")
    reason: str | None = PydanticField(
        default=None, max_length=2000, description="Why (needed to reopen a published one)."
    )


class ApprovalIn(BaseModel):
    as_: str | None = PydanticField(
        default=None,
        alias="as",
        max_length=200,
        description="The reviewer, as the Reviewers field names them (default: the caller).",
    )


class NotesIn(BaseModel):
    notes: dict[str, Annotated[str, PydanticField(max_length=20_000)]]


def _gate_out(slug: str, found: Gate) -> dict[str, Any]:
    return {
        "incident": slug,
        "state": found.state.slug,
        "status": found.state.value,
        "author": found.author.name if found.author else None,
        "reviewers": [r.name for r in found.reviewers],
        "approvals": [
            {"by": a.by, "version": a.version, "at": a.at.isoformat()} for a in found.approvals
        ],
        "can_publish": not found.blocking,
        "blocking": list(found.blocking),
        "warnings": list(found.warnings),
    }


@router.get(
    "/incidents/{ref}/postmortem/workflow",
    summary="Where the postmortem stands: its state, approvals, and what publishing needs",
)
def workflow_route(ref: str, request: Request, uow: Uow, _: Viewer) -> dict[str, Any]:
    context = get_context(request)
    incident = get_incident(uow, ref)
    found = postmortem_gate(
        uow, incident.id, settings_options(context.settings.lint_config), context.policy
    )
    return _gate_out(incident.slug, found)


@router.post(
    "/incidents/{ref}/postmortem/status",
    summary="Move the postmortem: draft, in-review, published (refused: 409 with every reason)",
)
def status_route(ref: str, body: StatusIn, request: Request, who: Editor) -> dict[str, Any]:
    context = get_context(request)
    uow = context.uow()
    try:
        moved = set_state(
            uow,
            ref,
            body.state,
            actor=who.name,
            options=settings_options(context.settings.lint_config),
            policy=context.policy,
            reason=body.reason,
        )
    except WorkflowRefused as refused:
        raise Problem(
            409,
            refused.summary,
            fix=refused.fix or "see the reasons",
            code="transition-refused",
            extra={"reasons": list(refused.reasons)},
        ) from None
    context.jobs.poke("outbox.send")
    return {
        "state": moved.after.slug,
        "status": moved.after.value,
        "from": moved.before.value,
        "version": moved.postmortem.version,
        "warnings": list(moved.warnings),
    }


@router.post(
    "/incidents/{ref}/postmortem/approvals",
    summary="Approve the postmortem in review, as a listed reviewer who is not its author",
)
def approve_route(ref: str, body: ApprovalIn, request: Request, who: Editor) -> dict[str, Any]:
    context = get_context(request)
    try:
        approved = approve(context.uow(), ref, reviewer=body.as_ or who.name, actor=who.name)
    except WorkflowRefused as refused:
        raise Problem(
            409,
            refused.summary,
            fix=refused.fix or "see the reasons",
            code="approval-refused",
            extra={"reasons": list(refused.reasons)},
        ) from None
    return {
        "version": approved.version,
        "approvals": [{"by": a.by, "version": a.version} for a in approved.approvals],
    }


@router.get(
    "/incidents/{ref}/postmortem/agenda",
    summary="The review meeting's agenda: Markdown, printable HTML or an iCalendar invite",
    responses={200: {"content": {"text/calendar": {}, "text/html": {}, MARKDOWN: {}}}},
)
def agenda_route(
    ref: str,
    request: Request,
    uow: Uow,
    _: Viewer,
    format: Annotated[str, Query(pattern="^(md|html|ics)$")] = "md",
    start: Annotated[str | None, Query(max_length=64)] = None,
    duration: Annotated[int, Query(ge=10, le=480)] = MEETING_MINUTES,
) -> Response:
    context = get_context(request)
    built = incident_agenda(
        uow,
        ref,
        settings_options(context.settings.lint_config),
        start=parse_start(start, utc_now()),
        minutes=duration,
    )
    if format == "ics":
        return Response(to_ics(built), media_type="text/calendar; charset=utf-8")
    if format == "html":
        return Response(to_html(built), media_type="text/html; charset=utf-8")
    return Response(to_markdown(built), media_type=MARKDOWN + "; charset=utf-8")


@router.post(
    "/incidents/{ref}/postmortem/meeting-notes",
    response_model=PostmortemOut,
    summary="Save the review meeting's notes (per agenda block) as a new revision (If-Match)",
)
def notes_route(
    ref: str,
    body: NotesIn,
    request: Request,
    response: Response,
    who: Editor,
    if_match: Annotated[str | None, Header()] = None,
) -> Any:
    uow = get_uow(request)
    incident = get_incident(uow, ref)
    saved = save_meeting_notes(
        uow, incident.id, body.notes, author=who.name, expected_version=expected_version(if_match)
    )
    return respond(request, response, incident.slug, saved, None)


@router.get("/deliveries", summary="The outgoing deliveries' log (Slack, webhooks), newest first")
def deliveries_route(
    request: Request, _: Admin, incident: Annotated[str | None, Query(max_length=200)] = None
) -> list[dict[str, Any]]:
    uow = get_uow(request)
    incident_id = get_incident(uow, incident).id if incident else None
    with uow:
        found = uow.outgoing.recent(incident_id=incident_id)
    return [
        {
            "key": d.key,
            "event": d.event,
            "target": d.target,
            "state": d.state,
            "attempts": d.attempts,
            "last_error": d.last_error,
            "updated_at": d.updated_at.isoformat() if d.updated_at else None,
        }
        for d in found
        if d.target != LIFECYCLE
    ]
