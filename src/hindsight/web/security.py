"""Browser sessions and CSRF protection.

A signed-in browser holds one cookie, `hs_session`: a random session id
(`services.auth.start_session`), never the API token. The store keeps the id's SHA-256, the
token it was made from and its expiry, and checks all three on every request, so sign-out,
the expiry and revoking the token end it at once on every app server. It is `HttpOnly` (no
script reads it) and `SameSite=Lax`.

CSRF: every browser also holds `hs_csrf`, a random nonce. Pages carry the token
`nonce.hmac(secret, nonce)` in a hidden form field (and a `<meta>` for our scripts, sent as
`X-CSRF-Token`). A POST is accepted only when the token is validly signed and its nonce is
the one in the browser's own cookie; a page on another site can neither read the cookie nor
forge the signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

SESSION_COOKIE = "hs_session"
CSRF_COOKIE = "hs_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Signer:
    secret: bytes

    def sign(self, value: str) -> str:
        mac = hmac.new(self.secret, value.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")

    def csrf_token(self, nonce: str) -> str:
        return f"{nonce}.{self.sign('csrf:' + nonce)}"

    def csrf_valid(self, token: str | None, cookie_nonce: str | None) -> bool:
        if not token or not cookie_nonce or "." not in token:
            return False
        nonce, mac = token.rsplit(".", 1)
        return hmac.compare_digest(nonce, cookie_nonce) and hmac.compare_digest(
            mac, self.sign("csrf:" + nonce)
        )


def new_nonce() -> str:
    return secrets.token_urlsafe(18)
