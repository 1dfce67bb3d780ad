"""The Changes and Services pages: in-process (roles, filters, escaping) and in Debian's
Chromium (the nav, the joined incident's link, the unmatched services)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from hindsight.core.catalog import entries_from_table
from hindsight.core.changes import check_change
from hindsight.services.catalog import import_catalog
from hindsight.services.changes import record_change
from hindsight.services.incidents import create_incident
from tests.web.conftest import AXE, SCREENSHOTS, XSS_FLAG, Live, Store, sign_in

CATALOG = {
    "checkout-api": {
        "title": "Checkout API",
        "pagerduty": {"service_id": "PCHK001", "service_name": "Checkout API (prod)"},
        "github": {"repository": "acme/checkout"},
    }
}


def _fill(store: Store) -> str:
    """The catalog, an open checkout incident, and two changes (one to an unknown service,
    hostile); the open incident's slug."""
    opened = create_incident(store.uow(), title="Checkout slow", services=("checkout-api",))
    import_catalog(
        store.uow(),
        entries_from_table(CATALOG, origin="hindsight.toml"),
        ["hindsight.toml"],
        actor="t",
    )
    now = dt.datetime.now(dt.UTC)
    for ident, summary, services, link in (
        ("ci-1", "Deploy v42", ["Checkout API (prod)"], "https://ci.example.com/42"),
        (
            "ci-2",
            f'<img src=x onerror="window.{XSS_FLAG}=7"> rotate keys',
            ["ledger-db"],
            f"javascript:window.{XSS_FLAG}=8",
        ),
    ):
        change = check_change(
            source="api", summary=summary, services=services, at=now, external_id=ident, link=link
        )
        record_change(store.uow(), change, actor="t")
    return opened.slug


def test_the_pages_show_changes_incidents_and_unmatched_services(
    client: TestClient, store: Store
) -> None:
    slug = _fill(store)
    assert client.get("/changes", follow_redirects=False).status_code == 303  # sign in first
    sign_in(client, store.tokens["viewer"])
    page = client.get("/changes").text
    assert "2 changes" in page and "Deploy v42" in page
    assert f'href="/incidents/{slug}"' in page  # the open checkout-api incident it joined
    assert 'ledger-db <span class="unmatched"' in page
    assert "onerror" not in page.replace("&#34;", '"').split("<tbody>")[1].split("&lt;img")[0]
    assert "&lt;img src=x" in page and "javascript:" not in page
    only = client.get("/changes", params={"service": "PCHK001"}).text
    assert "1 change," in only and "ledger-db" not in only.split("<tbody>")[1].split("</tbody>")[0]
    services = client.get("/services").text
    assert "checkout-api" in services and "PCHK001" in services and "ledger-db" in services
    assert client.get("/changes", params={"page": "x" * 50}).status_code == 200


@pytest.mark.slow
def test_the_pages_in_chromium(chromium: Browser, live: Live) -> None:
    slug = _fill(live.store)
    # axe-core is injected as a script of the test's own: the pages' CSP would refuse it
    context = chromium.new_context(viewport={"width": 1366, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live.base}/changes")
    page.get_by_label("API token").fill(live.store.tokens["viewer"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Changes", exact=True)).to_be_visible()
    rows = page.locator("table.changes tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_role("link", name="Deploy v42")).to_have_attribute(
        "href", "https://ci.example.com/42"
    )
    expect(page.get_by_role("region", name="Services with no catalog entry")).to_contain_text(
        "ledger-db"
    )
    assert page.evaluate(f"window.{XSS_FLAG}") is None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "40-changes.png"), full_page=True)
    page.get_by_role("link", name=slug).click()
    expect(page).to_have_url(re.compile(rf"/incidents/{slug}$"))
    expect(page.get_by_text("Deploy to")).to_have_count(0)  # no environment: "Deploy: …"
    expect(page.get_by_role("cell", name="Deploy: Deploy v42")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Services").click()
    expect(page.get_by_role("heading", name="Services")).to_be_visible()
    expect(page.locator("table.services")).to_contain_text("Checkout API (prod)")
    expect(page.get_by_role("region", name="Unmatched names")).to_contain_text("ledger-db")
    page.screenshot(path=str(SCREENSHOTS / "41-services.png"), full_page=True)
    assert AXE.is_file(), f"{AXE} is missing: `make axe` installs axe-core from npm"
    for path in ("/changes", "/services"):
        page.goto(live.base + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        assert len(result["passes"]) > 10, path  # axe really looked at the page
        serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], (path, serious)
    context.close()
