"""API tokens on one connection: add, find by digest, list, revoke."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import Connection, Row

from hindsight.store.records import ApiToken
from hindsight.store.tables import api_tokens


def token_from_row(row: Row[tuple[object, ...]] | sa.RowMapping) -> ApiToken:
    values = row._mapping if isinstance(row, Row) else row
    return ApiToken(
        id=int(values["id"]),
        name=str(values["name"]),
        role=str(values["role"]),
        created_at=values["created_at"],
        created_by=str(values["created_by"]),
        revoked_at=values["revoked_at"],
    )


class TokenRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(
        self, *, name: str, role: str, digest: str, created_by: str, now: dt.datetime
    ) -> ApiToken:
        result = self.connection.execute(
            api_tokens.insert().values(
                name=name, role=role, digest=digest, created_at=now, created_by=created_by
            )
        )
        new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        found = self.get(int(new_id)) if new_id is not None else None
        assert found is not None
        return found

    def get(self, token_id: int) -> ApiToken | None:
        row = self.connection.execute(
            sa.select(api_tokens).where(api_tokens.c.id == token_id)
        ).first()
        return token_from_row(row) if row is not None else None

    def by_digest(self, digest: str) -> ApiToken | None:
        row = self.connection.execute(
            sa.select(api_tokens).where(
                api_tokens.c.digest == digest, api_tokens.c.revoked_at.is_(None)
            )
        ).first()
        return token_from_row(row) if row is not None else None

    def all(self) -> list[ApiToken]:
        rows = self.connection.execute(sa.select(api_tokens).order_by(api_tokens.c.id))
        return [token_from_row(row) for row in rows]

    def revoke(self, token_id: int, now: dt.datetime) -> bool:
        result = self.connection.execute(
            api_tokens.update()
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return result.rowcount > 0
