"""Webhook deliveries as the server takes them: which sources have a webhook part, and a
delivery's credentials checked against the secrets configured for its source by name.

How each source signs lives in its module (`hindsight.sources.<name>`, its `webhook`); the
primitives they share in `hindsight.sources.webhook`. This use case adds only what the server
knows: which secrets are set (`Settings.webhook_secrets_for`), and whether a source without one
may deliver unsigned. The API route adapts HTTP to it and turns a `Refusal` into a problem.
"""

from __future__ import annotations

from hindsight.settings import Settings
from hindsight.sources import SourceError, Webhook, webhooks
from hindsight.sources.webhook import Delivery, Refusal, Reply, Secrets

__all__ = [
    "Delivery",
    "Refusal",
    "Reply",
    "SourceError",
    "Webhook",
    "verify",
    "webhooks",
]


def verify(settings: Settings, webhook: Webhook, delivery: Delivery) -> bool:
    """Check the delivery's credentials; True if it was verified, False if it was let in
    unsigned (only where that is explicitly allowed). Raises a 401/403/503 `Refusal`."""
    source = delivery.source
    configured = settings.webhook_secrets_for(source)
    if not configured:
        if settings.unsigned_allowed(source):
            return False
        setting = settings.webhook_secret_variable(source)
        raise Refusal(
            503,
            f"{source} deliveries are refused: {setting} is not set on this server",
            fix=f"set {setting} to the secret configured in {source} (or, on a laptop only, "
            f"HINDSIGHT_ALLOW_UNSIGNED_SOURCES={source})",
            code="source-not-configured",
        )
    webhook.verify(delivery, Secrets(configured, settings.replay_window_for(source)))
    return True
