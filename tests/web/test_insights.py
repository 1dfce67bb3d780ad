"""The Insights page: the store's analysis for managers, every incident linked, charts inline."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from tests.web.conftest import Live, Store, sign_in
from tests.web.test_browser import session, shot


def test_insights_show_mttx_completion_factors_and_roadmap(
    client: TestClient, store: Store
) -> None:
    assert client.get("/insights", follow_redirects=False).status_code in (302, 303, 401)
    sign_in(client, store.tokens["viewer"])
    page = client.get("/insights")
    assert page.status_code == 200
    html = page.text
    for heading in (
        "Time to detect and acknowledge",
        "Postmortems",
        "Follow-ups",
        "Recurring factors",
        "Roadmap, ranked by leverage",
    ):
        assert f">{heading}</h2>" in html, heading
    assert "<svg" in html and "<script" not in html.split("</main>")[0].split("<main")[1]
    # Each incident named links to its page, by its title.
    assert "Median minutes from cause to detection, by service" in html
    assert '<a href="/incidents?service=checkout-api">checkout-api</a>' in html
    assert f'href="/incidents/{store.slug}"' in html  # named by the roadmap or a list
    assert '<a href="/insights">Insights</a>' in html  # in the main navigation


def test_insights_links_lead_to_incidents(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["viewer"])
    html = client.get("/insights").text
    for slug in set(re.findall(r'href="/incidents/([^"?#/]+)"', html)):
        assert client.get(f"/incidents/{slug}").status_code == 200, slug


@pytest.mark.slow
def test_insights_in_the_browser_under_the_csp(chromium: Browser, live: Live) -> None:
    context, page = session(chromium, live, "viewer")
    page.goto(f"{live.base}/insights")
    expect(page.get_by_role("heading", name="Insights", level=1)).to_be_visible()
    expect(page.locator("svg.insight-chart").first).to_be_visible()
    assert page.evaluate("() => window.__csp") == []
    shot(page, "first-hour-insights")
    context.close()
