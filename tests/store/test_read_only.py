"""A database that refuses writes (a read-only SQLite file, a read-only PostgreSQL role or
replica) is a clear `ConfigError`, not a driver's traceback: on both backends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hindsight.core.errors import ConfigError
from hindsight.services.incidents import create_incident, list_incidents
from hindsight.store.unit_of_work import UnitOfWork


def test_a_write_to_a_read_only_database_says_so(connection: sa.Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA query_only = ON")
    else:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    try:
        uow = UnitOfWork(connection)
        list_incidents(uow)  # reading still works
        with pytest.raises(ConfigError, match="the database is read-only") as caught:
            create_incident(uow, title="Needs a write")
        assert caught.value.where == "HINDSIGHT_DATABASE_URL" and caught.value.fix
    finally:
        if connection.dialect.name == "sqlite":  # the pooled connection is used again
            connection.exec_driver_sql("PRAGMA query_only = OFF")
