"""/api/v1/incidents: list, create, read, update; events, timeline, draft."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool

from hindsight.api.auth import Principal, require
from hindsight.api.context import get_uow
from hindsight.api.problems import PROBLEM_SCHEMA
from hindsight.api.schemas import IncidentIn, IncidentOut, IncidentPage, IncidentPatch, Status
from hindsight.core.events import to_dict
from hindsight.core.timeline.serialize import timeline_to_dict
from hindsight.services import UnitOfWork
from hindsight.services.auth import Role
from hindsight.services.drafting import draft_incident
from hindsight.services.incidents import (
    create_incident,
    get_incident,
    list_incidents,
    update_incident,
)
from hindsight.services.timelines import incident_timeline

router = APIRouter(prefix="/api/v1", tags=["incidents"], responses={"default": PROBLEM_SCHEMA})
Uow = Annotated[UnitOfWork, Depends(get_uow)]
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Editor = Annotated[Principal, Depends(require(Role.EDITOR))]
Ref = Annotated[str, "an incident id or slug"]
_SCAN = 500


@router.get("/incidents", response_model=IncidentPage, summary="List incidents, newest first")
def list_route(
    uow: Uow,
    _: Viewer,
    status: Status | None = None,
    service: Annotated[str | None, Query(max_length=200)] = None,
    severity: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> IncidentPage:
    if service is None and severity is None:
        found = list_incidents(uow, status=status, limit=limit + 1, offset=offset)
    else:  # filters the store does not index: scan pages, page over the matches
        found = []
        start = 0
        while len(found) < offset + limit + 1:
            batch = list_incidents(uow, status=status, limit=_SCAN, offset=start)
            found += [
                i
                for i in batch
                if (service is None or service in i.services)
                and (severity is None or i.severity == severity)
            ]
            if len(batch) < _SCAN:
                break
            start += _SCAN
        found = found[offset:]
    more = len(found) > limit
    return IncidentPage(
        items=[IncidentOut.of(i) for i in found[:limit]],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if more else None,
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
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    built = incident_timeline(uow, ref)
    events = sorted(built.timeline.events, key=lambda e: e.order)
    page = events[offset : offset + limit]
    return {
        "incident": built.incident.slug,
        "total": len(events),
        "limit": limit,
        "offset": offset,
        "items": [to_dict(e) for e in page],
    }


@router.get(
    "/incidents/{ref}/timeline", summary="The merged timeline with milestones and durations"
)
def timeline_route(ref: Ref, uow: Uow, _: Viewer) -> dict[str, Any]:
    built = incident_timeline(uow, ref)
    return {"incident": built.incident.slug, **timeline_to_dict(built.timeline)}


@router.post(
    "/incidents/{ref}/draft",
    summary="Draft (or refresh) the postmortem from the incident's evidence",
)
async def draft_route(ref: Ref, uow: Uow, who: Editor) -> dict[str, Any]:
    outcome = await run_in_threadpool(draft_incident, uow, ref, author=who.name)
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
