"""GitHub Issues (github.com and Enterprise Server) over the REST API.

- create: `POST /repos/{owner}/{repo}/issues` with title, body, labels (201, the issue);
- read: `GET /repos/{owner}/{repo}/issues/{number}`: `state` open/closed and `state_reason`
  (completed, not_planned, duplicate, reopened);
- close: `PATCH /repos/{owner}/{repo}/issues/{number}` with state closed and state_reason;
- find: `GET /search/issues?q="<marker>" repo:… is:issue in:body`, paged by the Link header;
  the search index lags behind writes, so when it finds nothing the newest issues
  (`GET /repos/{owner}/{repo}/issues?state=all&sort=created&direction=desc`) are read too.
Auth `Authorization: Bearer <token>`, `Accept: application/vnd.github+json`,
`X-GitHub-Api-Version: 2022-11-28`.
"""

from __future__ import annotations

from typing import Any

import httpx

from hindsight.core.actions import ActionStatus
from hindsight.core.actions.marker import carries_marker, marked_item
from hindsight.trackers.base import Issue, NewIssue
from hindsight.trackers.http import call, pages
from hindsight.trackers.refs import ref_for

API_VERSION = "2022-11-28"
NOT_PLANNED = {"not_planned": "closed as not planned", "duplicate": "closed as a duplicate"}


def issue_from(data: dict[str, Any], issues_url: str = "") -> Issue:
    """An issue as the REST API and the `issues` webhook event both describe it."""
    number = int(data["number"])
    url = str(data.get("html_url") or f"{issues_url}/{number}")
    ref = ref_for("github", url, f"#{number}")
    body = data.get("body") or ""
    if data.get("state") != "closed":
        return Issue(ref, ActionStatus.OPEN, body=body)
    reason = data.get("state_reason")
    if reason in NOT_PLANNED:
        return Issue(ref, ActionStatus.NOT_DOING, NOT_PLANNED[reason], body)
    return Issue(ref, ActionStatus.DONE, body=body)


class GitHubTracker:
    name = "github"

    def __init__(self, client: httpx.Client, *, api_url: str, repo: str, token: str) -> None:
        self.client = client
        self.api = api_url.rstrip("/")
        self.repo = repo.strip("/")
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
        }

    def _issue(self, data: dict[str, Any]) -> Issue:
        return issue_from(data, f"{self.api}/repos/{self.repo}/issues")

    def create(self, issue: NewIssue) -> Issue:
        response = call(
            self.client,
            self.name,
            "POST",
            f"{self.api}/repos/{self.repo}/issues",
            headers=self.headers,
            json={"title": issue.title, "body": issue.body, "labels": list(issue.labels)},
        )
        return self._issue(response.json())

    def read(self, key: str) -> Issue:
        number = key.rsplit("#", 1)[-1]
        response = call(
            self.client,
            self.name,
            "GET",
            f"{self.api}/repos/{self.repo}/issues/{number}",
            headers=self.headers,
        )
        return self._issue(response.json())

    def close(self, key: str, status: ActionStatus) -> Issue:
        """`PATCH …/issues/{number}` with state closed and the reason (completed or
        not_planned)."""
        reason = "not_planned" if status is ActionStatus.NOT_DOING else "completed"
        response = call(
            self.client,
            self.name,
            "PATCH",
            f"{self.api}/repos/{self.repo}/issues/{key.rsplit('#', 1)[-1]}",
            headers=self.headers,
            json={"state": "closed", "state_reason": reason},
        )
        return self._issue(response.json())

    def find_marked(self, marker: str) -> list[Issue]:
        item = marked_item(marker)
        query = f'"{marker}" repo:{self.repo} is:issue in:body'
        found = [
            self._issue(data)
            for response in pages(
                self.client,
                self.name,
                f"{self.api}/search/issues",
                headers=self.headers,
                params={"q": query, "per_page": 100},
            )
            for data in response.json().get("items", [])
            if item is not None and carries_marker(data.get("body"), item)
        ]
        if found:
            return found
        newest = call(
            self.client,
            self.name,
            "GET",
            f"{self.api}/repos/{self.repo}/issues",
            headers=self.headers,
            params={"state": "all", "sort": "created", "direction": "desc", "per_page": 100},
        )
        return [
            self._issue(data)
            for data in newest.json()
            if "pull_request" not in data
            and item is not None
            and carries_marker(data.get("body"), item)
        ]
