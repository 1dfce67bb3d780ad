"""The schema use case: bring the store up to date (`hindsight db upgrade`)."""

from __future__ import annotations

from hindsight.store.migrate import upgrade_bind
from hindsight.store.unit_of_work import UnitOfWork


def schema_upgrade(uow: UnitOfWork) -> tuple[str | None, str | None]:
    """(revision before, revision after)."""
    return upgrade_bind(uow.bind)
