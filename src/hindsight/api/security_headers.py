"""The headers every response carries, so a browser treats our pages as strictly as it can.

- Content-Security-Policy: our own scripts, styles and images only, plus whatever carries the
  request's nonce (`scope["state"]["csp_nonce"]`, which templates put on their one inline
  `<style>`); nothing may frame a page (`frame-ancestors 'none'`, and X-Frame-Options DENY
  for older browsers). The API docs (/docs) serve Swagger UI from the installed package and
  start it from our own file (`docs_page.py`): 'self' only, no CDN, no inline script.
- X-Content-Type-Options nosniff, Referrer-Policy same-origin (links out send no referrer).
- Cache-Control no-store on everything but /static/: every page and API answer may carry
  incident data that a shared cache or the back button must not keep after sign-out.
"""

from __future__ import annotations

import secrets

from starlette.types import Scope

NONCE_KEY = "csp_nonce"
DOCS_PATHS = ("/docs",)


def new_nonce(scope: Scope) -> str:
    """A fresh nonce for this request, kept where `request.state` finds it."""
    nonce = secrets.token_urlsafe(16)
    scope.setdefault("state", {})[NONCE_KEY] = nonce
    return nonce


def policy(path: str, nonce: str) -> str:
    if path in DOCS_PATHS or path.startswith("/docs/"):
        # Swagger UI sets element styles from script (allowed); its icons are data: URLs.
        return (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
    return (
        f"default-src 'none'; script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


def security_headers(path: str, nonce: str) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy", policy(path, nonce).encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]
    if not path.startswith("/static/"):
        headers.append((b"cache-control", b"no-store"))
    return headers


def add_security_headers(
    given: list[tuple[bytes, bytes]], path: str, nonce: str
) -> list[tuple[bytes, bytes]]:
    """`given` with ours added; a header the route set itself (a Cache-Control) wins."""
    present = {name.lower() for name, _ in given}
    return [*given, *(h for h in security_headers(path, nonce) if h[0] not in present)]
