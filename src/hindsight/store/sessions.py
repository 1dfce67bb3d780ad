"""Web sessions on one connection: start, find the live one with its token, end.

A session is live while it is neither revoked nor expired and its token is not revoked; the
check is one query, so a token revoked on any app server ends its sessions everywhere."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import Connection

from hindsight.store.records import ApiToken
from hindsight.store.tables import api_tokens, web_sessions
from hindsight.store.tokens import token_from_row


class SessionRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, *, digest: str, token_id: int, now: dt.datetime, expires_at: dt.datetime) -> None:
        self.connection.execute(
            web_sessions.insert().values(
                digest=digest, token_id=token_id, created_at=now, expires_at=expires_at
            )
        )

    def live_token(self, digest: str, now: dt.datetime) -> ApiToken | None:
        """The token behind a live session, or None (unknown, expired, signed out, revoked)."""
        row = self.connection.execute(
            sa.select(api_tokens)
            .join(web_sessions, web_sessions.c.token_id == api_tokens.c.id)
            .where(
                web_sessions.c.digest == digest,
                web_sessions.c.revoked_at.is_(None),
                web_sessions.c.expires_at > now,
                api_tokens.c.revoked_at.is_(None),
            )
        ).first()
        return token_from_row(row) if row is not None else None

    def revoke(self, digest: str, now: dt.datetime) -> bool:
        result = self.connection.execute(
            web_sessions.update()
            .where(web_sessions.c.digest == digest, web_sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return result.rowcount > 0

    def revoke_for_token(self, token_id: int, now: dt.datetime) -> int:
        result = self.connection.execute(
            web_sessions.update()
            .where(web_sessions.c.token_id == token_id, web_sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return int(result.rowcount)

    def purge(self, now: dt.datetime) -> int:
        """Forget sessions that ended (expired or revoked): they can never be live again."""
        result = self.connection.execute(
            web_sessions.delete().where(
                sa.or_(web_sessions.c.expires_at <= now, web_sessions.c.revoked_at.is_not(None))
            )
        )
        return int(result.rowcount)
