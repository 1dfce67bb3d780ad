"""GitLab Issues over the REST API v4 (`/api/v4`, token in `PRIVATE-TOKEN`).

- create: `POST /projects/:id/issues` with title, description, labels (comma-separated),
  due_date (201, the issue with `iid`, `web_url`);
- read: `GET /projects/:id/issues/:iid`: `state` opened/closed; GitLab has no "not planned"
  close reason, so a closed issue labelled won't do / wontfix / not planned is `not_doing`;
- close: `PUT /projects/:id/issues/:iid` with `state_event=close`;
- find: `GET /projects/:id/issues?search=<marker>&in=description&scope=all`, paged by the
  Link header.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from hindsight.core.actions import ActionStatus
from hindsight.core.actions.marker import carries_marker, marked_item
from hindsight.trackers.base import Issue, NewIssue
from hindsight.trackers.http import call, pages
from hindsight.trackers.refs import ref_for

NOT_DOING_LABELS = frozenset({"won't do", "wont do", "wontfix", "won't fix", "not planned"})


def issue_from(data: dict[str, Any], issues_url: str = "") -> Issue:
    """An issue as the REST API describes it (the Issue Hook's `object_attributes` carry the
    same fields, its URL as `url` and its labels as objects with a `title`)."""
    iid = int(data["iid"])
    url = str(data.get("web_url") or data.get("url") or f"{issues_url}/{iid}")
    ref = ref_for("gitlab", url, f"#{iid}")
    body = data.get("description") or ""
    if data.get("state") != "closed":
        return Issue(ref, ActionStatus.OPEN, body=body)
    labels = {
        str(label.get("title") if isinstance(label, dict) else label).casefold()
        for label in data.get("labels") or ()
    }
    dropped = sorted(labels & NOT_DOING_LABELS)
    if dropped:
        return Issue(ref, ActionStatus.NOT_DOING, f"closed as {dropped[0]}", body)
    return Issue(ref, ActionStatus.DONE, body=body)


class GitLabTracker:
    name = "gitlab"

    def __init__(self, client: httpx.Client, *, url: str, project: str, token: str) -> None:
        self.client = client
        self.base = f"{url.rstrip('/')}/api/v4/projects/{quote(project.strip('/'), safe='')}"
        self.project = project
        self.headers = {"PRIVATE-TOKEN": token}

    def _issue(self, data: dict[str, Any]) -> Issue:
        return issue_from(data, f"{self.base}/issues")

    def create(self, issue: NewIssue) -> Issue:
        payload: dict[str, Any] = {
            "title": issue.title,
            "description": issue.body,
            "labels": ",".join(issue.labels),
        }
        if issue.due is not None:
            payload["due_date"] = issue.due.isoformat()
        response = call(
            self.client,
            self.name,
            "POST",
            f"{self.base}/issues",
            headers=self.headers,
            json=payload,
        )
        return self._issue(response.json())

    def read(self, key: str) -> Issue:
        iid = key.rsplit("#", 1)[-1]
        response = call(
            self.client, self.name, "GET", f"{self.base}/issues/{iid}", headers=self.headers
        )
        return self._issue(response.json())

    def close(self, key: str, status: ActionStatus) -> Issue:
        """`PUT /projects/:id/issues/:iid` with `state_event=close` (and the won't do label for
        `not_doing`, which is how a GitLab issue says it was dropped)."""
        payload: dict[str, Any] = {"state_event": "close"}
        if status is ActionStatus.NOT_DOING:
            payload["add_labels"] = "won't do"
        response = call(
            self.client,
            self.name,
            "PUT",
            f"{self.base}/issues/{key.rsplit('#', 1)[-1]}",
            headers=self.headers,
            json=payload,
        )
        return self._issue(response.json())

    def find_marked(self, marker: str) -> list[Issue]:
        item = marked_item(marker)
        return [
            self._issue(data)
            for response in pages(
                self.client,
                self.name,
                f"{self.base}/issues",
                headers=self.headers,
                params={"search": marker, "in": "description", "scope": "all", "per_page": 100},
            )
            for data in response.json()
            if item is not None and carries_marker(data.get("description"), item)
        ]
