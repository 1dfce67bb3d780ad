"""The CLI's composition root for store-backed commands: settings → engine → unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from hindsight.services import UnitOfWork, open_store
from hindsight.services.policy import settings_policy
from hindsight.settings import Settings, load_settings


@dataclass(frozen=True)
class Session:
    settings: Settings
    uow: UnitOfWork


@contextmanager
def session(*, migrate: bool = True) -> Iterator[Session]:
    """Settings from the environment and a migrated store; the engine is closed afterwards."""
    settings = load_settings()
    engine = open_store(settings.database_url, migrate=migrate)
    try:
        yield Session(settings, UnitOfWork(engine, policy=settings_policy(settings)))
    finally:
        engine.dispose()
