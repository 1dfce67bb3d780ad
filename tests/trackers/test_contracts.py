"""Each tracker against its vendor's documented REST contract, as recorded HTTP (respx):
the requests it sends (paths, auth headers, bodies), how it reads the answers (states, close
reasons, resolutions), pagination (Link headers, nextPageToken, startAt/total), and the
errors it explains (401, 404, 400/422 with the vendor's messages, 403/429 with the wait)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time

import httpx
import pytest
import respx

from hindsight.core.actions import ActionStatus
from hindsight.core.errors import ConfigError
from hindsight.settings import Settings
from hindsight.trackers import NewIssue, TrackerError, configured
from hindsight.trackers.github import GitHubTracker
from hindsight.trackers.gitlab import GitLabTracker
from hindsight.trackers.jira import JiraTracker

NEW = NewIssue(
    "Alert on pool saturation",
    "**Owner:** jonas\n\n<!-- hindsight-action-item-42 -->",
    ("postmortem", "detect"),
    dt.date(2026, 3, 1),
    "hindsight-action-item-42",
)
GH = "https://api.github.com"
GL = "https://gitlab.example.com/api/v4/projects/acme%2Fweb"
JIRA = "https://acme.atlassian.net"


def gh_issue(number: int, body: str = "", state: str = "open", reason: str | None = None) -> dict:
    return {
        "number": number,
        "html_url": f"https://github.com/acme/web/issues/{number}",
        "state": state,
        "state_reason": reason,
        "body": body,
    }


@pytest.fixture
def client() -> httpx.Client:
    return httpx.Client()


# GitHub ---------------------------------------------------------------------------------------


@respx.mock
def test_github_create_read_and_close_reasons(client: httpx.Client) -> None:
    tracker = GitHubTracker(client, api_url=GH, repo="acme/web", token="t0k")
    created = respx.post(f"{GH}/repos/acme/web/issues").respond(201, json=gh_issue(7, NEW.body))
    issue = tracker.create(NEW)
    sent = created.calls.last.request
    assert sent.headers["authorization"] == "Bearer t0k"
    assert sent.headers["accept"] == "application/vnd.github+json"
    assert sent.headers["x-github-api-version"] == "2022-11-28"
    assert json.loads(sent.content) == {
        "title": NEW.title,
        "body": NEW.body,
        "labels": ["postmortem", "detect"],
    }
    assert (issue.ref.provider, issue.ref.key, issue.status) == (
        "github",
        "acme/web#7",
        ActionStatus.OPEN,
    )
    for reason, status in (
        ("not_planned", ActionStatus.NOT_DOING),
        ("duplicate", ActionStatus.NOT_DOING),
        ("completed", ActionStatus.DONE),
        (None, ActionStatus.DONE),
    ):
        respx.get(f"{GH}/repos/acme/web/issues/7").respond(
            200, json=gh_issue(7, state="closed", reason=reason)
        )
        assert tracker.read("acme/web#7").status is status


@respx.mock
def test_github_search_follows_link_pages_and_matches_the_marker_exactly(
    client: httpx.Client,
) -> None:
    tracker = GitHubTracker(client, api_url=GH, repo="acme/web", token="t")
    page2 = f"{GH}/search/issues?q=x&page=2"
    route = respx.get(f"{GH}/search/issues")
    route.side_effect = [
        httpx.Response(
            200,
            json={"items": [gh_issue(1, "<!-- hindsight-action-item-420 -->")]},
            headers={"Link": f'<{page2}>; rel="next", <{page2}>; rel="last"'},
        ),
        httpx.Response(200, json={"items": [gh_issue(2, "<!-- hindsight-action-item-42 -->")]}),
    ]
    (found,) = tracker.find_marked("hindsight-action-item-42")
    assert found.ref.key == "acme/web#2"
    first = route.calls[0].request
    assert first.url.params["q"] == '"hindsight-action-item-42" repo:acme/web is:issue in:body'
    assert str(route.calls[1].request.url) == page2


@respx.mock
def test_github_falls_back_to_the_newest_issues_when_search_lags(client: httpx.Client) -> None:
    tracker = GitHubTracker(client, api_url=GH, repo="acme/web", token="t")
    respx.get(f"{GH}/search/issues").respond(200, json={"items": []})
    newest = respx.get(f"{GH}/repos/acme/web/issues").respond(
        200,
        json=[
            {**gh_issue(9, "<!-- hindsight-action-item-42 -->"), "pull_request": {}},
            gh_issue(8, "<!-- hindsight-action-item-42 -->"),
        ],
    )
    assert [i.ref.key for i in tracker.find_marked("hindsight-action-item-42")] == ["acme/web#8"]
    assert newest.calls.last.request.url.params["sort"] == "created"


@respx.mock
@pytest.mark.parametrize(
    ("status", "headers", "body", "words"),
    [
        (
            401,
            {},
            {"message": "Bad credentials"},
            ("401", "Bad credentials", "HINDSIGHT_GITHUB_TOKEN"),
        ),
        (404, {}, {"message": "Not Found"}, ("404", "HINDSIGHT_GITHUB_REPO")),
        (
            422,
            {},
            {"message": "Validation Failed", "errors": [{"field": "labels", "code": "invalid"}]},
            ("422", "Validation Failed", "labels"),
        ),
        (
            429,
            {"Retry-After": "61"},
            {"message": "secondary rate limit"},
            ("rate limit", "wait 61 s"),
        ),
    ],
)
def test_github_errors_are_explained(
    client: httpx.Client, status: int, headers: dict[str, str], body: dict, words: tuple[str, ...]
) -> None:
    respx.post(f"{GH}/repos/acme/web/issues").respond(status, json=body, headers=headers)
    with pytest.raises(TrackerError) as caught:
        GitHubTracker(client, api_url=GH, repo="acme/web", token="t").create(NEW)
    assert caught.value.status == status
    for word in words:
        assert word in caught.value.message


@respx.mock
def test_github_exhausted_primary_rate_limit_waits_until_the_reset(client: httpx.Client) -> None:
    reset = int(time.time()) + 120
    respx.get(f"{GH}/repos/acme/web/issues/1").respond(
        403,
        json={"message": "API rate limit exceeded"},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
    )
    with pytest.raises(TrackerError) as caught:
        GitHubTracker(client, api_url=GH, repo="acme/web", token="t").read("acme/web#1")
    assert caught.value.retry_after_s is not None and 100 <= caught.value.retry_after_s <= 121
    assert "rate limit" in caught.value.message


# GitLab ---------------------------------------------------------------------------------------


def gl_issue(
    iid: int, body: str = "", state: str = "opened", labels: list[str] | None = None
) -> dict:
    return {
        "iid": iid,
        "web_url": f"https://gitlab.example.com/acme/web/-/issues/{iid}",
        "state": state,
        "description": body,
        "labels": labels or [],
    }


@respx.mock
def test_gitlab_create_read_find(client: httpx.Client) -> None:
    tracker = GitLabTracker(
        client, url="https://gitlab.example.com", project="acme/web", token="glpat"
    )
    created = respx.post(f"{GL}/issues").respond(201, json=gl_issue(3, NEW.body))
    issue = tracker.create(NEW)
    sent = created.calls.last.request
    assert sent.headers["private-token"] == "glpat"
    assert sent.url.raw_path.startswith(b"/api/v4/projects/acme%2Fweb/issues")
    assert json.loads(sent.content) == {
        "title": NEW.title,
        "description": NEW.body,
        "labels": "postmortem,detect",
        "due_date": "2026-03-01",
    }
    assert (issue.ref.provider, issue.ref.key) == ("gitlab", "acme/web#3")
    respx.get(f"{GL}/issues/3").respond(200, json=gl_issue(3, state="closed", labels=["Won't Do"]))
    assert tracker.read("acme/web#3").status is ActionStatus.NOT_DOING
    respx.get(f"{GL}/issues/4").respond(200, json=gl_issue(4, state="closed"))
    assert tracker.read("acme/web#4").status is ActionStatus.DONE
    nxt = f"{GL}/issues?search=hindsight-action-item-42&page=2"
    listing = respx.get(f"{GL}/issues")
    listing.side_effect = [
        httpx.Response(
            200, json=[gl_issue(5, "nothing")], headers={"Link": f'<{nxt}>; rel="next"'}
        ),
        httpx.Response(200, json=[gl_issue(6, "<!-- hindsight-action-item-42 -->")]),
    ]
    assert [i.ref.key for i in tracker.find_marked("hindsight-action-item-42")] == ["acme/web#6"]
    params = listing.calls[0].request.url.params
    assert (params["search"], params["in"]) == ("hindsight-action-item-42", "description")


@respx.mock
def test_gitlab_404_names_the_project_setting(client: httpx.Client) -> None:
    respx.post(f"{GL}/issues").respond(404, json={"message": "404 Project Not Found"})
    with pytest.raises(TrackerError, match="HINDSIGHT_GITLAB_PROJECT"):
        GitLabTracker(
            client, url="https://gitlab.example.com", project="acme/web", token="t"
        ).create(NEW)


# Jira -----------------------------------------------------------------------------------------


def jira_issue(
    key: str, category: str = "new", resolution: str | None = None, labels: list[str] | None = None
) -> dict:
    return {
        "key": key,
        "fields": {
            "status": {"statusCategory": {"key": category}},
            "resolution": {"name": resolution} if resolution else None,
            "labels": labels or [],
            "description": {"type": "doc", "version": 1, "content": []},
        },
    }


@respx.mock
def test_jira_cloud_v3_create_with_adf_labels_due_and_basic_auth(client: httpx.Client) -> None:
    tracker = JiraTracker(client, url=JIRA, project="OPS", email="bot@acme.com", api_token="api")
    created = respx.post(f"{JIRA}/rest/api/3/issue").respond(
        201, json={"id": "10001", "key": "OPS-12", "self": f"{JIRA}/rest/api/3/issue/10001"}
    )
    issue = tracker.create(NEW)
    sent = created.calls.last.request
    assert (
        sent.headers["authorization"] == "Basic " + base64.b64encode(b"bot@acme.com:api").decode()
    )
    fields = json.loads(sent.content)["fields"]
    assert fields["project"] == {"key": "OPS"} and fields["issuetype"] == {"name": "Task"}
    assert fields["summary"] == NEW.title and fields["duedate"] == "2026-03-01"
    assert fields["labels"] == ["postmortem", "detect", "hindsight-action-item-42"]
    assert fields["description"]["type"] == "doc" and fields["description"]["version"] == 1
    texts = [c["content"][0]["text"] for c in fields["description"]["content"]]
    assert texts[-1] == "hindsight-action-item-42"  # the marker, as text (ADF has no comments)
    assert (issue.ref.provider, issue.ref.key, issue.ref.url) == (
        "jira",
        "OPS-12",
        f"{JIRA}/browse/OPS-12",
    )


@respx.mock
def test_jira_cloud_search_pages_by_next_page_token_and_reads_resolutions(
    client: httpx.Client,
) -> None:
    tracker = JiraTracker(client, url=JIRA, project="OPS", email="e", api_token="a")
    search = respx.get(f"{JIRA}/rest/api/3/search/jql")
    search.side_effect = [
        httpx.Response(200, json={"issues": [jira_issue("OPS-1")], "nextPageToken": "abc"}),
        httpx.Response(
            200,
            json={
                "issues": [jira_issue("OPS-2", labels=["hindsight-action-item-42"])],
                "isLast": True,
            },
        ),
    ]
    assert [i.ref.key for i in tracker.find_marked("hindsight-action-item-42")] == ["OPS-2"]
    assert (
        search.calls[0].request.url.params["jql"]
        == 'project = "OPS" AND labels = "hindsight-action-item-42"'
    )
    assert search.calls[1].request.url.params["nextPageToken"] == "abc"
    for resolution, status in (("Won't Do", ActionStatus.NOT_DOING), ("Done", ActionStatus.DONE)):
        respx.get(f"{JIRA}/rest/api/3/issue/OPS-2").respond(
            200, json=jira_issue("OPS-2", "done", resolution)
        )
        assert tracker.read("OPS-2").status is status
    respx.get(f"{JIRA}/rest/api/3/issue/OPS-3").respond(
        200, json=jira_issue("OPS-3", "indeterminate")
    )
    assert tracker.read("OPS-3").status is ActionStatus.OPEN


@respx.mock
def test_jira_data_center_v2_pat_custom_due_field_and_start_at_paging(client: httpx.Client) -> None:
    tracker = JiraTracker(client, url=JIRA, project="OPS", pat="pat", due_field="customfield_10042")
    created = respx.post(f"{JIRA}/rest/api/2/issue").respond(
        201, json={"id": "1", "key": "OPS-5", "self": "x"}
    )
    tracker.create(NEW)
    sent = created.calls.last.request
    assert sent.headers["authorization"] == "Bearer pat"
    fields = json.loads(sent.content)["fields"]
    assert isinstance(fields["description"], str) and "<!--" not in fields["description"]
    assert fields["customfield_10042"] == "2026-03-01" and "duedate" not in fields
    search = respx.get(f"{JIRA}/rest/api/2/search")
    search.side_effect = [
        httpx.Response(
            200, json={"startAt": 0, "maxResults": 1, "total": 2, "issues": [jira_issue("OPS-1")]}
        ),
        httpx.Response(
            200,
            json={
                "startAt": 1,
                "maxResults": 1,
                "total": 2,
                "issues": [jira_issue("OPS-5", labels=["hindsight-action-item-42"])],
            },
        ),
    ]
    assert [i.ref.key for i in tracker.find_marked("hindsight-action-item-42")] == ["OPS-5"]
    assert search.calls[1].request.url.params["startAt"] == "1"


@respx.mock
def test_jira_400_carries_its_field_errors(client: httpx.Client) -> None:
    respx.post(f"{JIRA}/rest/api/3/issue").respond(
        400, json={"errorMessages": [], "errors": {"duedate": "Field 'duedate' cannot be set."}}
    )
    with pytest.raises(TrackerError) as caught:
        JiraTracker(client, url=JIRA, project="OPS", email="e", api_token="a").create(NEW)
    assert "duedate: Field 'duedate' cannot be set." in caught.value.message


def test_settings_choose_the_tracker_and_name_what_is_missing(client: httpx.Client) -> None:
    with pytest.raises(ConfigError, match="HINDSIGHT_TRACKER"):
        configured(Settings(), client)
    with pytest.raises(ConfigError, match="HINDSIGHT_GITHUB_TOKEN"):
        configured(Settings(tracker="github", github_repo="a/b"), client)
    jira = configured(
        Settings(tracker="jira", jira_url=JIRA, jira_project="OPS", jira_pat="p"), client
    )
    assert isinstance(jira, JiraTracker) and not jira.cloud
    with pytest.raises(ConfigError, match="HINDSIGHT_JIRA_API_TOKEN"):
        configured(
            Settings(tracker="jira", jira_url=JIRA, jira_project="OPS", jira_email="e"), client
        )


# Closing --------------------------------------------------------------------------------------


@respx.mock
def test_github_closes_as_completed_or_not_planned(client: httpx.Client) -> None:
    tracker = GitHubTracker(client, api_url=GH, repo="acme/web", token="t")
    route = respx.patch(f"{GH}/repos/acme/web/issues/7").respond(
        200, json=gh_issue(7, state="closed", reason="not_planned")
    )
    assert tracker.close("acme/web#7", ActionStatus.NOT_DOING).status is ActionStatus.NOT_DOING
    assert json.loads(route.calls.last.request.content) == {
        "state": "closed",
        "state_reason": "not_planned",
    }
    tracker.close("acme/web#7", ActionStatus.DONE)
    assert json.loads(route.calls.last.request.content)["state_reason"] == "completed"


@respx.mock
def test_gitlab_closes_with_a_state_event(client: httpx.Client) -> None:
    tracker = GitLabTracker(client, url="https://gitlab.example.com", project="acme/web", token="t")
    route = respx.put(f"{GL}/issues/3").respond(
        200, json=gl_issue(3, state="closed", labels=["won't do"])
    )
    assert tracker.close("acme/web#3", ActionStatus.NOT_DOING).status is ActionStatus.NOT_DOING
    assert json.loads(route.calls.last.request.content) == {
        "state_event": "close",
        "add_labels": "won't do",
    }


@respx.mock
def test_jira_closes_by_the_transition_into_done(client: httpx.Client) -> None:
    tracker = JiraTracker(client, url=JIRA, project="OPS", email="e", api_token="a")
    transitions = {
        "transitions": [
            {"id": "11", "name": "Start", "to": {"statusCategory": {"key": "indeterminate"}}},
            {"id": "31", "name": "Done", "to": {"statusCategory": {"key": "done"}}},
            {"id": "41", "name": "Won't Do", "to": {"statusCategory": {"key": "done"}}},
        ]
    }
    respx.get(f"{JIRA}/rest/api/3/issue/OPS-2/transitions").respond(200, json=transitions)
    moved = respx.post(f"{JIRA}/rest/api/3/issue/OPS-2/transitions").respond(204)
    respx.get(f"{JIRA}/rest/api/3/issue/OPS-2").respond(
        200, json=jira_issue("OPS-2", "done", "Done")
    )
    tracker.close("OPS-2", ActionStatus.DONE)
    assert json.loads(moved.calls.last.request.content) == {"transition": {"id": "31"}}
    tracker.close("OPS-2", ActionStatus.NOT_DOING)
    assert json.loads(moved.calls.last.request.content) == {"transition": {"id": "41"}}
    respx.get(f"{JIRA}/rest/api/3/issue/OPS-9/transitions").respond(
        200, json={"transitions": [transitions["transitions"][0]]}
    )
    with pytest.raises(TrackerError, match="no transition into a done status"):
        tracker.close("OPS-9", ActionStatus.DONE)
