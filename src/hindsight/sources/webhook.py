"""The webhook part of a source: what a delivery must look like, how its sender proves who it
is, and what happens before its body is parsed. Pure: bytes, headers and secrets in, a
verdict out; the server's route (`hindsight.api.routes.hooks`) only adapts HTTP to it.

A source module declares one `Webhook` (content types, a verifier, optional pre-steps) and
puts it on its adapter as `webhook`. The verifiers here are the shared primitives — a
constant-time comparison, HMAC-SHA256, a replay window, bearer and header tokens — and each
source says which it uses. Every verifier accepts any of the configured secrets (rotation),
comparing against all of them so the time taken does not say which one matched.

A refusal is a `Refusal` (status, what is wrong, how to fix it): 401 for a missing or
malformed credential, 403 for a wrong or stale one. Secrets are never echoed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Delivery:
    """One webhook request as the source sees it."""

    source: str
    body: bytes
    headers: Mapping[str, str]  # lower-case names
    now: float  # Unix seconds, from the server's clock

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Secrets:
    """What a verifier is given: every secret configured for the source (several while one is
    rotated), and the oldest request timestamp it may accept, in seconds."""

    values: tuple[str, ...]
    replay_window_s: int = 300


class Refusal(Exception):
    """A delivery the source refuses before anything is parsed or stored."""

    def __init__(self, status: int, detail: str, *, fix: str, code: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.fix = fix
        self.code = code


@dataclass(frozen=True)
class Reply:
    """A pre-step answered the delivery itself (Slack's challenge, GitHub's ping): this JSON
    goes back with 200 and nothing is stored."""

    body: dict[str, str]


@dataclass(frozen=True)
class Payload:
    """What the source's parser is given, and the suffix its stored name gets (the generic
    source tells CSV from JSON Lines by the name)."""

    body: bytes
    suffix: str = ""


Verifier = Callable[[Delivery, Secrets], None]
PreStep = Callable[[Delivery], Reply | Payload]


def as_payload(delivery: Delivery) -> Reply | Payload:
    """No pre-step: the body is the payload."""
    return Payload(delivery.body)


@dataclass(frozen=True)
class Webhook:
    """A source's webhook: `summary` (shown in the OpenAPI document, naming the credential),
    the content types it sends (the first is the one to ask for), `verify`, `prepare` (runs
    after verification and the content-type check) and the headers whose value names a
    delivery (a redelivery repeats it)."""

    summary: str
    verify: Verifier
    content_types: tuple[str, ...] = ("application/json",)
    prepare: PreStep = field(default=as_payload)
    id_headers: tuple[str, ...] = ("x-request-id",)
    # A delivery that belongs to no incident is acknowledged and ignored instead of refused:
    # for tools that disable a subscription after repeated non-2xx answers (Slack), where most
    # deliveries concern channels no incident uses.
    ignore_unplaced: bool = False


# --- primitives ---------------------------------------------------------------------------


def mac(secret: str, message: bytes) -> str:
    """hex(HMAC-SHA256(secret, message))."""
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def same(expected: str, given: str) -> bool:
    """Constant-time equality of two strings (compared as bytes)."""
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8", "replace"))


def matches_any(expected: list[str], given: list[str]) -> bool:
    """Whether any given value equals any expected one; every pair is compared (no early
    exit), so the time does not depend on which one matched."""
    matched = False
    for entry in given:
        for candidate in expected:
            matched |= same(candidate, entry)
    return matched


def missing(header: str, source: str) -> Refusal:
    return Refusal(
        401,
        f"the {source} delivery has no {header} header",
        fix=f"configure the {source} webhook with its secret so it signs every delivery",
        code="unauthorized",
    )


def mismatch(header: str, source: str) -> Refusal:
    return Refusal(
        403,
        f"the {header} of this {source} delivery does not match",
        fix=f"make the secret in {source} and on this server the same (check for rotation)",
        code="bad-signature",
    )


def within_window(value: str | None, header: str, delivery: Delivery, window: int) -> str:
    """The timestamp header's value if it is Unix seconds within `window` of the server's
    clock; else a 401 (missing, malformed) or 403 (stale: a replayed or delayed request)."""
    source = delivery.source
    if value is None:
        raise missing(header, source)
    stamp = value.strip()
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        raise Refusal(
            401,
            f"{header} is not Unix seconds",
            fix="send the request timestamp as whole Unix seconds",
        )
    distance = abs(delivery.now - int(stamp))
    if distance > window:
        raise Refusal(
            403,
            f"the {source} request timestamp is {int(distance)} s away from the server's "
            f"clock; at most {window} s is accepted (a replayed or delayed request)",
            fix="send a fresh request, and check both clocks are synchronised (NTP)",
            code="stale-request",
        )
    return stamp


def hmac_signature(header: str, *, prefix: str = "") -> Verifier:
    """`header: <prefix>hex(HMAC-SHA256(secret, body))` (GitHub: sha256=…)."""

    def verify(delivery: Delivery, secrets: Secrets) -> None:
        given = delivery.headers.get(header.lower())
        if not given:
            raise missing(header, delivery.source)
        expected = [prefix + mac(secret, delivery.body) for secret in secrets.values]
        if not matches_any(expected, [given.strip()]):
            raise mismatch(header, delivery.source)

    return verify


def token(header: str) -> Verifier:
    """A shared token: `Authorization: Bearer <token>` or a header of its own."""
    bearer = header.lower() == "authorization"
    shown = "Authorization: Bearer" if bearer else header

    def verify(delivery: Delivery, secrets: Secrets) -> None:
        raw = delivery.headers.get(header.lower())
        if bearer:
            scheme, _, value = (raw or "").partition(" ")
            raw = value.strip() if scheme.lower() == "bearer" else None
        if not raw:
            raise missing(shown, delivery.source)
        if not matches_any(list(secrets.values), [raw.strip()]):
            raise Refusal(
                403,
                f"the {shown} token of this {delivery.source} delivery is wrong",
                fix=f"set the same token (its shared secret) in {delivery.source} and on this "
                "server",
                code="bad-token",
            )

    return verify


BEARER = token("Authorization")
