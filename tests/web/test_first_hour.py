"""The pages a newcomer sees first, in Debian's Chromium: the incident's title in its breadcrumb
and renameable, quiet row buttons, a suspected-cause card that stretches no other card, the
header fields as a definition list with links, and /docs working with no network and no CSP
violation. Screenshots land in artifacts/screenshots/ (first-hour-*.png)."""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Browser, Route, expect

from tests.web.conftest import SAMPLE_TITLE, Live
from tests.web.test_browser import session, shot

pytestmark = pytest.mark.slow


def test_incident_page_title_breadcrumb_rename_and_quiet_buttons(
    chromium: Browser, live: Live
) -> None:
    context, page = session(chromium, live, "editor")
    page.goto(f"{live.base}/incidents/{live.store.slug}")
    crumb = page.locator("nav.crumbs [aria-current=page]")
    expect(crumb).to_have_text(SAMPLE_TITLE)
    assert live.store.slug not in crumb.inner_text()
    # Slack rows name their people and channel (the live messages carry only ids).
    table = page.locator("table.events").inner_text()
    assert "Priya Raman in #inc-2026-03-14-checkout" in table
    assert not re.search(r"\b(U01PRIYA|U02TOMAS|C07INC0314)\b", table), table
    # The evidence table's row buttons are quiet: no solid accent fill.
    buttons = page.locator("table.events button")
    assert buttons.count() > 10
    fill = buttons.first.evaluate("b => getComputedStyle(b).backgroundColor")
    assert fill in ("rgba(0, 0, 0, 0)", "transparent"), fill
    # The suspected-cause card does not make the other milestone cards as tall as itself.
    cards = page.locator("ol.milestones > li")
    heights = [cards.nth(i).bounding_box()["height"] for i in range(cards.count())]  # type: ignore[index]
    assert max(heights[1:]) < 80, heights
    expect(page.locator("ol.milestones li.cause summary")).to_have_text("Why this one")
    shot(page, "first-hour-incident")
    # Rename it on the page: heading and breadcrumb follow.
    page.locator("details.rename summary").click()
    page.get_by_label("Title", exact=True).fill("checkout-api: pool exhausted after #482")
    page.get_by_role("button", name="Save title").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "checkout-api: pool exhausted after #482"
    )
    expect(crumb).to_have_text("checkout-api: pool exhausted after #482")
    context.close()


def test_header_fields_are_a_definition_list_with_links(chromium: Browser, live: Live) -> None:
    context, page = session(chromium, live, "editor")
    for name, path in (("editor", "/postmortem"), ("export", "/export.html")):
        page.goto(f"{live.base}/incidents/{live.store.slug}{path}")
        root = page.locator("#preview" if name == "editor" else "main")
        fields = root.locator("dl.header-fields")
        expect(fields).to_have_count(1)
        expect(fields.locator("dt").first).to_have_text("Status")
        labels = fields.locator("dt").all_inner_texts()
        assert {"Status", "Severity", "Slack link"} <= set(labels), labels
        link = fields.locator("a[href^='https://']").first
        expect(link).to_be_visible()
        # Rows do not run together: each label sits on its own line, below the one before.
        first, second = (fields.locator("dt").nth(i).bounding_box() for i in (0, 1))
        assert first is not None and second is not None
        assert second["y"] >= first["y"] + first["height"] - 1
        shot(page, f"first-hour-{name}")
    context.close()


def test_api_docs_render_offline_under_a_self_only_policy(chromium: Browser, live: Live) -> None:
    context = chromium.new_context(viewport={"width": 1366, "height": 800})
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    outside: list[str] = []

    def offline(route: Route) -> None:  # anything not our server fails, as with no network
        outside.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), offline)
    page = context.new_page()
    response = page.goto(f"{live.base}/docs")
    assert response is not None and response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "http" not in policy
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Hindsight", timeout=15_000)
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.evaluate("() => window.__csp") == []
    assert outside == []
    shot(page, "first-hour-docs")
    context.close()


def test_timeline_milestone_lines_are_labelled_without_overlap(
    chromium: Browser, live: Live
) -> None:
    context, page = session(chromium, live, "viewer")
    page.goto(f"{live.base}/incidents/{live.store.slug}")
    labels = page.locator("svg.chart text.milestone-label")
    expect(labels).to_have_count(4)
    texts = [labels.nth(i).text_content() or "" for i in range(4)]
    assert [t.split()[0] for t in texts] == ["detected", "acknowledged", "mitigated", "resolved"]
    boxes = [labels.nth(i).bounding_box() for i in range(4)]
    chart = page.locator("svg.chart").bounding_box()
    assert chart is not None and all(b is not None for b in boxes)
    for i, a in enumerate(boxes):
        assert a is not None
        # Inside the chart: not cut off on the right or at the bottom.
        assert a["x"] + a["width"] <= chart["x"] + chart["width"] + 0.5, texts[i]
        assert a["y"] + a["height"] <= chart["y"] + chart["height"] + 0.5, texts[i]
        for b in boxes[i + 1 :]:
            assert b is not None
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, (texts, boxes)
    shot(page, "first-hour-chart")
    context.close()


def test_draft_from_evidence_says_it_keeps_edited_text(chromium: Browser, live: Live) -> None:
    context, page = session(chromium, live, "editor")
    page.goto(f"{live.base}/incidents/{live.store.slug}/postmortem")
    button = page.get_by_role("button", name="Draft from evidence")
    expect(button).to_have_accessible_description(re.compile("nobody has edited"))
    context.close()


def test_form_rows_write_the_markdown_and_follow_it(chromium: Browser, live: Live) -> None:
    context, page = session(chromium, live, "editor")
    page.goto(f"{live.base}/incidents/{live.store.slug}/postmortem")
    area = page.locator("#markdown")
    expect(page.locator("nav.crumbs")).not_to_contain_text(live.store.slug)
    # A header field row rewrites its line in the Markdown; the checks follow.
    page.get_by_label("Author", exact=True).fill("Mei Lin")
    expect(area).to_have_value(re.compile(r"\*\*Author:\*\* Mei Lin\n"))
    # A new action-item row lands in the table.
    rows = page.locator("#action-rows tbody tr")
    before = rows.count()
    page.get_by_role("button", name="Add a row").click()
    expect(rows).to_have_count(before + 1)
    page.get_by_label(f"Owner, row {before + 1}", exact=True).fill("Ana Silva")
    page.get_by_label(f"Action, row {before + 1}", exact=True).fill("Alert when the pool saturates")
    page.get_by_label(f"Type, row {before + 1}", exact=True).fill("detect")
    expect(area).to_have_value(
        re.compile(r"\| Ana Silva +\| Alert when the pool saturates +\| detect +\|")
    )
    # Removing the row takes it out of the Markdown again.
    page.get_by_role("button", name=f"Remove row {before + 1}").click()
    expect(area).not_to_have_value(re.compile("Alert when the pool saturates"))
    # Typing in the Markdown redraws the rows.
    text = area.input_value().replace("**Author:** Mei Lin", "**Author:** Tomás Ortega")
    area.fill(text)
    expect(page.get_by_label("Author", exact=True)).to_have_value("Tomás Ortega")
    shot(page, "first-hour-editor-rows")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("p.notice")).to_contain_text("Saved version")
    saved = page.locator("#markdown").input_value()
    assert "**Author:** Tomás Ortega" in saved and "Alert when the pool saturates" not in saved
    context.close()


def test_roadmap_chart_labels_do_not_overlap_in_chromium(chromium: Browser) -> None:
    from hindsight.report.roadmap_html import _STYLE, _bars, _by_month

    months = ["2016-01", "2016-02", "2016-03", *(f"{y}-06" for y in range(2017, 2026))]
    title = "Detection gaps on checkout-api during deploys of the connection pool settings"
    page = chromium.new_page()
    page.set_content(  # with the roadmap page's own stylesheet (its 12 px labels)
        f"<!doctype html><style>{_STYLE}</style><body>"
        + _by_month(months, [5.0] * len(months), "Median minutes")
        + _bars([title, "Runbooks"], [3.5, 1.0], "Leverage")
        + "</body>"
    )
    boxes = page.locator("svg text.month").evaluate_all(
        "els => els.map(e => { const b = e.getBBox(); return [b.x, b.x + b.width]; })"
    )
    assert len(boxes) >= 8
    for (_, right), (left, _) in itertools.pairwise(boxes):
        assert right <= left, boxes  # drawn apart, not run together into one string
    # Bar labels are shown whole: inside their drawing, not cut at its edge.
    fits = page.locator("svg text.bar-label").evaluate_all(
        "els => els.map(e => e.getBBox().x + e.getBBox().width"
        " <= e.ownerSVGElement.viewBox.baseVal.width + 0.5)"
    )
    assert fits and all(fits), fits
    shot(page, "first-hour-roadmap-charts")
    page.close()
