"""POST /hooks/trackers/{github,gitlab,jira} on SQLite and PostgreSQL: a signed event moves
the linked item's status, an unsigned one does where unsigned deliveries are allowed, and a
missing or wrong signature is refused without moving anything."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.api.server import assert_problem, serve, token

SECRET = "hook-secret"
ROWS = """| Owner | Action | Type | Due | Tracking |
| ----- | ------ | ---- | --- | -------- |
| priya | Add a CI test | prevent | 2026-04-01 | https://github.com/acme/web/issues/{n} |
| jonas | Alert | detect | 2026-03-01 | https://gitlab.example.com/acme/web/-/issues/{n} |
| ana | Docs | process | 2026-03-20 | [OPS-{n}](https://acme.atlassian.net/browse/OPS-{n}) |
"""


@pytest.fixture(scope="module")
def signed(server_engine: sa.Engine) -> Iterator[TestClient]:
    with serve(
        server_engine,
        github_secret=SECRET,
        gitlab_webhook_token=SECRET,
        jira_webhook_secret=SECRET,
        auth_failure_limit=1_000_000,
    ) as made:
        yield made


@pytest.fixture(scope="module")
def unsigned(server_engine: sa.Engine) -> Iterator[TestClient]:
    with serve(
        server_engine,
        allow_unsigned_sources="tracker-github,tracker-gitlab,tracker-jira",
        auth_failure_limit=1_000_000,
    ) as made:
        yield made


def items_of(client: TestClient, headers: dict[str, str], n: int) -> dict[str, dict[str, Any]]:
    """A new incident whose items link GitHub issue n, GitLab issue n and Jira OPS-n."""
    made = client.post(
        "/api/v1/incidents", json={"title": f"Hooks {uuid.uuid4().hex[:8]}"}, headers=headers
    )
    slug = made.json()["slug"]
    url = f"/api/v1/incidents/{slug}/postmortem"
    client.post(url, headers=headers)
    text = client.get(url, headers={**headers, "accept": "text/markdown"}).text
    head, _, tail = text.partition("## Action items")
    text = f"{head}## Action items\n\n{ROWS.format(n=n)}\n## {tail.split(chr(10) + '## ', 1)[1]}"
    saved = client.put(
        url, content=text, headers={**headers, "content-type": "text/markdown", "If-Match": '"1"'}
    )
    assert saved.status_code == 200, saved.text
    return state(client, headers, slug)


def state(client: TestClient, headers: dict[str, str], slug: str) -> dict[str, dict[str, Any]]:
    listed = client.get("/api/v1/action-items", params={"incident": slug}, headers=headers).json()
    return {i["owner"]: i | {"slug": slug} for i in listed}


def github_event(n: int, action: str, reason: str | None) -> dict[str, Any]:
    return {
        "action": action,
        "issue": {
            "number": n,
            "html_url": f"https://github.com/acme/web/issues/{n}",
            "state": "closed" if action == "closed" else "open",
            "state_reason": reason,
        },
        "repository": {"full_name": "acme/web"},
    }


def gitlab_event(n: int, closed: bool, labels: list[str]) -> dict[str, Any]:
    return {
        "object_kind": "issue",
        "event_type": "issue",
        "object_attributes": {
            "iid": n,
            "url": f"https://gitlab.example.com/acme/web/-/issues/{n}",
            "state": "closed" if closed else "opened",
            "action": "close" if closed else "reopen",
        },
        "labels": [{"title": label} for label in labels],
    }


def jira_event(n: int, category: str, resolution: str | None) -> dict[str, Any]:
    return {
        "webhookEvent": "jira:issue_updated",
        "issue_event_type_name": "issue_generic",
        "issue": {
            "id": "10001",
            "self": "https://acme.atlassian.net/rest/api/2/issue/10001",
            "key": f"OPS-{n}",
            "fields": {
                "status": {"name": "Done", "statusCategory": {"key": category}},
                "resolution": {"name": resolution} if resolution else None,
            },
        },
    }


def post(client: TestClient, tracker: str, event: dict[str, Any], sign: bool = True) -> Any:
    body = json.dumps(event).encode()
    headers = {"content-type": "application/json"}
    if tracker == "github":
        headers["X-GitHub-Event"] = "issues"
    if sign:
        mac = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers[
            {
                "github": "X-Hub-Signature-256",
                "gitlab": "X-Gitlab-Token",
                "jira": "X-Hub-Signature",
            }[tracker]
        ] = SECRET if tracker == "gitlab" else mac
    return client.post(f"/hooks/trackers/{tracker}", content=body, headers=headers)


def test_signed_events_move_each_trackers_item(
    signed: TestClient, server_engine: sa.Engine
) -> None:
    editor = token(server_engine, "editor")
    n = 101
    items = items_of(signed, editor, n)
    done = post(signed, "github", github_event(n, "closed", "not_planned"))
    assert done.status_code == 200, done.text
    assert done.json()["moved"] == [{"id": items["priya"]["id"], "status": "not_doing"}]
    assert post(signed, "gitlab", gitlab_event(n, True, [])).json()["moved"][0]["status"] == "done"
    assert post(signed, "jira", jira_event(n, "done", "Won't Do")).status_code == 200
    after = state(signed, editor, items["priya"]["slug"])
    assert (
        after["priya"]["status"] == "not_doing"
        and after["priya"]["reason"] == "closed as not planned"
    )
    assert after["jonas"]["status"] == "done"
    assert (after["ana"]["status"], after["ana"]["reason"]) == ("not_doing", "resolved as Won't Do")
    reopened = post(signed, "github", github_event(n, "reopened", "reopened"))
    assert reopened.json()["moved"][0]["status"] == "open"
    again = post(signed, "github", github_event(n, "reopened", "reopened"))
    assert again.json() == {"status": "unchanged", "issue": f"acme/web#{n}", "moved": []}


@pytest.mark.parametrize("tracker", ["github", "gitlab", "jira"])
def test_missing_or_wrong_signatures_are_refused(signed: TestClient, tracker: str) -> None:
    event = {
        "github": github_event(1, "closed", None),
        "gitlab": gitlab_event(1, True, []),
        "jira": jira_event(1, "done", None),
    }[tracker]
    assert_problem(post(signed, tracker, event, sign=False), 401)
    body = json.dumps(event).encode()
    header = {
        "github": "X-Hub-Signature-256",
        "gitlab": "X-Gitlab-Token",
        "jira": "X-Hub-Signature",
    }[tracker]
    wrong = signed.post(
        f"/hooks/trackers/{tracker}",
        content=body,
        headers={
            "content-type": "application/json",
            "X-GitHub-Event": "issues",
            header: "sha256=00",
        },
    )
    assert_problem(wrong, 403, "secret")


def test_unsigned_events_move_status_where_allowed(
    unsigned: TestClient, server_engine: sa.Engine
) -> None:
    editor = token(server_engine, "editor")
    n = 202
    items = items_of(unsigned, editor, n)
    assert (
        post(unsigned, "github", github_event(n, "closed", "completed"), sign=False).status_code
        == 200
    )
    assert (
        post(unsigned, "gitlab", gitlab_event(n, True, ["won't do"]), sign=False).status_code == 200
    )
    assert post(unsigned, "jira", jira_event(n, "done", "Done"), sign=False).status_code == 200
    after = state(unsigned, editor, items["priya"]["slug"])
    assert [after[o]["status"] for o in ("priya", "jonas", "ana")] == ["done", "not_doing", "done"]


def test_unconfigured_bad_and_irrelevant_deliveries(client: TestClient, signed: TestClient) -> None:
    assert_problem(
        post(client, "jira", jira_event(1, "done", None), sign=False),
        503,
        "HINDSIGHT_JIRA_WEBHOOK_SECRET",
    )
    body = b"not json"
    mac = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    bad = signed.post("/hooks/trackers/jira", content=body, headers={"X-Hub-Signature": mac})
    assert_problem(bad, 422, "JSON")
    partial = post(signed, "github", {"action": "closed", "issue": {"state": "closed"}})
    assert_problem(partial, 422, "lacks")
    other = post(signed, "jira", {"webhookEvent": "jira:issue_created", "issue": {"key": "OPS-1"}})
    assert other.status_code == 200 and other.json() == {"status": "ignored", "moved": []}
    unknown = post(signed, "github", github_event(999_999, "closed", None))
    assert unknown.json()["moved"] == []
