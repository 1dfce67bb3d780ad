"""POST /hooks/{source}: deliveries from the team's tools, one generic route per registered
source with a webhook part (`hindsight.sources.SOURCES`, `Source.webhook`), stored durably
before they are acknowledged.

The source says everything particular: the content types it sends, how it signs (verified on
the raw bytes, `hindsight.api.signatures`), its pre-steps (Slack's `url_verification`,
GitHub's `ping` and event filter) and how its payload parses. This module only adapts HTTP to
that: rate limit, body, verdict, metrics, problem documents.

Past `HINDSIGHT_DELIVERY_QUEUE_DEPTH` deliveries in progress (being read, verified, parsed or
stored) a server answers 503 with Retry-After instead of queueing without bound (the senders
retry).

200 `stored` means the events are committed; the incident's milestone columns follow within
about a second (at once for any read: see `AppContext.uow`). A re-delivery (same bytes, or
events already known) is 200 `duplicate` and stores nothing. `?incident=SLUG` pins a delivery
to an incident (a Slack channel or a GitHub repository that belongs to one); otherwise ingest
correlates.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, Literal

from anyio import to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from hindsight.api.context import AppContext, client_address, get_context
from hindsight.api.problems import PROBLEM_SCHEMA, Problem
from hindsight.api.schemas import DeliveryOut
from hindsight.api.signatures import problem, verify
from hindsight.core.errors import UserError
from hindsight.services.errors import NotFoundError
from hindsight.services.ingest import IngestResult, Parsed, Unplaced, ingest_parsed, parse
from hindsight.services.webhooks import (
    Delivery,
    Refusal,
    Reply,
    SourceError,
    Webhook,
    webhooks,
)

router = APIRouter(prefix="/hooks", tags=["webhooks"], responses={"default": PROBLEM_SCHEMA})
Incident = Annotated[
    str | None,
    Query(
        max_length=120,
        pattern=r"^[^\x00-\x1f\x7f]+$",  # no control characters: no store keeps a NUL
        description="Pin the delivery to this incident",
    ),
]
_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
# What a delivery id from a header may be made of: it becomes part of a stored name.
SHED_RETRY_AFTER_S = 1  # a delivery shed past capacity: about one group commit later
_DELIVERY_ID = re.compile(r"[A-Za-z0-9._:@+=-]{1,100}")


def _delivery_name(source: str, webhook: Webhook, delivery: Delivery) -> str:
    for header in webhook.id_headers:
        value = delivery.headers.get(header)
        if value and _DELIVERY_ID.fullmatch(value):
            return f"hooks/{source}/{value}"
    return f"hooks/{source}/{hashlib.sha256(delivery.body).hexdigest()[:16]}"


async def _receive(request: Request, source: str, webhook: Webhook, incident: str | None) -> Any:
    """Admit the delivery (before its body is even read: shedding must stay cheap, or an
    overload spends the process on refusals), then verify and store it."""
    context = get_context(request)
    if context.deliveries_in_flight >= context.settings.delivery_queue_depth:
        context.metrics.deliveries.labels(source, "shed").inc()
        raise Problem(
            503,
            f"this server is already taking {context.deliveries_in_flight} deliveries: "
            "this one was not stored",
            fix="send it again after Retry-After seconds (Alertmanager and PagerDuty retry "
            "by themselves), or raise HINDSIGHT_DELIVERY_QUEUE_DEPTH / add servers",
            headers={"Retry-After": str(SHED_RETRY_AFTER_S)},
        )
    context.deliveries_in_flight += 1
    try:
        return await _admitted(request, context, source, webhook, incident)
    finally:
        context.deliveries_in_flight -= 1


async def _admitted(
    request: Request, context: AppContext, source: str, webhook: Webhook, incident: str | None
) -> Any:
    metrics = context.metrics
    client = client_address(request)
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    delivery = Delivery(source, body, headers, context.clock())
    try:
        verify(context.settings, webhook, delivery)
    except Problem as refused:
        if refused.status not in (401, 403):
            metrics.deliveries.labels(source, "refused").inc()
            raise
        # A correctly signed delivery is never refused for its address's failures; past the
        # limit, further bad ones get 429 with Retry-After instead of 401/403.
        wait = context.limiter.refuse(client)
        if wait is None:
            metrics.deliveries.labels(source, "unauthorized").inc()
            raise
        metrics.deliveries.labels(source, "rate_limited").inc()
        raise Problem(
            429,
            "too many failed authentications from this address",
            fix=f"wait {wait} s; check the webhook's secret",
            headers={"Retry-After": str(wait)},
        ) from None
    kind = delivery.content_type
    allowed = webhook.content_types
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
    try:
        prepared = webhook.prepare(delivery)
    except Refusal as refusal:
        metrics.deliveries.labels(source, "invalid").inc()
        raise problem(refusal) from None
    except SourceError as error:
        metrics.deliveries.labels(source, "invalid").inc()
        raise _not_a_payload(source, error) from None
    if isinstance(prepared, Reply):
        metrics.deliveries.labels(source, "handled").inc()
        return JSONResponse(prepared.body)
    name = _delivery_name(source, webhook, delivery) + prepared.suffix
    return await _store(
        context, source, prepared.body, name, incident, ignore_unplaced=webhook.ignore_unplaced
    )


def _not_a_payload(source: str, error: SourceError, name: str = "") -> Problem:
    """422 naming what is wrong and where in the body (a field, a line, a JSON pointer)."""
    within = error.file[len(name) :] if name and error.file.startswith(name) else ""
    if within.startswith(":") and within[1:].isdigit():
        where = f" (line {within[1:]})"
    elif within.startswith(("#", ":")):
        where = f" (at {within[1:]})"
    else:
        where = ""
    return Problem(
        422,
        f"not a {source} payload{where}: {error.what}",
        fix=error.fix or f"send the body exactly as {source} produces it",
    )


async def _store(
    context: AppContext,
    source: str,
    body: bytes,
    name: str,
    incident: str | None,
    *,
    ignore_unplaced: bool = False,
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
        raise _not_a_payload(source, error, name) from None
    except Unplaced as error:
        if ignore_unplaced:  # acknowledged: a channel no incident uses, counted, not refused
            metrics.deliveries.labels(source, "ignored").inc()
            return DeliveryOut(
                status="ignored", source=source, incident=None, url=None, received=0, added=0
            )
        metrics.deliveries.labels(source, "unplaced").inc()
        raise Problem(
            422,
            error.what,
            fix="add ?incident=SLUG to the webhook URL to say which incident it belongs to",
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
    placed = result.placed  # None: a change (a deploy before any alert) kept in the change log
    return DeliveryOut(
        status=outcome,
        source=source,
        incident=placed.slug if placed is not None else None,
        url=f"/incidents/{placed.slug}" if placed is not None else "/changes",
        received=result.received,
        added=result.added,
        changes=[c.stored.change.external_id for c in result.changes],
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
    if deferred and result.changed and result.placed is not None:
        context.milestones.mark(result.placed.id, parsed.events)
    return result


def _route(source: str, webhook: Webhook) -> Callable[..., Any]:
    async def receive(request: Request, incident: Incident = None) -> Any:
        return await _receive(request, source, webhook, incident)

    receive.__name__ = f"hook_{source}"
    return router.post(
        f"/{source}", response_model=DeliveryOut, summary=webhook.summary, openapi_extra=_BODY
    )(receive)


for _name, _webhook in webhooks().items():
    _route(_name, _webhook)
