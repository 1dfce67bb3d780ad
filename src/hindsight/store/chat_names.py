"""What a chat tool's ids are called: one row per (source, id), the latest name wins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from hindsight.store.tables import chat_names

# At most this many ids per lookup statement (SQLite's variable limit is 32,766).
_CHUNK = 500


def _upsert(dialect: str) -> object:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(chat_names)
    return statement.on_conflict_do_update(
        index_elements=["source", "ident"],
        set_={
            "name": statement.excluded.name,
            "kind": statement.excluded.kind,
            "updated_at": statement.excluded.updated_at,
        },
        where=chat_names.c.name != statement.excluded.name,
    )


_UPSERT = {dialect: _upsert(dialect) for dialect in ("postgresql", "sqlite")}


class ChatNameRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def learn(self, source: str, names: Mapping[str, tuple[str, str]], now: dt.datetime) -> int:
        """Keep each id's (kind, name) (a renamed channel, a changed profile: the newest
        wins); how many rows were new or changed."""
        if not names:
            return 0
        known = self.lookup(source, names)
        rows = [
            {"source": source, "ident": i, "kind": kind, "name": n, "updated_at": now}
            for i, (kind, n) in sorted(names.items())
            if known.get(i) != n
        ]
        if rows:
            self.connection.execute(_UPSERT[self.connection.dialect.name], rows)  # type: ignore[call-overload]
        return len(rows)

    def lookup(self, source: str, idents: Iterable[str]) -> dict[str, str]:
        """Id → name for the ids it knows."""
        wanted = sorted(set(idents))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self.connection.execute(
                select(chat_names.c.ident, chat_names.c.name).where(
                    chat_names.c.source == source, chat_names.c.ident.in_(chunk)
                )
            )
            found.update({ident: name for ident, name in rows})
        return found
