"""/api/v1/incidents/{ref}/postmortem: read and write (Markdown or JSON) with ETag/If-Match,
revisions and diffs, action items, lint results."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from pydantic import Field as PydanticField

from hindsight.api.auth import Principal, require
from hindsight.api.context import get_context, get_uow
from hindsight.api.problems import PROBLEM_SCHEMA, Problem
from hindsight.api.schemas import (
    ActionItemOut,
    PostmortemIn,
    PostmortemOut,
    RevisionOut,
    unstorable,
)
from hindsight.core.document import HeaderField, parse, render
from hindsight.core.document.model import Document
from hindsight.core.document.serialize import to_dict
from hindsight.report.json import file_dict
from hindsight.report.registry import FileResult
from hindsight.services import Postmortem, UnitOfWork, utc_now
from hindsight.services.auth import Role
from hindsight.services.errors import ConflictError
from hindsight.services.incidents import get_incident
from hindsight.services.linting import lint_markdown, settings_options
from hindsight.services.outbox import LIFECYCLE
from hindsight.services.postmortems import (
    action_items,
    get_postmortem,
    postmortem_history,
    revision,
    start_postmortem,
    update_postmortem,
)
from hindsight.services.review import (
    MEETING_MINUTES,
    incident_agenda,
    parse_start,
    save_meeting_notes,
    to_html,
    to_ics,
    to_markdown,
)
from hindsight.services.revisions import unified_diff
from hindsight.services.workflow import Gate, WorkflowRefused, approve, postmortem_gate, set_state

router = APIRouter(prefix="/api/v1", tags=["postmortems"], responses={"default": PROBLEM_SCHEMA})
Uow = Annotated[UnitOfWork, Depends(get_uow)]
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Editor = Annotated[Principal, Depends(require(Role.EDITOR))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
MARKDOWN = "text/markdown"
_MARKDOWN_BODY = {
    "requestBody": {
        "content": {
            "application/json": {"schema": PostmortemIn.model_json_schema()},
            MARKDOWN: {"schema": {"type": "string"}},
        }
    }
}


def etag(version: int) -> str:
    return f'"{version}"'


def _expected_version(if_match: str | None) -> int:
    if not if_match:
        raise Problem(
            428,
            "a postmortem write must say which version it is based on",
            fix="send If-Match with the ETag from your last GET of the postmortem",
        )
    value = if_match.split(",")[0].strip().removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit() and len(value) <= 18):  # a 64-bit integer
        raise Problem(
            412,
            f"If-Match {if_match!r} is not an ETag of this postmortem",
            fix="send If-Match exactly as the ETag header of your last GET",
        )
    return int(value)


def _wants_markdown(request: Request, format: str | None) -> bool:
    if format is not None:
        return format == "markdown"
    accept = request.headers.get("accept", "")
    return MARKDOWN in accept and "application/json" not in accept


def _respond(
    request: Request, response: Response, slug: str, pm: Postmortem, format: str | None
) -> Any:
    headers = {"ETag": etag(pm.version)}
    if _wants_markdown(request, format):
        return Response(pm.markdown, media_type=MARKDOWN + "; charset=utf-8", headers=headers)
    response.headers.update(headers)
    out = PostmortemOut.of(slug, pm)
    out.document = to_dict(parse(pm.markdown))
    return out


async def _markdown_body(request: Request) -> str:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Problem(
            400, f"the body is not UTF-8 (byte {error.start})", fix="send UTF-8"
        ) from None
    if kind in (MARKDOWN, "text/plain"):
        return text
    if kind == "application/json":
        try:
            return PostmortemIn.model_validate_json(raw).markdown
        except ValueError:
            raise Problem(
                422,
                'the JSON body must be {"markdown": "…"}',
                fix="send the whole postmortem as the markdown string, or send text/markdown",
            ) from None
    raise Problem(
        415,
        f"a postmortem body cannot be {kind or 'untyped'}",
        fix='send Content-Type: text/markdown, or application/json with {"markdown": …}',
    )


Format = Annotated[str | None, Query(pattern="^(json|markdown)$")]


@router.get(
    "/incidents/{ref}/postmortem",
    response_model=PostmortemOut,
    summary="The postmortem: JSON (default) or Markdown (Accept: text/markdown or ?format=)",
    responses={200: {"content": {MARKDOWN: {"schema": {"type": "string"}}}}},
)
def read_route(
    ref: str, request: Request, response: Response, uow: Uow, _: Viewer, format: Format = None
) -> Any:
    incident = get_incident(uow, ref)
    return _respond(request, response, incident.slug, get_postmortem(uow, incident.id), format)


@router.post(
    "/incidents/{ref}/postmortem",
    status_code=201,
    response_model=PostmortemOut,
    summary="Start the postmortem: the given Markdown, or the template filled in (empty body)",
    openapi_extra=_MARKDOWN_BODY,
)
async def create_route(ref: str, request: Request, response: Response, who: Editor) -> Any:
    markdown = await _markdown_body(request) if await request.body() else None
    uow = get_uow(request)
    incident = await run_in_threadpool(get_incident, uow, ref)
    pm = await run_in_threadpool(
        start_postmortem, uow, incident.id, author=who.name, markdown=markdown
    )
    return _respond(request, response, incident.slug, pm, None)


@router.put(
    "/incidents/{ref}/postmortem",
    response_model=PostmortemOut,
    summary="Save a new version (If-Match: the ETag it is based on; stale → 412)",
    openapi_extra=_MARKDOWN_BODY,
)
async def write_route(
    ref: str,
    request: Request,
    response: Response,
    who: Editor,
    if_match: Annotated[str | None, Header()] = None,
) -> Any:
    markdown = await _markdown_body(request)
    return await run_in_threadpool(_save, request, response, ref, markdown, if_match, who)


def _stale(current: int, expected: int) -> Problem:
    """A stale If-Match: always 412 (RFC 9110 §13.1.1), whether the check before the write
    or the write itself found another version in the way."""
    return Problem(
        412,
        f"the postmortem is at version {current}; this change was based on version {expected}",
        fix="GET the current version, merge your change into it and PUT again",
        headers={"ETag": etag(current)},
        extra={"current_version": current},
    )


def _save(
    request: Request,
    response: Response,
    ref: str,
    markdown: str,
    if_match: str | None,
    who: Principal,
) -> Any:
    reason = unstorable(markdown)
    if reason is not None:  # refused on every backend alike, before the store sees it
        raise Problem(
            422,
            f"the Markdown: {reason}",
            fix="remove NUL characters and lone surrogates from the text",
            code="invalid-input",
        )
    uow = get_uow(request)
    incident = get_incident(uow, ref)
    expected = _expected_version(if_match)
    current = get_postmortem(uow, incident.id)
    if current.version != expected:
        raise _stale(current.version, expected)
    try:
        saved = update_postmortem(
            uow, incident.id, markdown, expected_version=expected, author=who.name
        )
    except ConflictError as conflict:  # another save won between the check and this one
        raise _stale(conflict.current_version, expected) from None
    return _respond(request, response, incident.slug, saved, None)


@router.patch(
    "/incidents/{ref}/postmortem/fields",
    response_model=PostmortemOut,
    summary="Structured write: set header fields (Status, Severity, …) by key",
)
def fields_route(
    ref: str,
    fields: dict[str, str],
    request: Request,
    response: Response,
    who: Editor,
    if_match: Annotated[str | None, Header()] = None,
) -> Any:
    uow = get_uow(request)
    current = get_postmortem(uow, ref)
    document = parse(current.markdown)
    known = {f.key for f in document.header if f.key} | {f.label for f in document.header}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise Problem(
            422,
            f"no header field {', '.join(map(repr, unknown))} in this postmortem",
            fix=f"use one of {', '.join(sorted(known))}",
        )
    if any("\n" in value for value in fields.values()):
        raise Problem(422, "a header field is one line", fix="remove the line breaks")
    return _save(request, response, ref, render(_with_fields(document, fields)), if_match, who)


def _with_fields(document: Document, fields: dict[str, str]) -> Document:
    front = tuple(
        dataclasses.replace(item, value=fields.get(item.key or item.label, item.value))
        if isinstance(item, HeaderField)
        else item
        for item in document.front
    )
    return Document(front, document.sections)


@router.get(
    "/incidents/{ref}/postmortem/revisions",
    response_model=list[RevisionOut],
    summary="Every saved version, oldest first",
)
def revisions_route(ref: str, uow: Uow, _: Viewer) -> list[RevisionOut]:
    return [RevisionOut.of(r) for r in postmortem_history(uow, ref)]


@router.get(
    "/incidents/{ref}/postmortem/revisions/{version}",
    response_model=RevisionOut,
    summary="One version with its text and its diff from the version before",
)
def revision_route(
    ref: str, version: Annotated[int, Path(ge=1, le=1_000_000)], uow: Uow, _: Viewer
) -> RevisionOut:
    return RevisionOut.of(revision(uow, ref, version), full=True)


@router.get(
    "/incidents/{ref}/postmortem/diff",
    summary="Unified diff between two versions",
    responses={200: {"content": {"text/x-diff": {"schema": {"type": "string"}}}}},
)
def diff_route(
    ref: str,
    uow: Uow,
    _: Viewer,
    old: Annotated[int, Query(ge=1, alias="from")],
    new: Annotated[int, Query(ge=1, alias="to")],
) -> Response:
    history = {r.version: r for r in postmortem_history(uow, ref)}
    for version in (old, new):
        if version not in history:
            raise Problem(
                404,
                f"the postmortem of {ref} has no version {version}",
                fix=f"use versions 1 to {max(history)}",
            )
    text = unified_diff(
        history[old].markdown, history[new].markdown, old_version=old, new_version=new
    )
    return Response(text, media_type="text/x-diff; charset=utf-8")


@router.get(
    "/incidents/{ref}/action-items",
    response_model=list[ActionItemOut],
    summary="The action items of the incident's postmortem",
)
def incident_items_route(ref: str, uow: Uow, _: Viewer) -> list[ActionItemOut]:
    return [ActionItemOut.of(item) for item in action_items(uow, ref)]


@router.get("/incidents/{ref}/postmortem/lint", summary="Lint findings for the stored postmortem")
def lint_route(ref: str, request: Request, uow: Uow, _: Viewer) -> dict[str, Any]:
    incident = get_incident(uow, ref)
    pm = get_postmortem(uow, incident.id)
    result = lint_markdown(pm.markdown, settings_options(get_context(request).settings.lint_config))
    body = file_dict(FileResult(f"incidents/{incident.slug}/postmortem.md", result))
    return {"incident": incident.slug, "version": pm.version, **body}


# --- the workflow: Draft → In review → Published, approvals, the review meeting --------------


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
        uow, incident.id, body.notes, author=who.name, expected_version=_expected_version(if_match)
    )
    return _respond(request, response, incident.slug, saved, None)


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
