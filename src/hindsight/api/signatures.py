"""Webhook authentication: the source's own verifier (`Source.webhook.verify`, always over the
raw bytes), given the secrets configured for it by name, its refusals as problem documents.

How each source signs lives in its module (`hindsight.sources.<name>`); the primitives they
share (constant-time comparison, HMAC-SHA256, replay window, tokens) in
`hindsight.sources.webhook`. This module adds only what the server knows: which secrets are
set (`Settings.webhook_secrets_for`), and whether a source without one may deliver unsigned.
"""

from __future__ import annotations

from hindsight.api.problems import Problem
from hindsight.settings import Settings
from hindsight.sources.webhook import Delivery, Refusal, Secrets, Webhook


def problem(refusal: Refusal) -> Problem:
    return Problem(refusal.status, refusal.detail, fix=refusal.fix, code=refusal.code)


def verify(settings: Settings, webhook: Webhook, delivery: Delivery) -> bool:
    """Check the delivery's credentials; True if it was verified, False if it was let in
    unsigned (only where that is explicitly allowed). Raises a 401/403/503 `Problem`."""
    source = delivery.source
    configured = settings.webhook_secrets_for(source)
    if not configured:
        if settings.unsigned_allowed(source):
            return False
        setting = settings.webhook_secret_variable(source)
        raise Problem(
            503,
            f"{source} deliveries are refused: {setting} is not set on this server",
            fix=f"set {setting} to the secret configured in {source} (or, on a laptop only, "
            f"HINDSIGHT_ALLOW_UNSIGNED_SOURCES={source})",
            code="source-not-configured",
        )
    try:
        webhook.verify(delivery, Secrets(configured, settings.replay_window_for(source)))
    except Refusal as refusal:
        raise problem(refusal) from None
    return True
