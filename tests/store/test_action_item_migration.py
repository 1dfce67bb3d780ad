"""Migration 0006 on SQLite and PostgreSQL: existing action items become records (done →
`done`, anything else `open`, their times their postmortem's last save), and it goes back."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command

from hindsight.store.engine import create_engine
from hindsight.store.migrate import alembic_config, upgrade

SAVED = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


def test_done_flags_become_statuses_and_back(fresh_url: str) -> None:
    engine = create_engine(fresh_url)
    try:
        upgrade(engine, "0003")
        metadata = sa.MetaData()
        with engine.begin() as c:
            metadata.reflect(c, only=["incidents", "postmortems", "action_items"])
            incidents, postmortems, items = (
                metadata.tables[n] for n in ("incidents", "postmortems", "action_items")
            )
            saved = SAVED if engine.dialect.name == "postgresql" else SAVED.replace(tzinfo=None)
            c.execute(
                sa.insert(incidents),
                {
                    "id": 1,
                    "slug": "a",
                    "title": "A",
                    "status": "open",
                    "services": [],
                    "customer_visible": False,
                    "created_at": saved,
                    "updated_at": saved,
                },
            )
            c.execute(
                sa.insert(postmortems),
                {
                    "id": 1,
                    "incident_id": 1,
                    "version": 1,
                    "markdown": "",
                    "fields": {},
                    "created_at": saved,
                    "updated_at": saved,
                    "updated_by": "x",
                },
            )
            c.execute(
                sa.insert(items),
                [
                    {
                        "postmortem_id": 1,
                        "incident_id": 1,
                        "position": 1,
                        "action": "Done one",
                        "done": True,
                    },
                    {
                        "postmortem_id": 1,
                        "incident_id": 1,
                        "position": 2,
                        "action": "Open one",
                        "done": None,
                    },
                ],
            )
        upgrade(engine)
        with engine.connect() as c:
            rows = c.execute(
                sa.text(
                    "SELECT action, status, created_at, closed_at FROM action_items "
                    "ORDER BY position"
                )
            ).all()
        assert [(r[0], r[1]) for r in rows] == [("Done one", "done"), ("Open one", "open")]
        assert rows[0][2] is not None and rows[0][3] is not None and rows[1][3] is None
        with engine.begin() as c:
            config = alembic_config(c)
            command.downgrade(config, "0003")
        with engine.connect() as c:
            back = c.execute(
                sa.text("SELECT action, done FROM action_items ORDER BY position")
            ).all()
        assert [(r[0], bool(r[1]) if r[1] is not None else None) for r in back] == [
            ("Done one", True),
            ("Open one", None),
        ]
    finally:
        engine.dispose()
