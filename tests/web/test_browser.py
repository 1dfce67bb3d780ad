"""In Debian's Chromium, driven by Playwright: the author's path through the UI, a conflict
from a second session, hostile evidence staying inert, the UI working under its Content
Security Policy with no violation, and axe-core's accessibility check.

Screenshots of every page land in artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect

from hindsight.services.postmortems import get_postmortem
from tests.web.conftest import AXE, SCREENSHOTS, XSS_FLAG, Live

pytestmark = pytest.mark.slow
SAMPLE_LINK = "Checkout API errors: connection pool exhausted"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# Every CSP violation a page reports lands in window.__csp (init scripts run before the page's
# own and are not subject to its policy).
RECORD_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def session(
    browser: Browser, live: Live, role: str, *, bypass_csp: bool = False
) -> tuple[BrowserContext, Page]:
    """A fresh browser profile, signed in through the sign-in form."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 800}, accept_downloads=True, bypass_csp=bypass_csp
    )
    context.add_init_script(RECORD_CSP)
    page = context.new_page()
    page.goto(f"{live.base}/incidents")
    expect(page).to_have_url(re.compile(r"/signin\?next="))
    shot(page, "00-signin")
    page.get_by_label("API token").fill(live.store.tokens[role])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
    return context, page


def type_at_end(page: Page, text: str, *, after: str | None = None) -> None:
    """Type `text` into the editor at its end, or right after the line `after`."""
    area = page.get_by_label(re.compile("Postmortem Markdown|Your version"))
    area.click()
    page.keyboard.press("Control+End")
    if after is not None:
        page.evaluate(
            "(marker) => { const a = document.getElementById('markdown');"
            " const at = a.value.indexOf(marker) + marker.length;"
            " a.setSelectionRange(at, at); }",
            after,
        )
    page.keyboard.type(text)


def test_author_path_conflict_history_and_export(chromium: Browser, live: Live) -> None:
    slug = live.store.slug
    a, page = session(chromium, live, "editor")
    shot(page, "01-incidents")
    page.get_by_role("link", name=SAMPLE_LINK).click()
    expect(page).to_have_url(f"{live.base}/incidents/{slug}")
    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    events = page.locator("table.events tbody tr")
    assert chart.locator("circle.ev").count() == events.count() > 30
    expect(chart.locator("rect.gap")).to_have_count(1)
    expect(chart.locator("text.gap-label")).to_contain_text("cause → detection gap")
    shot(page, "02-incident")

    page.get_by_role("link", name="Edit the postmortem").click()
    checks = page.locator("#checks")
    expect(checks).to_contain_text("No findings")
    shot(page, "03-editor-clean")
    type_at_end(
        page, "\n\nAlice broke checkout because she was careless.", after="## What went poorly"
    )
    expect(checks).to_contain_text("BL003", timeout=10_000)
    expect(page.locator("#preview")).to_contain_text("Alice broke checkout")
    shot(page, "04-editor-findings")
    finding = checks.locator("button.jump", has_text="BL003").first
    line = int(finding.get_attribute("data-line") or "0")
    finding.click()
    selected = page.evaluate(
        "() => { const a = document.getElementById('markdown');"
        " return a.value.slice(a.selectionStart, a.selectionEnd); }"
    )
    assert selected == page.evaluate(
        f"() => document.getElementById('markdown').value.split('\\n')[{line - 1}]"
    )
    assert "Alice broke checkout" in selected
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved version 2")

    # A second person opens version 2; the first saves version 3 meanwhile.
    b, other = session(chromium, live, "editor")
    other.goto(f"{live.base}/incidents/{slug}/postmortem")
    type_at_end(page, "Written by the first session.\n")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved version 3")
    type_at_end(other, "Written by the second session.\n")
    other.get_by_role("button", name="Save", exact=True).click()
    conflict = other.get_by_role("alert")
    expect(conflict).to_contain_text("Someone saved first")
    expect(other.locator("pre.theirs")).to_contain_text("Written by the first session.")
    expect(other.locator("#markdown")).to_have_value(re.compile("Written by the second session."))
    shot(other, "05-conflict")
    type_at_end(other, "Written by the first session.\n")
    other.get_by_role("button", name="Save merged version").click()
    expect(other.get_by_role("status")).to_contain_text("Saved version 4")
    merged = get_postmortem(live.store.uow(), slug).markdown
    assert "Written by the first session." in merged and "Written by the second session." in merged

    other.get_by_role("link", name="History").click()
    shot(other, "06-history")
    other.get_by_role("link", name="Diff of version 4").click()
    expect(other.locator("pre.diff span.add")).to_have_text(["+Written by the second session."])
    shot(other, "07-revision-diff")

    other.goto(f"{live.base}/incidents/{slug}/postmortem")
    with other.expect_download() as download:
        other.get_by_role("link", name="Markdown").first.click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert saved == merged
    assert download.value.suggested_filename == f"{slug}-postmortem.md"
    other.goto(f"{live.base}/incidents/{slug}/export.html")
    expect(other.get_by_role("heading", level=1)).to_be_visible()
    shot(other, "08-export-html")
    a.close()
    b.close()


def test_hostile_evidence_stays_inert(chromium: Browser, live: Live) -> None:
    context, page = session(chromium, live, "editor")
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    slug = live.store.slug
    page.goto(f"{live.base}/incidents/{slug}?source=slack")
    row = page.locator("table.events tbody tr", has_text="<script>").first
    expect(row).to_contain_text(f"<script>window.{XSS_FLAG}=1</script>")
    row.get_by_role("button", name="Add").click()  # promote it into the postmortem
    expect(page.locator("tr.promoted", has_text="<script>")).to_have_count(1)
    raw = page.locator("tr", has_text="svg onload").get_by_role("link", name="raw")
    visited = [f"/incidents/{slug}", f"/incidents/{slug}/postmortem"]
    visited += [f"/incidents/{slug}/export.html", f"/incidents/{slug}/postmortem/history/2"]
    raw_href = raw.get_attribute("href")
    assert raw_href is not None
    visited.append(raw_href)
    for n, path in enumerate(visited):
        page.goto(live.base + path)
        shot(page, f"10-hostile-{n}")
        page.mouse.move(5, 5)
        page.wait_for_timeout(100)
        assert page.evaluate(f"() => window.{XSS_FLAG} === undefined"), path
        links = page.evaluate(
            "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
            ".filter(h => !/^https?:/.test(h))"
        )
        assert links == [], path
    editor_text = page.content()
    assert "window." in editor_text  # the hostile text is shown, as text
    page.goto(f"{live.base}/incidents/{slug}/postmortem")
    expect(page.locator("#preview")).to_contain_text(f"<script>window.{XSS_FLAG}=1</script>")
    type_at_end(page, f'\n<img src=x onerror="window.{XSS_FLAG}=9">\n')
    expect(page.locator("#preview")).to_contain_text("<img src=x", timeout=10_000)
    page.wait_for_timeout(300)
    assert page.evaluate(f"() => window.{XSS_FLAG} === undefined")
    assert dialogs == []
    shot(page, "09-hostile-evidence-editor")
    context.close()


PAGES = (
    ("incidents", "/incidents"),
    ("incident", "/incidents/{slug}"),
    ("editor", "/incidents/{slug}/postmortem"),
    ("history", "/incidents/{slug}/postmortem/history"),
    ("revision", "/incidents/{slug}/postmortem/history/1"),
    ("export-html", "/incidents/{slug}/export.html"),
    ("meeting", "/incidents/{slug}/postmortem/meeting"),
    ("agenda-html", "/incidents/{slug}/postmortem/agenda.html"),
    ("insights", "/insights"),
)


def test_the_ui_works_under_its_content_security_policy(chromium: Browser, live: Live) -> None:
    anonymous = chromium.new_context()
    anonymous.add_init_script(RECORD_CSP)
    signin = anonymous.new_page()
    signin.goto(f"{live.base}/signin")
    expect(signin.get_by_label("API token")).to_be_visible()
    assert signin.evaluate("() => window.__csp") == []
    anonymous.close()
    context, page = session(chromium, live, "editor")
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    for name, path in PAGES:
        response = page.goto(live.base + path.format(slug=live.store.slug))
        assert response is not None
        policy = response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy, name
        # Styled: our stylesheet (or the export's nonce'd inline style) was applied.
        width = page.evaluate("() => getComputedStyle(document.body).maxWidth")
        margin = page.evaluate("() => getComputedStyle(document.body).marginTop")
        assert (width, margin) != ("none", "8px"), f"{name} is unstyled under the CSP"
        assert page.evaluate("() => window.__csp") == [], name
    # The editor's script runs: the live preview and checks follow typing.
    page.goto(f"{live.base}/incidents/{live.store.slug}/postmortem")
    type_at_end(page, "\nUnder the policy the preview still follows.\n")
    expect(page.locator("#preview")).to_contain_text("Under the policy the preview still follows")
    assert page.evaluate("() => window.__csp") == []
    assert not [m for m in console if "Content Security Policy" in m], console
    context.close()


def test_pages_cannot_be_framed(chromium: Browser, live: Live) -> None:
    context, page = session(chromium, live, "viewer")
    page.set_content(f'<iframe id="f" src="{live.base}/incidents"></iframe>')
    page.wait_for_timeout(1000)
    frame = page.frame_locator("#f")
    expect(frame.get_by_role("heading", name="Incidents")).to_have_count(0)
    context.close()


def test_no_serious_accessibility_violations(chromium: Browser, live: Live) -> None:
    assert AXE.is_file(), f"{AXE} is missing: `make axe` installs axe-core from npm"
    # axe is injected as an inline script, which our own policy rightly refuses.
    context, page = session(chromium, live, "editor", bypass_csp=True)
    found: dict[str, list[Any]] = {}
    for name, path in PAGES:
        page.goto(live.base + path.format(slug=live.store.slug))
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        assert len(result["passes"]) > 10, name  # axe really looked at the page
        serious = [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[name] = serious
    page.goto(f"{live.base}/signin")  # signed in: the sign-in page is still a page
    assert found == {}
    context.close()


def test_keyboard_reaches_the_editor_and_its_checks(chromium: Browser, live: Live) -> None:
    context, page = session(chromium, live, "editor")
    page.goto(f"{live.base}/incidents/{live.store.slug}/postmortem")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    focused: list[str] = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate("() => document.activeElement.id || document.activeElement.tagName")
        )
    assert "markdown" in focused and "save" in focused
    context.close()
