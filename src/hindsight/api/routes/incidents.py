"""/api/v1/incidents: list, create, read, update; events, timeline, draft."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from hindsight.api.auth import Principal, require
from hindsight.api.context import get_context, get_uow
from hindsight.api.problems import PROBLEM_SCHEMA
from hindsight.api.schemas import (
    IncidentIn,
    IncidentOut,
    IncidentPage,
    IncidentPatch,
    Status,
    listed,
    one_of,
)
from hindsight.core.events import to_dict
from hindsight.core.timeline.serialize import timeline_to_dict
from hindsight.services import UnitOfWork
from hindsight.services.auth import Role
from hindsight.services.drafting import draft_on_server
from hindsight.services.incident_page import event_page, timeline_view
from hindsight.services.incidents import (
    POSTMORTEM_FILTERS,
    SORTS,
    IncidentFilter,
    create_incident,
    find_incidents,
    get_incident,
    update_incident,
)

router = APIRouter(prefix="/api/v1", tags=["incidents"], responses={"default": PROBLEM_SCHEMA})
Uow = Annotated[UnitOfWork, Depends(get_uow)]
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Editor = Annotated[Principal, Depends(require(Role.EDITOR))]
Ref = Annotated[str, "an incident id or slug"]
PostmortemFilter = Annotated[
    str, one_of(POSTMORTEM_FILTERS, "postmortem filter"), listed(POSTMORTEM_FILTERS)
]
SortKey = Annotated[str, one_of(SORTS, "sort"), listed(SORTS)]


@router.get("/incidents", response_model=IncidentPage, summary="List incidents, newest first")
def list_route(
    uow: Uow,
    _: Viewer,
    status: Status | None = None,
    service: Annotated[str | None, Query(max_length=200)] = None,
    severity: Annotated[str | None, Query(max_length=16)] = None,
    q: Annotated[str, Query(max_length=200, description="words, all of which must appear")] = "",
    postmortem: Annotated[PostmortemFilter | None, Query()] = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    sort: Annotated[SortKey, Query()] = "date",
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> IncidentPage:
    query = IncidentFilter(
        q=q,
        severity=severity or "",
        status=status.value if status else "",
        service=service or "",
        since=since,
        until=until,
        postmortem=postmortem or "",
        sort=sort,
        desc=order == "desc",
    )
    found = find_incidents(uow, query, limit=limit, offset=offset)
    more = offset + len(found.rows) < found.total
    return IncidentPage(
        items=[
            IncidentOut.of(r.incident, postmortem=r.postmortem, owed=r.owed) for r in found.rows
        ],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if more else None,
        total=found.total,
    )


@router.post("/incidents", status_code=201, response_model=IncidentOut, summary="Open an incident")
def create_route(body: IncidentIn, uow: Uow, who: Editor) -> IncidentOut:
    incident = create_incident(
        uow,
        title=body.title,
        severity=body.severity,
        services=tuple(body.services),
        customer_visible=body.customer_visible,
        actor=who.name,
    )
    return IncidentOut.of(incident)


@router.get("/incidents/{ref}", response_model=IncidentOut, summary="One incident by id or slug")
def read_route(ref: Ref, uow: Uow, _: Viewer) -> IncidentOut:
    return IncidentOut.of(get_incident(uow, ref))


@router.patch("/incidents/{ref}", response_model=IncidentOut, summary="Change named fields")
def update_route(ref: Ref, body: IncidentPatch, uow: Uow, who: Editor) -> IncidentOut:
    given: dict[str, Any] = body.model_dump(exclude_unset=True)
    if "services" in given:
        given["services"] = tuple(given["services"] or ())
    for key in ("title", "status", "customer_visible"):
        if key in given and given[key] is None:
            del given[key]  # null means "leave it" for fields that cannot be empty
    return IncidentOut.of(update_incident(uow, ref, actor=who.name, **given))


@router.get("/incidents/{ref}/events", summary="The incident's stored events, in time order")
def events_route(
    ref: Ref,
    uow: Uow,
    _: Viewer,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    incident, page = event_page(uow, ref, offset=offset, limit=limit)
    return {
        "incident": incident.slug,
        "total": page.total,
        "limit": limit,
        "offset": offset,
        "next_offset": page.next_offset,
        # False past 5,000 events (a storm): the stored events in time order, one index range
        # per page, not de-duplicated across tools as the whole timeline is.
        "deduplicated": page.whole,
        "items": [to_dict(e) for e in page.events],
    }


@router.get(
    "/incidents/{ref}/timeline", summary="The merged timeline with milestones and durations"
)
def timeline_route(ref: Ref, uow: Uow, _: Viewer) -> dict[str, Any]:
    built = timeline_view(uow, ref)
    return {
        "incident": built.incident.slug,
        **timeline_to_dict(built.timeline),
        # Past 5,000 events (a storm): the key events — every milestone and duration exact —
        # with the events themselves paged by /events.
        "windowed": not built.whole,
        "events_total": built.events_total,
    }


@router.post(
    "/incidents/{ref}/draft",
    summary="Draft (or refresh) the postmortem from the incident's evidence",
)
async def draft_route(ref: Ref, request: Request, uow: Uow, who: Editor) -> dict[str, Any]:
    settings = get_context(request).settings
    outcome = await run_in_threadpool(
        partial(
            draft_on_server,
            uow,
            ref,
            author=who.name,
            lint_config=settings.lint_config,
            prometheus_url=settings.prometheus_url,
        )
    )
    saved = outcome.postmortem
    return {
        "incident_id": saved.incident_id,
        "created": outcome.created,
        "version": saved.version,
        "markdown": saved.markdown,
        "proposals": [
            {"part": p.part, "action": p.action, "reason": p.reason} for p in outcome.proposals
        ],
    }
