"""In Debian's Chromium: the author sends the postmortem for review after the review meeting
saved its notes, the author's own attempt to publish is refused with the reason, a listed
reviewer approves and publishes, the "review changed nothing" warning shows, and the published
postmortem is read-only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from hindsight.core.incident import PostmortemState
from hindsight.samples import sample_postmortem
from hindsight.services.auth import create_token
from hindsight.services.incidents import create_incident
from hindsight.services.postmortems import get_postmortem, postmortem_history, start_postmortem
from hindsight.services.site import build_site
from tests.web.conftest import Live
from tests.web.test_browser import shot

pytestmark = pytest.mark.slow


def signed_in(browser: Browser, live: Live, token: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live.base}/signin")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
    return context, page


def test_a_reviewer_approves_and_publishes_and_the_warning_shows(
    chromium: Browser, live: Live
) -> None:
    slug = live.store.slug
    editor = f"{live.base}/incidents/{slug}/postmortem"
    reviewer_token, _ = create_token(
        live.store.uow(), name="Jonas Weber", role="editor", created_by="test"
    )
    a, author = signed_in(chromium, live, live.store.tokens["editor"])
    # The review meeting: the agenda from the document, a note per block, saved as a revision.
    author.goto(editor)
    author.get_by_role("link", name="Review meeting mode").click()
    expect(author.get_by_role("heading", name=re.compile(r"Timeline \(15 min\)"))).to_be_visible()
    expect(author.locator("section.agenda-block").first).to_contain_text("Users affected")
    author.get_by_label("Notes: Timeline").fill("Check 14:20 against the deploy log.")
    shot(author, "20-meeting-mode")
    author.get_by_role("button", name="Save notes as a revision").click()
    expect(author.get_by_role("status").first).to_contain_text("Saved version 2")

    author.get_by_role("button", name="Send for review").click()
    expect(author.locator("#workflow-state")).to_have_text("In review")
    expect(author.locator("#review-warning")).to_contain_text("the review changed nothing")
    author.get_by_role("button", name="Publish").click()
    refusal = author.locator(".refused")
    expect(refusal).to_contain_text("no approval yet by a listed reviewer who is not the author")
    shot(author, "21-publish-refused")

    b, reviewer = signed_in(chromium, live, reviewer_token)
    reviewer.goto(editor)
    expect(reviewer.get_by_label("Reviewer", exact=True)).to_have_value("Jonas Weber")
    reviewer.get_by_role("button", name="Approve").click()
    expect(reviewer.locator("#approved-by")).to_have_text("Jonas Weber")
    reviewer.get_by_role("button", name="Publish").click()
    expect(reviewer.locator("#workflow-state")).to_have_text("Published")
    warning = reviewer.locator(".workflow .warning[role=alert]")
    expect(warning).to_contain_text("Warning: the review changed nothing")
    expect(reviewer.locator("#read-only")).to_be_visible()
    expect(reviewer.locator("#markdown")).to_have_attribute("readonly", "")
    expect(reviewer.get_by_role("button", name="Save", exact=True)).to_be_disabled()
    shot(reviewer, "22-published-with-warning")

    stored = get_postmortem(live.store.uow(), slug)
    assert stored.state is PostmortemState.PUBLISHED and "**Status:** Published" in stored.markdown
    changes = [c for r in postmortem_history(live.store.uow(), slug) for c in r.changes]
    assert "status: Draft → In review" in changes and "status: In review → Published" in changes
    with live.store.uow() as uow:
        actions = [e.action for e in uow.audit.recent(limit=20)]
    assert "postmortem.approve" in actions and actions.count("postmortem.status") == 2
    a.close()
    b.close()


def test_the_static_site_searches_offline_under_its_policy(
    chromium: Browser, live: Live, tmp_path: Path
) -> None:
    uow = live.store.uow()
    for title in ("Checkout 500s", "Search latency"):
        made = create_incident(uow, title=title)
        shipped = sample_postmortem()
        heading = next(line for line in shipped.splitlines() if line.startswith("# Postmortem:"))
        text = shipped.replace(heading, f"# Postmortem: {title}", 1)
        start_postmortem(uow, made.id, author="priya", markdown=text)
    build_site(uow, tmp_path / "site")
    context = chromium.new_context(offline=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((tmp_path / "site" / "index.html").as_uri())
    items = page.locator("#list li")
    expect(items).to_have_count(2)
    page.get_by_label("Search").fill("latency")
    expect(page.locator("#list li:not(.hidden)")).to_have_count(1)
    expect(page.locator("#list li:not(.hidden)")).to_contain_text("Search latency")
    page.locator("#list li:not(.hidden) a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Search latency")
    assert errors == []  # the policy let the search script run, and nothing else was loaded
    context.close()
