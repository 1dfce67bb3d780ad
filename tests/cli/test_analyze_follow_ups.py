"""`hindsight analyze` over the store reports follow-up completion: a generated store whose
answers are known (items written on one day, closed on chosen days)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from hindsight.services import UnitOfWork, open_store
from hindsight.services.action_items import ItemFilter, list_action_items, set_status
from hindsight.services.incidents import create_incident
from hindsight.services.postmortems import start_postmortem
from hindsight.store.tables import action_items
from tests.cli.followups import run
from tests.services.test_action_items import save

WRITTEN = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
DB_ROWS = """| Owner | Action | Type | Due | Tracking |
| ----- | ------ | ---- | --- | -------- |
| ana | Cap the pool | prevent | 2026-02-01 | |
| bo | Alert on pool waits | detect | 2026-02-01 | |
| cy | Shed load at the edge | mitigate | 2026-02-01 | |
| di | Review pool sizes quarterly | process | 2026-02-01 | |
"""
WEB_ROWS = """| Owner | Action | Type | Due | Tracking |
| ----- | ------ | ---- | --- | -------- |
| eve | Pin the CDN config | prevent | 2026-02-01 | |
| fay | Lint the CDN config | prevent | 2026-03-01 | |
"""
# item → (status, closed on)
OUTCOME = {
    "Cap the pool": ("done", dt.date(2026, 1, 20)),  # 19 days
    "Alert on pool waits": ("done", dt.date(2026, 2, 20)),  # 50 days
    "Shed load at the edge": ("done", dt.date(2026, 3, 25)),  # 83 days
    "Review pool sizes quarterly": ("not_doing", dt.date(2026, 2, 1)),
    "Pin the CDN config": ("done", dt.date(2026, 5, 1)),  # 120 days
    "Lint the CDN config": ("open", None),  # due 2026-03-01: 92 days late on 2026-06-01
}


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'hindsight.db'}"
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", url)
    engine = open_store(url)
    uow = UnitOfWork(engine)
    for title, service, rows in (
        ("Pool exhausted", "db", DB_ROWS),
        ("CDN misroute", "web", WEB_ROWS),
    ):
        incident = create_incident(uow, title=title, services=(service,))
        start_postmortem(uow, incident.slug, author="gen")
        save(uow, incident.slug, rows)
    for item in list_action_items(uow, ItemFilter()):
        status, closed = OUTCOME[item.action]
        if status != "open":
            set_status(
                uow,
                item.id,
                status,
                reason="dropped" if status == "not_doing" else None,
                actor="gen",
            )
        with engine.begin() as connection:  # the generated history: when each was written/closed
            connection.execute(
                sa.update(action_items)
                .where(action_items.c.id == item.id)
                .values(
                    created_at=WRITTEN,
                    closed_at=dt.datetime.combine(closed, dt.time(12), dt.UTC) if closed else None,
                )
            )
    engine.dispose()
    return url


def test_completion_figures(store: str) -> None:
    data = json.loads(run("analyze", "--today", "2026-06-01", "--format", "json"))
    follow = data["follow_ups"]
    overall = follow["overall"]
    assert (overall["total"], overall["done"], overall["not_doing"], overall["open"]) == (
        6,
        4,
        1,
        1,
    )
    assert {k: (v["done"], v["eligible"]) for k, v in overall["done_within"].items()} == {
        "30": (1, 6),
        "60": (2, 6),
        "90": (3, 6),
    }
    teams = {g["name"]: g for g in follow["by_team"]}
    assert teams["web"]["done_within"]["90"]["done"] == 0 and teams["web"]["done"] == 1
    types = {g["name"]: (g["total"], g["done"]) for g in follow["by_type"]}
    assert types == {"detect": (1, 1), "mitigate": (1, 1), "prevent": (3, 2), "process": (1, 0)}
    assert len(follow["only_prevent"]) == 1 and follow["only_prevent"][0].endswith("cdn-misroute")
    assert [x["days_late"] for x in follow["open_past_due"]] == [92]
    # The records' status now feeds the existing figures: 4 done of 5 with a status
    # (not_doing is neither done nor open).
    assert data["actions"]["completion_rate"] == pytest.approx(0.8)
    text = run("analyze", "--today", "2026-06-01")
    assert "## Follow-up completion" in text
    assert "- Done within 30 d 17% (1/6), 60 d 33% (2/6), 90 d 50% (3/6)" in text
    assert "- Open past their due date: 1" in text and "92 days late: Lint the CDN config" in text
