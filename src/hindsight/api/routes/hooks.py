"""POST /hooks/{source}: deliveries from the team's tools, authenticated per source on the raw
bytes (`hindsight.api.signatures`), stored durably before they are acknowledged.

200 `stored` means the events are committed; the incident's milestone columns follow within
about a second (at once for any read: see `AppContext.uow`). A re-delivery (same bytes, or
events already known) is 200 `duplicate` and stores nothing. `?incident=SLUG` pins a delivery
to an incident (a Slack channel or a GitHub repository that belongs to one); otherwise ingest
correlates.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs

from anyio import to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from hindsight.api.context import AppContext, client_address, get_context
from hindsight.api.problems import PROBLEM_SCHEMA, Problem
from hindsight.api.schemas import DeliveryOut
from hindsight.api.signatures import Delivery, verify
from hindsight.core.errors import UserError
from hindsight.services.errors import NotFoundError
from hindsight.services.ingest import IngestResult, Parsed, ingest_parsed, parse
from hindsight.sources import SourceError

router = APIRouter(prefix="/hooks", tags=["webhooks"], responses={"default": PROBLEM_SCHEMA})
JSON_TYPES = ("application/json",)
TYPES: dict[str, tuple[str, ...]] = {
    "github": ("application/json", "application/x-www-form-urlencoded"),
    "generic": ("application/json", "application/x-ndjson", "application/jsonl", "text/csv"),
}
GITHUB_EVENTS = ("push", "deployment", "deployment_status")
Incident = Annotated[
    str | None, Query(max_length=120, description="Pin the delivery to this incident")
]
_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def _delivery_name(source: str, request: Request, body: bytes) -> str:
    for header in ("x-github-delivery", "x-webhook-id", "x-request-id"):
        value = request.headers.get(header)
        if value and len(value) <= 100:
            return f"hooks/{source}/{value}"
    return f"hooks/{source}/{hashlib.sha256(body).hexdigest()[:16]}"


async def _receive(
    request: Request,
    source: str,
    incident: str | None,
    before_ingest: Callable[[bytes, str], Awaitable[JSONResponse | bytes]] | None = None,
) -> Any:
    context = get_context(request)
    metrics = context.metrics
    client = client_address(request)
    wait = context.limiter.retry_after(client)
    if wait is not None:
        metrics.deliveries.labels(source, "rate_limited").inc()
        raise Problem(
            429,
            "too many failed authentications from this address",
            fix=f"wait {wait} s; check the webhook's secret",
            headers={"Retry-After": str(wait)},
        )
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        verify(context.settings, Delivery(source, body, headers, context.clock()))
    except Problem as problem:
        if problem.status in (401, 403):
            context.limiter.failed(client)
            metrics.deliveries.labels(source, "unauthorized").inc()
        else:
            metrics.deliveries.labels(source, "refused").inc()
        raise
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    allowed = TYPES.get(source, JSON_TYPES)
    if kind not in allowed:
        metrics.deliveries.labels(source, "invalid").inc()
        raise Problem(
            415,
            f"{source} deliveries are {' or '.join(allowed)}, not {kind or 'untyped'}",
            fix=f"send Content-Type: {allowed[0]}",
        )
    if not body.strip():
        metrics.deliveries.labels(source, "invalid").inc()
        raise Problem(400, "the delivery body is empty", fix="send the payload the tool produces")
    if before_ingest is not None:
        handled = await before_ingest(body, kind)
        if isinstance(handled, JSONResponse):
            metrics.deliveries.labels(source, "handled").inc()
            return handled
        body = handled
    name = _delivery_name(source, request, body)
    if source == "generic":
        name += ".csv" if kind == "text/csv" else ".jsonl"
    return await _store(context, source, body, name, incident)


async def _store(
    context: AppContext, source: str, body: bytes, name: str, incident: str | None
) -> DeliveryOut:
    """Parse the delivery (a bad payload is answered without touching the store), then have
    the app's writer store it with whatever else is waiting (group commit), or store it here
    if the writer is not running; answer once it is committed."""
    metrics = context.metrics
    started = time.perf_counter()
    try:
        parsed = await to_thread.run_sync(
            partial(parse, source, body, name=name), limiter=context.delivery_slots
        )
        future = context.deliveries.submit(
            parsed,
            incident=incident,
            actor=source,
            window=context.settings.correlation_window,
        )
        if future is not None:
            result = await asyncio.wrap_future(future)
        else:
            stored = partial(_store_alone, context, parsed, incident, source)
            result = await to_thread.run_sync(stored, limiter=context.delivery_slots)
    except NotFoundError:
        metrics.deliveries.labels(source, "unplaced").inc()
        raise
    except SourceError as error:
        metrics.deliveries.labels(source, "invalid").inc()
        raise Problem(
            422,
            f"not a {source} payload: {error.what}",
            fix=error.fix or f"send the body exactly as {source} produces it",
        ) from None
    except UserError as error:
        metrics.deliveries.labels(source, "unplaced").inc()
        raise Problem(
            422,
            error.what,
            fix="add ?incident=SLUG to the webhook URL to say which incident it belongs to",
        ) from None
    metrics.ingest_seconds.labels(source).observe(time.perf_counter() - started)
    outcome: Literal["stored", "duplicate"] = "stored" if result.changed else "duplicate"
    metrics.deliveries.labels(source, outcome).inc()
    metrics.events.labels(source, "stored").inc(result.added)
    metrics.events.labels(source, "duplicate").inc(result.duplicates)
    return DeliveryOut(
        status=outcome,
        source=source,
        incident=result.incident.slug,
        url=f"/incidents/{result.incident.slug}",
        received=result.received,
        added=result.added,
    )


def _store_alone(
    context: AppContext, parsed: Parsed, incident: str | None, source: str
) -> IngestResult:
    """A delivery in a transaction of its own (the writer is not running)."""
    # The milestones are derived data: with the app's refresher running they are recomputed
    # after the commit, coalesced per incident, not under this delivery's write lock.
    deferred = context.milestones.running
    uow = context.delivery_uow()
    with uow:
        result = ingest_parsed(
            uow,
            parsed,
            incident=incident,
            actor=source,
            window=context.settings.correlation_window,
            refresh=not deferred,
        )
        if result.changed:
            uow.commit()
    if deferred and result.changed:
        context.milestones.mark(result.incident.id, parsed.events)
    return result


def _route(source: str, summary: str) -> Callable[..., Any]:
    async def receive(request: Request, incident: Incident = None) -> Any:
        return await _receive(request, source, incident)

    receive.__name__ = f"hook_{source}"
    return router.post(
        f"/{source}", response_model=DeliveryOut, summary=summary, openapi_extra=_BODY
    )(receive)


_route("alertmanager", "Alertmanager webhook_config (Authorization: Bearer token)")
_route("grafana", "Grafana webhook contact point (optional HMAC signature)")
_route("pagerduty", "PagerDuty v3 webhook (X-PagerDuty-Signature, any v1= entry)")
_route("opsgenie", "Opsgenie outgoing webhook (X-Incident-Token)")
_route("generic", "Any tool: JSON Lines or CSV events (Authorization: Bearer token)")


@router.post(
    "/slack",
    response_model=DeliveryOut,
    summary="Slack Events API (v0 signature, 5-minute window; answers url_verification)",
    openapi_extra=_BODY,
)
async def hook_slack(request: Request, incident: Incident = None) -> Any:
    async def challenge(body: bytes, kind: str) -> JSONResponse | bytes:
        try:
            parsed = json.loads(body)
        except ValueError:
            return body  # the source's parser names the problem
        if isinstance(parsed, dict) and parsed.get("type") == "url_verification":
            answer = parsed.get("challenge")
            if not isinstance(answer, str) or not answer:
                raise Problem(
                    422, "url_verification without a challenge", fix="send Slack's challenge"
                )
            return JSONResponse({"challenge": answer})
        return body

    return await _receive(request, "slack", incident, challenge)


@router.post(
    "/github",
    response_model=DeliveryOut,
    summary="GitHub push / deployment / deployment_status (X-Hub-Signature-256)",
    openapi_extra=_BODY,
)
async def hook_github(request: Request, incident: Incident = None) -> Any:
    event = request.headers.get("x-github-event", "")

    async def select(body: bytes, kind: str) -> JSONResponse | bytes:
        if event == "ping":
            return JSONResponse({"status": "pong"})
        if event and event not in GITHUB_EVENTS:
            return JSONResponse({"status": "ignored", "event": event})
        if kind == "application/x-www-form-urlencoded":
            found = parse_qs(body.decode("utf-8", "replace")).get("payload")
            if not found:
                raise Problem(422, "the form has no payload field", fix="send GitHub's form")
            return found[0].encode("utf-8")
        return body

    return await _receive(request, "github", incident, select)
