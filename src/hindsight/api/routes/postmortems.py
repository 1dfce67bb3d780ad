"""/api/v1/incidents/{ref}/postmortem: read and write (Markdown or JSON) with ETag/If-Match,
revisions and diffs, action items, lint results."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

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
from hindsight.services import Postmortem, UnitOfWork
from hindsight.services.auth import Role
from hindsight.services.errors import ConflictError
from hindsight.services.incidents import get_incident
from hindsight.services.linting import lint_markdown, settings_options
from hindsight.services.postmortems import (
    action_items,
    get_postmortem,
    postmortem_history,
    revision,
    start_postmortem,
    update_postmortem,
)
from hindsight.services.revisions import unified_diff

router = APIRouter(prefix="/api/v1", tags=["postmortems"], responses={"default": PROBLEM_SCHEMA})
Uow = Annotated[UnitOfWork, Depends(get_uow)]
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Editor = Annotated[Principal, Depends(require(Role.EDITOR))]
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


def expected_version(if_match: str | None) -> int:
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


def respond(
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
    return respond(request, response, incident.slug, get_postmortem(uow, incident.id), format)


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
    return respond(request, response, incident.slug, pm, None)


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
    expected = expected_version(if_match)
    current = get_postmortem(uow, incident.id)
    if current.version != expected:
        raise _stale(current.version, expected)
    try:
        saved = update_postmortem(
            uow, incident.id, markdown, expected_version=expected, author=who.name
        )
    except ConflictError as conflict:  # another save won between the check and this one
        raise _stale(conflict.current_version, expected) from None
    return respond(request, response, incident.slug, saved, None)


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
