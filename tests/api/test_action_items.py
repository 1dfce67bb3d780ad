"""/api/v1/action-items on SQLite and PostgreSQL: filters, PATCH for status, roles, errors."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.api.server import assert_problem

ROWS = """| Owner | Action | Type | Due | Tracking |
| ----- | ------ | ---- | --- | -------- |
| priya | Add a CI test for pool limits | prevent | 2026-04-01 | |
| jonas | Alert on pool saturation | detect | 2026-03-01 | |
| <name> | <…> | … | … | … |
"""
MD = {"content-type": "text/markdown"}


def incident_with_items(client: TestClient, editor: dict[str, str]) -> str:
    made = client.post(
        "/api/v1/incidents",
        json={"title": f"Pool exhausted {uuid.uuid4().hex[:8]}", "services": ["db"]},
        headers=editor,
    )
    slug = str(made.json()["slug"])
    url = f"/api/v1/incidents/{slug}/postmortem"
    client.post(url, headers=editor)
    text = client.get(url, headers={**editor, "accept": "text/markdown"}).text
    head, _, tail = text.partition("## Action items")
    text = f"{head}## Action items\n\n{ROWS}\n## {tail.split(chr(10) + '## ', 1)[1]}"
    saved = client.put(url, content=text, headers={**editor, **MD, "If-Match": '"1"'})
    assert saved.status_code == 200, saved.text
    return slug


def test_list_filter_and_patch(
    client: TestClient, viewer: dict[str, str], editor: dict[str, str]
) -> None:
    slug = incident_with_items(client, editor)
    items = client.get("/api/v1/action-items", params={"incident": slug}, headers=viewer).json()
    assert [i["owner"] for i in items] == ["jonas", "priya"]  # soonest due first
    assert all(i["status"] == "open" and i["incident"] == slug for i in items)
    late = client.get(
        "/api/v1/action-items",
        params={"incident": slug, "overdue": "true", "today": "2026-03-15"},
        headers=viewer,
    ).json()
    assert [i["owner"] for i in late] == ["jonas"]
    jonas = late[0]["id"]
    url = f"/api/v1/action-items/{jonas}"
    assert_problem(client.patch(url, json={"status": "done"}, headers=viewer), 403, "editor")
    assert_problem(client.patch(url, json={"status": "not_doing"}, headers=editor), 422, "reason")
    assert_problem(client.patch(url, json={"status": "closed"}, headers=editor), 422)
    moved = client.patch(
        url, json={"status": "not_doing", "reason": "pool autoscales"}, headers=editor
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["status"], moved.json()["reason"]) == ("not_doing", "pool autoscales")
    by_status = client.get(
        "/api/v1/action-items", params={"incident": slug, "status": "not_doing"}, headers=viewer
    ).json()
    assert [i["id"] for i in by_status] == [jonas]
    by_owner = client.get(
        "/api/v1/action-items", params={"incident": slug, "owner": "Priya"}, headers=viewer
    ).json()
    assert [i["owner"] for i in by_owner] == ["priya"]
    by_service = client.get(
        "/api/v1/action-items", params={"incident": slug, "service": "web"}, headers=viewer
    ).json()
    assert by_service == []
    assert_problem(
        client.patch("/api/v1/action-items/999999", json={"status": "done"}, headers=editor),
        404,
        "999999",
    )
    assert_problem(
        client.get("/api/v1/action-items", params={"today": "14/03"}, headers=viewer), 422
    )
