"""The service catalog: entries by name, and the lookup keys of their names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, bindparam, delete, insert, select

from hindsight.core.catalog import NameKey, ServiceEntry
from hindsight.store.tables import catalog_names, catalog_services

_KEYS = select(catalog_names).where(catalog_names.c.key.in_(bindparam("keys", expanding=True)))


class CatalogRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def entries(self) -> list[ServiceEntry]:
        rows = self.connection.execute(
            select(catalog_services.c.entry).order_by(catalog_services.c.name)
        ).scalars()
        return [ServiceEntry.from_dict(r) for r in rows]

    def replace(
        self, entries: Sequence[ServiceEntry], index: Iterable[NameKey], now: dt.datetime
    ) -> None:
        """The whole catalog becomes `entries` with `index` as its lookup keys."""
        self.connection.execute(delete(catalog_names))
        self.connection.execute(delete(catalog_services))
        if entries:
            self.connection.execute(
                insert(catalog_services),
                [
                    {"name": e.name, "origin": e.origin, "entry": e.to_dict(), "updated_at": now}
                    for e in entries
                ],
            )
        rows = [
            {"key": k.key, "service": k.service, "rank": k.rank, "field": k.field} for k in index
        ]
        if rows:
            self.connection.execute(insert(catalog_names), rows)

    def find_keys(self, keys: Sequence[str]) -> dict[str, NameKey]:
        """The index entries of those of `keys` the catalog knows."""
        if not keys:
            return {}
        found = self.connection.execute(_KEYS, {"keys": sorted(set(keys))}).mappings()
        return {r["key"]: NameKey(r["key"], r["service"], r["rank"], r["field"]) for r in found}
