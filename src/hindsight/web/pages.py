"""The incident pages: the list, one incident with its evidence, a raw payload; renaming it,
adding a manual event and promoting or demoting an event into the postmortem's timeline."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hindsight.core.document.template import SEVERITIES
from hindsight.core.errors import UserError
from hindsight.core.events import EventKind
from hindsight.core.incident import INCIDENT_STATUSES
from hindsight.services.action_items import earlier_open_follow_ups
from hindsight.services.errors import NotFoundError
from hindsight.services.incidents import SORTS, get_incident, update_incident
from hindsight.services.ingest import ingest
from hindsight.services.postmortems import get_postmortem, start_postmortem, update_postmortem
from hindsight.services.timelines import incident_timeline
from hindsight.web.context import viewer, web, writer
from hindsight.web.event_rows import event_rows
from hindsight.web.incident_view import anchor, incident_view
from hindsight.web.listing import CATEGORIES, ListQuery, list_page
from hindsight.web.routing import make_router
from hindsight.web.timeline_edit import demote, promote

MAX_SHOWN_CHARS = 500_000


def routes() -> APIRouter:
    router = make_router()

    @router.get("/")
    def home(request: Request) -> Response:
        return RedirectResponse("/incidents", status_code=303)

    @router.get("/incidents")
    def incidents(request: Request) -> Response:
        viewer(request)
        ctx = web(request)
        query = ListQuery.from_params(dict(request.query_params))
        listing = list_page(ctx.uow(), query)
        return ctx.render(
            request,
            "incidents.html",
            {
                "listing": listing,
                "query": query,
                "severities": SEVERITIES,
                "statuses": INCIDENT_STATUSES,
                "categories": CATEGORIES,
                "sorts": SORTS,
            },
        )

    @router.get("/incidents/{slug}")
    def incident(
        request: Request,
        slug: str,
        source: str = "",
        kind: str = "",
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> Response:
        ctx = web(request)
        who = viewer(request)
        with ctx.renders:  # one at a time (HINDSIGHT_PAGE_RENDERS): deliveries keep the CPU
            view = incident_view(ctx.uow(), slug, source=source, kind=kind, offset=offset)
            rows = event_rows(view.rows, view.incident.slug, can_edit=who.can_edit)
            return ctx.render(
                request,
                "incident.html",
                {
                    "earlier_follow_ups": earlier_open_follow_ups(ctx.uow(), view.incident.id),
                    "view": view,
                    "rows": rows,
                    "source": source,
                    "kind": kind,
                    "event_kinds": list(EventKind),
                },
            )

    @router.get("/incidents/{slug}/payloads/{payload_id}")
    def payload(request: Request, slug: str, payload_id: int, pointer: str = "") -> Response:
        viewer(request)
        ctx = web(request)
        incident = get_incident(ctx.uow(), slug)
        uow = ctx.uow()
        with uow:
            found = [p for p in uow.payloads.for_incident(incident.id) if p.id == payload_id]
        if not found:
            raise NotFoundError(f"incident {incident.slug} has no payload {payload_id}")
        body = found[0].body
        try:
            text = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        except (ValueError, UnicodeDecodeError):
            text = body.decode("utf-8", "replace")
        if len(text) > MAX_SHOWN_CHARS:
            text = text[:MAX_SHOWN_CHARS] + f"\n… ({len(text) - MAX_SHOWN_CHARS:,} more characters)"
        return ctx.render(
            request,
            "payload.html",
            {"incident": incident, "payload": found[0], "text": text, "pointer": pointer},
        )

    @router.post("/incidents/{slug}/events")
    def add_event(
        request: Request,
        slug: str,
        at: Annotated[str, Form()],
        kind: Annotated[str, Form()],
        text: Annotated[str, Form()],
        csrf: Annotated[str, Form()] = "",
    ) -> Response:
        who = writer(request, csrf)
        try:
            when = dt.datetime.fromisoformat(at)
        except ValueError:
            raise UserError(
                f"{at!r} is not a time", fix="give it as YYYY-MM-DD HH:MM (UTC)"
            ) from None
        when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
        if kind not in {k.value for k in EventKind}:
            raise UserError(f"unknown event kind {kind!r}")
        if not text.strip():
            raise UserError("the event has no text", fix="say what happened")
        record = {
            "time": when.isoformat(),
            "kind": kind,
            "text": " ".join(text.split())[:2000],
            "actor": who.name,
            "source": "manual",
        }
        line = json.dumps(record).encode() + b"\n"
        ingest(
            web(request).uow(),
            "generic",
            line,
            name=f"manual-{uuid.uuid4().hex[:12]}.jsonl",
            incident=slug,
            actor=who.name,
        )
        return RedirectResponse(f"/incidents/{slug}#events", status_code=303)

    @router.post("/incidents/{slug}/title")
    def rename(
        request: Request,
        slug: str,
        title: Annotated[str, Form()],
        csrf: Annotated[str, Form()] = "",
    ) -> Response:
        who = writer(request, csrf)
        update_incident(web(request).uow(), slug, actor=who.name, title=title)
        return RedirectResponse(f"/incidents/{slug}", status_code=303)

    @router.post("/incidents/{slug}/timeline/{action}")
    def move_event(
        request: Request,
        slug: str,
        action: str,
        key: Annotated[str, Form()],
        csrf: Annotated[str, Form()] = "",
    ) -> Response:
        who = writer(request, csrf)
        if action not in ("promote", "demote"):
            raise NotFoundError(f"no timeline action {action!r}")
        uow = web(request).uow
        events = incident_timeline(uow(), slug).timeline.events
        event = next((e for e in events if e.key == key), None)
        if event is None:
            raise NotFoundError(f"incident {slug} has no event {key!r}")
        try:
            current = get_postmortem(uow(), slug)
        except NotFoundError:
            current = start_postmortem(uow(), slug, author=who.name)
        change = promote if action == "promote" else demote
        update_postmortem(
            uow(),
            slug,
            change(current.markdown, event),
            expected_version=current.version,
            author=who.name,
        )
        return RedirectResponse(f"/incidents/{slug}#{anchor(event.key)}", status_code=303)

    return router
