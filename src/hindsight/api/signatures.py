"""Webhook refusals as problem documents; the credentials check itself is the use case
`services.webhooks.verify`, over the source's own verifier (always on the raw bytes)."""

from __future__ import annotations

from hindsight.api.problems import Problem
from hindsight.services.webhooks import Delivery, Refusal, Webhook
from hindsight.services.webhooks import verify as check
from hindsight.settings import Settings


def problem(refusal: Refusal) -> Problem:
    return Problem(refusal.status, refusal.detail, fix=refusal.fix, code=refusal.code)


def verify(settings: Settings, webhook: Webhook, delivery: Delivery) -> bool:
    """`services.webhooks.verify`, its refusal raised as a 401/403/503 `Problem`."""
    try:
        return check(settings, webhook, delivery)
    except Refusal as refusal:
        raise problem(refusal) from None
