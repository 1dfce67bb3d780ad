"""The Follow-ups page: over HTTP (filters, roles, CSRF, bad input) and in Chromium (filter
overdue, mark one not doing with a reason)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from hindsight.services.action_items import ItemFilter, list_action_items, set_status
from hindsight.services.incidents import create_incident
from tests.web.conftest import Live, Store, csrf_of, sign_in
from tests.web.test_browser import session, shot

ROW = re.compile(r'<tr id="item-(\d+)" data-status="(\w+)"')


def rows(html: str) -> list[tuple[int, str]]:
    return [(int(a), b) for a, b in ROW.findall(html)]


def test_filters_and_sorting(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["viewer"])
    everything = client.get("/follow-ups")
    assert everything.status_code == 200
    assert len(rows(everything.text)) == 5 and "Priya Raman" in everything.text
    assert "Mark done" not in everything.text  # a viewer sees no buttons
    # Sample items are due in spring 2026: soonest first, and "desc" turns it around.
    ascending = rows(everything.text)
    assert rows(client.get("/follow-ups?desc=1").text) == ascending[::-1]
    assert len(rows(client.get("/follow-ups?type=process").text)) == 2
    assert len(rows(client.get("/follow-ups?owner=mei+lin").text)) == 1
    assert len(rows(client.get("/follow-ups?team=checkout-api").text)) == 5
    assert rows(client.get("/follow-ups?team=search").text) == []
    (first, _), *_ = ascending
    set_status(store.uow(), first, "done", actor="test")
    assert [s for _, s in rows(client.get("/follow-ups?status=done").text)] == ["done"]
    assert first not in [i for i, _ in rows(client.get("/follow-ups?overdue=1").text)]
    # Unknown filter values are ignored, not errors.
    assert len(rows(client.get("/follow-ups?status=bogus&type=nope").text)) == 5


def test_marking_needs_an_editor_csrf_and_a_reason(client: TestClient, store: Store) -> None:
    (item, *_) = list_action_items(store.uow(), ItemFilter())
    sign_in(client, store.tokens["viewer"])
    csrf = csrf_of(client.get("/follow-ups").text)
    denied = client.post(f"/follow-ups/{item.id}/status", data={"status": "done", "csrf": csrf})
    assert denied.status_code == 403
    sign_in(client, store.tokens["editor"])
    page = client.get("/follow-ups")
    csrf = csrf_of(page.text)
    forged = client.post(f"/follow-ups/{item.id}/status", data={"status": "done", "csrf": "x"})
    assert forged.status_code == 403
    no_reason = client.post(
        f"/follow-ups/{item.id}/status", data={"status": "not_doing", "csrf": csrf}
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.text
    missing = client.post("/follow-ups/999999/status", data={"status": "done", "csrf": csrf})
    assert missing.status_code == 404
    done = client.post(
        f"/follow-ups/{item.id}/status",
        data={"status": "done", "csrf": csrf, "back": "overdue=1"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/follow-ups?overdue=1")
    assert [i.id for i in list_action_items(store.uow(), ItemFilter()) if i.status == "done"] == [
        item.id
    ]


def test_a_new_incident_page_lists_the_earlier_open_follow_ups(
    client: TestClient, store: Store
) -> None:
    later = create_incident(store.uow(), title="Pool exhausted again", services=("checkout-api",))
    (first, *_) = list_action_items(store.uow(), ItemFilter())
    set_status(store.uow(), first.id, "done", actor="test")
    sign_in(client, store.tokens["viewer"])
    page = client.get(f"/incidents/{later.slug}").text
    assert "Still open from earlier incidents (4)" in page
    assert first.action not in page.split('id="earlier-follow-ups"')[1].split("</section>")[0]
    assert "Still open from earlier incidents" not in client.get(f"/incidents/{store.slug}").text


@pytest.mark.slow
def test_in_chromium_filter_overdue_and_mark_one_not_doing(chromium: Browser, live: Live) -> None:
    items = list_action_items(live.store.uow(), ItemFilter())
    set_status(live.store.uow(), items[-1].id, "done", actor="test")  # done: never overdue
    context, page = session(chromium, live, "editor")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Follow-ups").click()
    expect(page.get_by_role("heading", name="Follow-ups")).to_be_visible()
    expect(page.locator("#count")).to_have_text("5 follow-ups")
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"overdue=1"))
    expect(page.locator("#count")).to_have_text("4 follow-ups")  # the done one is not late
    shot(page, "40-follow-ups-overdue")
    target = items[0]
    row = page.locator(f"#item-{target.id}")
    row.get_by_text("Not doing…").click()
    row.get_by_label("Why not").fill("superseded by the pool autoscaler")
    row.get_by_role("button", name="Mark not doing").click()
    expect(page).to_have_url(re.compile(r"overdue=1"))
    expect(page.locator("#count")).to_have_text("3 follow-ups")
    page.get_by_label("Status").select_option("not_doing")
    page.get_by_label("Overdue only").uncheck()
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(f"#item-{target.id} .status")).to_contain_text(
        "not doing: superseded by the pool autoscaler"
    )
    shot(page, "41-follow-ups-not-doing")
    (stored,) = [i for i in list_action_items(live.store.uow(), ItemFilter()) if i.id == target.id]
    assert (stored.status, stored.status_reason) == (
        "not_doing",
        "superseded by the pool autoscaler",
    )
    context.close()
