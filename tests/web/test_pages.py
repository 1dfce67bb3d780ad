"""The pages over HTTP (in-process): every page of the sample answers, sign-in, roles, CSRF,
optimistic concurrency, live checks, filters, exports, hostile evidence escaped."""

from __future__ import annotations

import html
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from hindsight.samples import sample_evidence
from hindsight.services.incidents import create_incident
from hindsight.services.ingest import ingest
from hindsight.services.postmortems import get_postmortem
from tests.web.conftest import XSS_FLAG, AppFactory, Store, csrf_of, sign_in

HREF = re.compile(r'href="([^"]+)"')


def crawl(client: TestClient, start: str = "/incidents", limit: int = 400) -> dict[str, int]:
    """Every page reachable by links from `start` on this server: path → status."""
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        for href in HREF.findall(response.text):
            target = urljoin("http://127.0.0.1" + path, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc == "127.0.0.1" and not parts.path.startswith("/static/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_no_page_of_the_sample_fails(client: TestClient, store: Store, role: str) -> None:
    sign_in(client, store.tokens[role])
    statuses = crawl(client)
    assert f"/incidents/{store.slug}" in statuses
    assert f"/incidents/{store.slug}/postmortem/history/1" in statuses
    assert any(p.startswith(f"/incidents/{store.slug}/payloads/") for p in statuses)
    failed = {path: status for path, status in statuses.items() if status != 200}
    assert failed == {}


def test_pages_need_a_session_and_sessions_are_httponly(client: TestClient, store: Store) -> None:
    response = client.get(f"/incidents/{store.slug}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=/incidents/")
    page = client.get("/signin")
    bad = client.post("/signin", data={"token": "hs_nope", "csrf": csrf_of(page.text)})
    assert bad.status_code == 401 and "unknown or revoked" in bad.text
    signed = client.post(
        "/signin",
        data={"token": store.tokens["viewer"], "csrf": csrf_of(page.text), "next": "//evil.test/"},
        follow_redirects=False,
    )
    assert signed.headers["location"] == "/incidents"  # never an open redirect
    cookie = signed.headers["set-cookie"].lower()
    assert "hs_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/incidents").status_code == 200


def test_repeated_failed_sign_ins_are_slowed_down(make_app: AppFactory, store: Store) -> None:
    with TestClient(make_app(), base_url="http://127.0.0.1") as client:
        csrf = csrf_of(client.get("/signin").text)
        statuses = [
            client.post("/signin", data={"token": f"hs_wrong{n}", "csrf": csrf}).status_code
            for n in range(21)
        ]
        assert statuses == [401] * 20 + [429]
        good = client.post(
            "/signin", data={"token": store.tokens["admin"], "csrf": csrf}, follow_redirects=False
        )
        assert good.status_code == 303  # a right token is never refused
        assert client.get("/incidents").status_code == 200
        again = client.post("/signin", data={"token": "hs_wrong", "csrf": csrf})
        assert again.status_code == 429  # but the wrong ones still wait out the window


def test_sign_in_without_the_csrf_token_is_refused(client: TestClient, store: Store) -> None:
    client.get("/signin")
    response = client.post("/signin", data={"token": store.tokens["admin"]})
    assert response.status_code == 403
    assert client.get("/incidents", follow_redirects=False).status_code == 303


def test_viewers_see_no_edit_controls_and_cannot_post(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["viewer"])
    editor = client.get(f"/incidents/{store.slug}/postmortem")
    assert "<textarea" not in editor.text and "Draft from evidence" not in editor.text
    incident = client.get(f"/incidents/{store.slug}")
    assert "Add a manual event" not in incident.text and "/timeline/promote" not in incident.text
    csrf = csrf_of(incident.text)  # the sign-out form's token: valid, but the role is not
    response = client.post(
        f"/incidents/{store.slug}/postmortem",
        data={"markdown": "# Postmortem: gone", "version": "1", "csrf": csrf},
    )
    assert response.status_code == 403
    assert get_postmortem(store.uow(), store.slug).version == 1


def test_every_post_needs_this_browsers_csrf_token(make_app: AppFactory, store: Store) -> None:
    with (
        TestClient(make_app(), base_url="http://127.0.0.1") as mine,
        TestClient(make_app(), base_url="http://127.0.0.1") as other,
    ):
        sign_in(mine, store.tokens["editor"])
        sign_in(other, store.tokens["editor"])
        theirs = csrf_of(other.get(f"/incidents/{store.slug}/postmortem").text)
        path = f"/incidents/{store.slug}/postmortem"
        text = get_postmortem(store.uow(), store.slug).markdown + "\nMore.\n"
        for token in ("", theirs, "forged.token"):
            response = mine.post(path, data={"markdown": text, "version": "1", "csrf": token})
            assert response.status_code == 403, token
        live = mine.post(f"{path}/check", json={"markdown": text})
        assert live.status_code == 403
        assert get_postmortem(store.uow(), store.slug).version == 1


def test_conflicting_save_shows_both_versions_then_merges(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["editor"])
    path = f"/incidents/{store.slug}/postmortem"
    csrf = csrf_of(client.get(path).text)
    base = get_postmortem(store.uow(), store.slug).markdown
    first = base.replace("## Summary\n", "## Summary\n\nFIRST EDIT sentence.\n", 1)
    second = base.replace("## Summary\n", "## Summary\n\nSECOND EDIT sentence.\n", 1)
    ok = client.post(
        path, data={"markdown": first, "version": "1", "csrf": csrf}, follow_redirects=False
    )
    assert ok.status_code == 303 and ok.headers["location"].endswith("?saved=2")
    clash = client.post(
        path, data={"markdown": second.replace("\n", "\r\n"), "version": "1", "csrf": csrf}
    )
    assert clash.status_code == 409
    assert "Someone saved first" in clash.text
    assert "FIRST EDIT" in clash.text and "SECOND EDIT" in clash.text  # both versions shown
    assert 'name="version" value="2"' in clash.text  # the retry is based on their version
    merged = first.replace("FIRST EDIT sentence.", "FIRST EDIT sentence. SECOND EDIT sentence.")
    done = client.post(path, data={"markdown": merged, "version": "2", "csrf": csrf})
    assert done.status_code == 200
    saved = get_postmortem(store.uow(), store.slug)
    assert saved.version == 3 and saved.markdown == merged and "\r" not in saved.markdown


def test_live_checks_follow_the_text(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["viewer"])
    page = client.get(f"/incidents/{store.slug}/postmortem")
    headers = {"X-CSRF-Token": csrf_of(page.text)}
    base = get_postmortem(store.uow(), store.slug).markdown
    path = f"/incidents/{store.slug}/postmortem/check"
    clean = client.post(path, json={"markdown": base}, headers=headers).json()
    assert clean["checks"]["total"] == 0
    blamed = base.replace("## Summary\n", "## Summary\n\nAlice broke checkout.\n", 1)
    found = client.post(path, json={"markdown": blamed}, headers=headers).json()
    summary = next(g for g in found["checks"]["groups"] if g["section"] == "Summary")
    codes = {f["code"] for f in summary["findings"]}
    assert "BL003" in codes
    finding = next(f for f in summary["findings"] if f["code"] == "BL003")
    assert finding["line"] == blamed.splitlines().index("Alice broke checkout.") + 1
    assert finding["why"] and finding["suggestion"]
    assert "<p>Alice broke checkout.</p>" in found["preview"]


def test_hostile_evidence_is_escaped_everywhere(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["admin"])
    statuses = crawl(client)
    for path in statuses:
        response = client.get(path)
        if not response.headers["content-type"].startswith("text/html"):
            continue  # Markdown and JSON downloads are data, not pages
        html = response.text
        assert "<script>window." not in html, path
        assert 'onerror="window' not in html and "<svg onload" not in html, path
        assert not re.search(r'href="\s*javascript:', html, re.I), path
    incident = client.get(f"/incidents/{store.slug}").text
    assert f"&lt;script&gt;window.{XSS_FLAG}=1&lt;/script&gt;" in incident


def test_local_mode_needs_no_sign_in_on_loopback_only(make_app: AppFactory, store: Store) -> None:
    app = make_app(auth="none")
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 5000)) as local:
        page = local.get("/incidents")
        assert page.status_code == 200 and "Local mode: no sign-in" in page.text
        assert local.get("/signin", follow_redirects=False).status_code == 303
    with TestClient(app, base_url="http://10.1.2.3", client=("10.9.9.9", 5000)) as remote:
        assert remote.get("/incidents").status_code == 403


def test_search_filters_sorting_and_paging(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["viewer"])

    def titles(query: str) -> list[str]:
        html = client.get(f"/incidents?{query}").text
        return re.findall(r'<td><a href="/incidents/[^"]+">([^<]+)</a></td>', html)

    assert len(titles("")) == 2
    assert titles("q=blip") == ["Search latency blip"]
    # Alert names are searched too: the checkout incident's Grafana alert is CheckoutLatencyP99.
    assert sorted(titles("q=latency")) == [
        "Checkout API errors: connection pool exhausted",
        "Search latency blip",
    ]
    assert titles("q=pool+exhausted") == ["Checkout API errors: connection pool exhausted"]
    assert titles("q=pool+nonexistentword") == []
    assert titles("severity=SEV-3") == ["Search latency blip"]
    assert titles("service=checkout-api") == ["Checkout API errors: connection pool exhausted"]
    assert titles("postmortem=missing") == ["Search latency blip"]
    assert titles("postmortem=draft") == ["Checkout API errors: connection pool exhausted"]
    assert titles("postmortem=published") == []
    assert titles("postmortem=owed") == ["Checkout API errors: connection pool exhausted"]
    assert titles("since=2999-01-01") == []
    by_severity = titles("sort=severity&order=asc")
    assert by_severity == ["Checkout API errors: connection pool exhausted", "Search latency blip"]
    assert titles("sort=severity") == list(reversed(by_severity))


def test_promote_and_demote_an_event(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["editor"])
    page = client.get(f"/incidents/{store.slug}").text
    key = re.search(
        r'name="key" value="([^"]*Ev07EVIL[^"]*|slack:[^"]+)" formaction="[^"]+/promote"', page
    )
    assert key is not None
    csrf = csrf_of(page)
    value = key.group(1).replace("&#34;", '"').replace("&amp;", "&")
    client.post(f"/incidents/{store.slug}/timeline/promote", data={"key": value, "csrf": csrf})
    promoted = get_postmortem(store.uow(), store.slug)
    assert promoted.version == 2
    client.post(f"/incidents/{store.slug}/timeline/demote", data={"key": value, "csrf": csrf})
    demoted = get_postmortem(store.uow(), store.slug)
    assert demoted.version == 3
    assert demoted.markdown == get_postmortem(store.uow(), store.slug).markdown
    assert len(demoted.markdown.splitlines()) == len(promoted.markdown.splitlines()) - 1


def test_manual_event_lands_on_the_timeline(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["editor"])
    csrf = csrf_of(client.get(f"/incidents/{store.slug}").text)
    response = client.post(
        f"/incidents/{store.slug}/events",
        data={
            "at": "2026-03-14T14:40",
            "kind": "note",
            "text": "Status page updated",
            "csrf": csrf,
        },
    )
    assert response.status_code == 200
    assert "Status page updated" in response.text and "editor-user" in response.text
    bad = client.post(
        f"/incidents/{store.slug}/events",
        data={"at": "yesterday", "kind": "note", "text": "x", "csrf": csrf},
    )
    assert bad.status_code == 400 and "is not a time" in bad.text


def test_exports(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["viewer"])
    current = get_postmortem(store.uow(), store.slug)
    md = client.get(f"/incidents/{store.slug}/export.md")
    assert md.text == current.markdown
    assert md.headers["content-disposition"].startswith("attachment;")
    data = client.get(f"/incidents/{store.slug}/export.json").json()
    assert data["schema"] == "hindsight.incident/1" and data["postmortem"]["version"] == 1
    html = client.get(f"/incidents/{store.slug}/export.html").text
    assert "@media print" in html and "<script" not in html
    assert "Root cause" in html


def test_draft_from_evidence_shows_provenance(client: TestClient, store: Store) -> None:
    # SEV-3 and no page: nothing drafts it by itself when its evidence resolves it.
    incident = create_incident(store.uow(), title="Fresh incident", severity="SEV-3")
    for source, name, data in sample_evidence():
        if source in ("alertmanager", "github"):
            ingest(store.uow(), source, data, name=name, incident=incident.id)
    sign_in(client, store.tokens["editor"])
    path = f"/incidents/{incident.slug}/postmortem"
    editor = client.get(path).text
    assert "Not started yet" in editor and "Drafted from evidence" not in editor
    response = client.post(f"{path}/draft", data={"csrf": csrf_of(editor)})
    assert response.status_code == 200
    assert "Saved version 1" in response.text
    assert "Drafted from evidence" in response.text
    assert re.search(r'<a href="/incidents/[^"]+#ev-[0-9a-f]{12}">', response.text)


def test_unknown_things_are_404_pages(client: TestClient, store: Store) -> None:
    sign_in(client, store.tokens["viewer"])
    assert client.get("/incidents/no-such-incident").status_code == 404
    assert client.get(f"/incidents/{store.slug}/postmortem/history/99").status_code == 404
    assert client.get(f"/incidents/{store.slug}/payloads/99999").status_code == 404


def test_sessions_are_kept_in_the_store_and_work_on_every_app_server(
    make_app: AppFactory, store: Store
) -> None:
    with TestClient(make_app(), base_url="http://127.0.0.1") as first:
        sign_in(first, store.tokens["viewer"])
        cookies = dict(first.cookies)
    assert cookies.get("hs_session", "").startswith("hss_")
    # Another server (another process secret) on the same store knows the session.
    with TestClient(make_app(), base_url="http://127.0.0.1", cookies=cookies) as second:
        assert second.get("/incidents", follow_redirects=False).status_code == 200


def _signed_in_cookie(client: TestClient, store: Store, role: str = "editor") -> str:
    sign_in(client, store.tokens[role])
    return str(client.cookies["hs_session"])


def test_the_session_cookie_is_not_the_token_nor_a_bearer_token(
    client: TestClient, store: Store
) -> None:
    cookie = _signed_in_cookie(client, store)
    assert store.tokens["editor"] not in cookie
    assert store.tokens["editor"][3:] not in cookie  # nor its secret part in any encoding
    api = client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {cookie}"})
    assert api.status_code == 401


def test_sign_out_ends_the_session_even_for_a_copied_cookie(
    make_app: AppFactory, store: Store
) -> None:
    with TestClient(make_app(), base_url="http://127.0.0.1") as client:
        cookie = _signed_in_cookie(client, store)
        csrf = csrf_of(client.get("/incidents").text)
        out = client.post("/signout", data={"csrf": csrf}, follow_redirects=False)
        assert out.status_code == 303
    with TestClient(make_app(), base_url="http://127.0.0.1", cookies={"hs_session": cookie}) as c:
        assert c.get("/incidents", follow_redirects=False).status_code == 303  # to /signin


def test_revoking_the_token_ends_its_sessions(client: TestClient, store: Store) -> None:
    _signed_in_cookie(client, store, "editor")
    assert client.get("/incidents", follow_redirects=False).status_code == 200
    admin = {"Authorization": f"Bearer {store.tokens['admin']}"}
    listed = client.get("/api/v1/tokens", headers=admin).json()
    editor = next(t for t in listed if t["name"] == "editor-user")
    assert client.delete(f"/api/v1/tokens/{editor['id']}", headers=admin).status_code in (200, 204)
    assert client.get("/incidents", follow_redirects=False).status_code == 303


def test_an_expired_session_signs_in_again(client: TestClient, store: Store) -> None:
    _signed_in_cookie(client, store)
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE web_sessions SET expires_at = '2000-01-01 00:00:00.000000'"
        )
    assert client.get("/incidents", follow_redirects=False).status_code == 303


def test_signed_in_pages_are_not_cached_and_cannot_be_framed(
    client: TestClient, store: Store
) -> None:
    sign_in(client, store.tokens["viewer"])
    for path in ("/incidents", f"/incidents/{store.slug}", f"/incidents/{store.slug}/export.html"):
        page = client.get(path)
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-store", path
        assert page.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    nonce = page.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}">' in page.text  # the export's own style is allowed
    static = client.get("/static/web/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")


def test_a_storm_pages_its_evidence(
    client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hindsight.services import incident_page

    sign_in(client, store.tokens["viewer"])
    whole = client.get(f"/incidents/{store.slug}").text
    assert 'aria-label="Evidence pages"' not in whole and "A storm of" not in whole
    monkeypatch.setattr(incident_page, "WHOLE_UP_TO", 5)
    monkeypatch.setattr(incident_page, "PAGE_SIZE", 10)
    first = client.get(f"/incidents/{store.slug}").text
    assert "A storm of" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert first.count('<tr id="ev-') == 10
    later = re.search(r'rel="next" href="([^"]+)"', first)
    assert later is not None
    second = client.get(html.unescape(later.group(1))).text
    assert 'rel="prev"' in second and "Events 11–" in second
    assert client.get(f"/incidents/{store.slug}?offset=-1").status_code == 422
