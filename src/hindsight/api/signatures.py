"""Webhook authentication, each source the way its vendor signs, always over the raw bytes.

    github        X-Hub-Signature-256: sha256=hex(HMAC-SHA256(secret, body))
    pagerduty     X-PagerDuty-Signature: v1=hex(…),v1=hex(…)  (any entry may match: rotation)
    slack         X-Slack-Signature: v0=hex(HMAC(secret, "v0:" + ts + ":" + body)), and
                  X-Slack-Request-Timestamp within the replay window of the server's clock
    grafana       X-Grafana-Alerting-Signature: hex(HMAC(secret, body)), or over
                  ts + ":" + body when X-Grafana-Alerting-Timestamp is sent (then windowed)
    opsgenie      X-Incident-Token: the shared token
    alertmanager  Authorization: Bearer <token>  (http_config.authorization)
    generic       Authorization: Bearer <token>

Every comparison is constant-time (`hmac.compare_digest` on bytes). A missing or malformed
credential is 401, a wrong or stale one 403. Secrets are never logged or echoed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import SecretStr

from hindsight.api.problems import Problem
from hindsight.settings import Settings


@dataclass(frozen=True)
class Delivery:
    source: str
    body: bytes
    headers: Mapping[str, str]  # lower-case names
    now: float  # Unix seconds, from the app's clock


def _mac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8", "replace"))


def _missing(header: str, source: str) -> Problem:
    return Problem(
        401,
        f"the {source} delivery has no {header} header",
        fix=f"configure the {source} webhook with its secret so it signs every delivery",
        code="unauthorized",
    )


def _mismatch(header: str, source: str) -> Problem:
    return Problem(
        403,
        f"the {header} of this {source} delivery does not match",
        fix=f"make the secret in {source} and on this server the same (check for rotation)",
        code="bad-signature",
    )


def _secret(value: SecretStr | None) -> str | None:
    raw = value.get_secret_value() if value is not None else ""
    return raw or None


def _timestamp(value: str | None, header: str, source: str, now: float, window: int) -> None:
    if value is None:
        raise _missing(header, source)
    try:
        sent = int(value.strip())
    except ValueError:
        raise Problem(
            401,
            f"{header} is not Unix seconds",
            fix="send the request timestamp as whole Unix seconds",
        ) from None
    if abs(now - sent) > window:
        raise Problem(
            403,
            f"the {source} request timestamp is {int(abs(now - sent))} s away from the server's "
            f"clock; at most {window} s is accepted (a replayed or delayed request)",
            fix="send a fresh request, and check both clocks are synchronised (NTP)",
            code="stale-request",
        )


def _github(secret: str, delivery: Delivery) -> None:
    given = delivery.headers.get("x-hub-signature-256")
    if not given:
        raise _missing("X-Hub-Signature-256", "github")
    if not _same("sha256=" + _mac(secret, delivery.body), given.strip()):
        raise _mismatch("X-Hub-Signature-256", "github")


def _pagerduty(secrets: tuple[str, ...], delivery: Delivery) -> None:
    given = delivery.headers.get("x-pagerduty-signature")
    if not given:
        raise _missing("X-PagerDuty-Signature", "pagerduty")
    entries = [part.strip() for part in given.split(",") if part.strip().startswith("v1=")]
    if not entries:
        raise Problem(
            401,
            "X-PagerDuty-Signature has no v1= entry",
            fix="send the signature header exactly as PagerDuty does",
        )
    expected = ["v1=" + _mac(secret, delivery.body) for secret in secrets]
    # Compare every pair (no early exit), so the time does not depend on which one matched.
    matched = False
    for entry in entries:
        for candidate in expected:
            matched |= _same(candidate, entry)
    if not matched:
        raise _mismatch("X-PagerDuty-Signature", "pagerduty")


def _slack(secret: str, window: int, delivery: Delivery) -> None:
    stamp = delivery.headers.get("x-slack-request-timestamp")
    given = delivery.headers.get("x-slack-signature")
    if not given:
        raise _missing("X-Slack-Signature", "slack")
    _timestamp(stamp, "X-Slack-Request-Timestamp", "slack", delivery.now, window)
    assert stamp is not None
    base = b"v0:" + stamp.strip().encode() + b":" + delivery.body
    if not _same("v0=" + _mac(secret, base), given.strip()):
        raise _mismatch("X-Slack-Signature", "slack")


def _grafana(secret: str, window: int, delivery: Delivery) -> None:
    given = delivery.headers.get("x-grafana-alerting-signature")
    if not given:
        raise _missing("X-Grafana-Alerting-Signature", "grafana")
    stamp = delivery.headers.get("x-grafana-alerting-timestamp")
    message = delivery.body
    if stamp is not None:
        _timestamp(stamp, "X-Grafana-Alerting-Timestamp", "grafana", delivery.now, window)
        message = stamp.strip().encode() + b":" + delivery.body
    if not _same(_mac(secret, message), given.strip()):
        raise _mismatch("X-Grafana-Alerting-Signature", "grafana")


def _token(expected: str, delivery: Delivery, header: str) -> None:
    raw = delivery.headers.get(header.lower())
    if header == "Authorization":
        scheme, _, value = (raw or "").partition(" ")
        raw = value.strip() if scheme.lower() == "bearer" else None
        shown = "Authorization: Bearer"
    else:
        shown = header
    if not raw:
        raise _missing(shown, delivery.source)
    if not _same(expected, raw.strip()):
        raise Problem(
            403,
            f"the {shown} token of this {delivery.source} delivery is wrong",
            fix=f"set the same token in {delivery.source} and on this server",
            code="bad-token",
        )


SECRET_SETTING = {
    "github": "HINDSIGHT_GITHUB_SECRET",
    "pagerduty": "HINDSIGHT_PAGERDUTY_SECRETS",
    "slack": "HINDSIGHT_SLACK_SIGNING_SECRET",
    "grafana": "HINDSIGHT_GRAFANA_SECRET",
    "opsgenie": "HINDSIGHT_OPSGENIE_TOKEN",
    "alertmanager": "HINDSIGHT_ALERTMANAGER_TOKEN",
    "generic": "HINDSIGHT_GENERIC_TOKEN",
}


def verify(settings: Settings, delivery: Delivery) -> bool:
    """Check the delivery's credentials; True if it was verified, False if it was let in
    unsigned (only where that is explicitly allowed). Raises a 401/403/503 `Problem`."""
    source = delivery.source
    configured: object
    if source == "pagerduty":
        configured = settings.pagerduty_secret_list or None
    else:
        configured = _secret(getattr(settings, _FIELD[source]))
    if configured is None:
        if settings.unsigned_allowed(source):
            return False
        setting = SECRET_SETTING[source]
        raise Problem(
            503,
            f"{source} deliveries are refused: {setting} is not set on this server",
            fix=f"set {setting} to the secret configured in {source} (or, on a laptop only, "
            f"HINDSIGHT_ALLOW_UNSIGNED_SOURCES={source})",
            code="source-not-configured",
        )
    if source == "pagerduty":
        assert isinstance(configured, tuple)
        _pagerduty(configured, delivery)
        return True
    assert isinstance(configured, str)
    if source == "github":
        _github(configured, delivery)
    elif source == "slack":
        _slack(configured, settings.slack_replay_window_s, delivery)
    elif source == "grafana":
        _grafana(configured, settings.grafana_replay_window_s, delivery)
    elif source == "opsgenie":
        _token(configured, delivery, "X-Incident-Token")
    else:
        _token(configured, delivery, "Authorization")
    return True


_FIELD = {
    "github": "github_secret",
    "slack": "slack_signing_secret",
    "grafana": "grafana_secret",
    "opsgenie": "opsgenie_token",
    "alertmanager": "alertmanager_token",
    "generic": "generic_token",
}
