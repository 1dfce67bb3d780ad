"""API tokens and roles: who may do what on the server.

    viewer  reads everything
    editor  also writes incidents, postmortems and drafts
    admin   also manages tokens

A token is shown once, at creation (`hs_` + 43 random URL-safe characters); the store keeps
only its SHA-256, so a leaked database leaks no usable token. Tokens are high-entropy, so an
exact lookup of the digest is safe: there is nothing to guess character by character.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from hindsight.core.errors import UserError
from hindsight.services.errors import NotFoundError
from hindsight.store.records import ApiToken
from hindsight.store.tokens import TokenRepository
from hindsight.store.unit_of_work import UnitOfWork, utc_now

TOKEN_PREFIX = "hs_"


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
