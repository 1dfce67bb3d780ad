"""API tokens and roles: who may do what on the server.

    viewer  reads everything
    editor  also writes incidents, postmortems and drafts
    admin   also manages tokens

A token is shown once, at creation (`hs_` + 43 random URL-safe characters); the store keeps
only its SHA-256, so a leaked database leaks no usable token. Tokens are high-entropy, so an
exact lookup of the digest is safe: there is nothing to guess character by character.

A web sign-in starts a session: the browser gets a random id (`hss_` + 43 characters) that is
not a token (the API refuses it) and the store keeps its SHA-256, the token it came from and
its expiry. Signing out, the expiry, or revoking the token ends it, on every app server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from hindsight.core.errors import UserError
from hindsight.services.errors import NotFoundError
from hindsight.store.records import ApiToken
from hindsight.store.sessions import SessionRepository
from hindsight.store.tokens import TokenRepository
from hindsight.store.unit_of_work import UnitOfWork, utc_now

TOKEN_PREFIX = "hs_"
SESSION_PREFIX = "hss_"


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"viewer": 1, "editor": 2, "admin": 3}[self.value]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


ROLES = tuple(role.value for role in Role)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a token's name and role (or the local user when auth is off)."""

    name: str
    role: Role
    token_id: int | None = None

    def can(self, needed: Role) -> bool:
        return self.role.allows(needed)


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise UserError(f"unknown role {value!r}", fix=f"use one of {', '.join(ROLES)}") from None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    uow: UnitOfWork, *, name: str, role: str | Role, created_by: str
) -> tuple[str, ApiToken]:
    """A new token: (the token, shown this once; its stored record)."""
    checked = parse_role(role) if isinstance(role, str) else role
    name = " ".join(name.split())[:200]
    if not name:
        raise UserError("the token needs a name", fix="name who or what uses it, e.g. --name ci")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow:
        now = utc_now()
        record = TokenRepository(uow.connection).add(
            name=name,
            role=checked.value,
            digest=token_digest(token),
            created_by=created_by,
            now=now,
        )
        uow.audit.add(
            at=now,
            actor=created_by,
            action="token.create",
            incident_id=None,
            detail={"token_id": record.id, "name": name, "role": checked.value},
        )
        uow.commit()
    return token, record


def authenticate(uow: UnitOfWork, token: str) -> Principal | None:
    """The principal a presented token stands for, or None (unknown, malformed or revoked)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with uow:
        found = TokenRepository(uow.connection).by_digest(token_digest(token))
    if found is None:
        return None
    return Principal(found.name, Role(found.role), found.id)


def list_tokens(uow: UnitOfWork) -> list[ApiToken]:
    with uow:
        return TokenRepository(uow.connection).all()


def revoke_token(uow: UnitOfWork, token_id: int, *, actor: str) -> ApiToken:
    with uow:
        repo = TokenRepository(uow.connection)
        now = utc_now()
        if not repo.revoke(token_id, now) and repo.get(token_id) is None:
            raise NotFoundError(f"no token {token_id}", fix="list the tokens to find its id")
        SessionRepository(uow.connection).revoke_for_token(token_id, now)
        uow.audit.add(
            at=now,
            actor=actor,
            action="token.revoke",
            incident_id=None,
            detail={"token_id": token_id},
        )
        record = repo.get(token_id)
        assert record is not None
        uow.commit()
    return record


def start_session(uow: UnitOfWork, principal: Principal, *, lifetime_s: float) -> str:
    """A new web session for an authenticated token's principal: the id for the cookie."""
    if principal.token_id is None:
        raise ValueError("only a token's principal can start a session")
    session = SESSION_PREFIX + secrets.token_urlsafe(32)
    with uow:
        now = utc_now()
        sessions = SessionRepository(uow.connection)
        sessions.purge(now)  # keeps the table to the sessions that can still be used
        sessions.add(
            digest=token_digest(session),
            token_id=principal.token_id,
            now=now,
            expires_at=now + dt.timedelta(seconds=lifetime_s),
        )
        uow.commit()
    return session


def session_principal(
    uow: UnitOfWork, session: str, *, now: dt.datetime | None = None
) -> Principal | None:
    """Who a live session belongs to, or None (unknown, expired, signed out, token revoked)."""
    if not session.startswith(SESSION_PREFIX) or len(session) > 200:
        return None
    with uow:
        sessions = SessionRepository(uow.connection)
        found = sessions.live_token(token_digest(session), now or utc_now())
    if found is None:
        return None
    return Principal(found.name, Role(found.role), found.id)


def end_session(uow: UnitOfWork, session: str) -> None:
    """Sign-out: the session can never be used again."""
    if not session.startswith(SESSION_PREFIX) or len(session) > 200:
        return
    with uow:
        SessionRepository(uow.connection).revoke(token_digest(session), utc_now())
        uow.commit()
