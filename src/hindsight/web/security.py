"""Browser sessions and CSRF protection.

A signed-in browser holds one cookie, `hs_session`: the API token it signed in with and a
random nonce, signed with the server's session secret (HMAC-SHA256). It is `HttpOnly` (no
script reads it) and `SameSite=Lax`; the token is verified again on every request, so a
revoked token ends its sessions at once.

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
import json
import secrets
from dataclasses import dataclass

SESSION_COOKIE = "hs_session"
CSRF_COOKIE = "hs_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SESSION_MAX_AGE_S = 12 * 60 * 60


@dataclass(frozen=True)
class Signer:
    secret: bytes

    def sign(self, value: str) -> str:
        mac = hmac.new(self.secret, value.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")

    def seal(self, data: dict[str, str]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode()
        body = body.rstrip("=")
        return f"{body}.{self.sign(body)}"

    def open(self, sealed: str | None) -> dict[str, str] | None:
        if not sealed or "." not in sealed or len(sealed) > 4096:
            return None
        body, mac = sealed.rsplit(".", 1)
        if not hmac.compare_digest(mac, self.sign(body)):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            return None
        return {str(k): str(v) for k, v in data.items()}

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


def session_value(signer: Signer, token: str) -> str:
    return signer.seal({"t": token, "n": new_nonce()})


def session_token(signer: Signer, cookie: str | None) -> str | None:
    data = signer.open(cookie)
    return data.get("t") if data else None
