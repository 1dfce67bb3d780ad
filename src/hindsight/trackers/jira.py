"""Jira over its REST API: Cloud (v3, email + API token, Basic auth, descriptions in the
Atlassian Document Format) or Data Center (v2, a personal access token as Bearer, plain-text
descriptions).

- create: `POST /rest/api/{3|2}/issue` with project, summary, description, issue type, labels
  and the due date in the configured fields (201: id, key, self);
- read: `GET /rest/api/{3|2}/issue/{key}?fields=status,resolution,labels,description`: the
  status category `done` is `done`, unless the resolution says it was dropped (Won't Do,
  Won't Fix, Declined, Duplicate, Cannot Reproduce: `not_doing`);
- close: `GET /rest/api/{3|2}/issue/{key}/transitions`, then `POST` the transition into
  the done category (for not_doing, one named Won't Do / Declined / Cancel when offered);
- find: JQL `project = P AND labels = "<marker>"` (the marker is also a label; without a
  labels field, `text ~`), Cloud `GET /rest/api/3/search/jql` paged by `nextPageToken`, Data
  Center `GET /rest/api/2/search` paged by `startAt`/`maxResults`/`total`.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from hindsight.core.actions import ActionStatus
from hindsight.core.actions.marker import carries_marker, marked_item
from hindsight.trackers.base import Issue, NewIssue, TrackerError
from hindsight.trackers.http import call
from hindsight.trackers.refs import ref_for

DROPPED = frozenset({"won't do", "won't fix", "declined", "duplicate", "cannot reproduce"})
FIELDS = "status,resolution,labels,description"
PAGE = 50
MAX_PAGES = 10
_COMMENT = re.compile(r"<!--\s*(.*?)\s*-->")


def adf(text: str) -> dict[str, Any]:
    """Markdown-ish text as an Atlassian Document: one paragraph per non-empty line."""
    paragraphs = [
        {"type": "paragraph", "content": [{"type": "text", "text": line}]}
        for line in text.split("\n")
        if line.strip()
    ]
    return {"type": "doc", "version": 1, "content": paragraphs}


def adf_text(value: Any) -> str:
    """The plain text of an Atlassian Document (or the string a v2 description is)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        text = value.get("text")
        own = text if isinstance(text, str) else ""
        return " ".join([own, *(adf_text(c) for c in value.get("content") or [])]).strip()
    if isinstance(value, list):
        return " ".join(adf_text(v) for v in value)
    return ""


def site_of(data: dict[str, Any]) -> str:
    """The site an issue's `self` (`https://SITE/rest/api/3/issue/10001`) belongs to."""
    return str(data.get("self") or "").split("/rest/", 1)[0]


def issue_from(data: dict[str, Any], site: str) -> Issue:
    """An issue as the REST API and the `jira:issue_updated` webhook both describe it."""
    key = str(data["key"])
    ref = ref_for("jira", f"{site.rstrip('/')}/browse/{key}", key)
    fields = data.get("fields") or {}
    body = adf_text(fields.get("description"))
    category = ((fields.get("status") or {}).get("statusCategory") or {}).get("key")
    if category != "done":
        return Issue(ref, ActionStatus.OPEN, body=body)
    resolution = str((fields.get("resolution") or {}).get("name") or "")
    if resolution.casefold().replace("’", "'") in DROPPED:
        return Issue(ref, ActionStatus.NOT_DOING, f"resolved as {resolution}", body)
    return Issue(ref, ActionStatus.DONE, body=body)


def _dropped_name(name: str) -> bool:
    folded = name.casefold().replace("’", "'")
    return any(word in folded for word in ("won't", "wont", "declin", "cancel", "reject"))


class JiraTracker:
    name = "jira"

    def __init__(
        self,
        client: httpx.Client,
        *,
        url: str,
        project: str,
        email: str | None = None,
        api_token: str | None = None,
        pat: str | None = None,
        issue_type: str = "Task",
        due_field: str = "duedate",
        labels_field: str = "labels",
    ) -> None:
        self.client = client
        self.site = url.rstrip("/")
        self.project = project
        self.cloud = pat is None
        self.api = f"{self.site}/rest/api/{3 if self.cloud else 2}"
        self.issue_type = issue_type
        self.due_field = due_field.strip()
        self.labels_field = labels_field.strip()
        self.headers = {"Accept": "application/json"}
        self.auth: httpx.BasicAuth | None = None
        if pat is not None:
            self.headers["Authorization"] = f"Bearer {pat}"
        else:
            self.auth = httpx.BasicAuth(email or "", api_token or "")

    def _call(self, method: str, url: str, **options: Any) -> httpx.Response:
        if self.auth is not None:
            options["auth"] = self.auth
        return call(self.client, self.name, method, url, headers=self.headers, **options)

    def _issue(self, data: dict[str, Any]) -> Issue:
        return issue_from(data, self.site)

    def create(self, issue: NewIssue) -> Issue:
        text = _COMMENT.sub(r"\1", issue.body)
        fields: dict[str, Any] = {
            "project": {"key": self.project},
            "summary": issue.title[:255],
            "issuetype": {"name": self.issue_type},
            "description": adf(text) if self.cloud else text,
        }
        if self.labels_field:
            fields[self.labels_field] = [
                *(label.replace(" ", "-") for label in issue.labels),
                issue.marker,
            ]
        if self.due_field and issue.due is not None:
            fields[self.due_field] = issue.due.isoformat()
        made = self._call("POST", f"{self.api}/issue", json={"fields": fields}).json()
        key = str(made["key"])
        return Issue(
            ref_for(self.name, f"{self.site}/browse/{key}", key), ActionStatus.OPEN, body=text
        )

    def read(self, key: str) -> Issue:
        return self._issue(
            self._call("GET", f"{self.api}/issue/{key}", params={"fields": FIELDS}).json()
        )

    def close(self, key: str, status: ActionStatus) -> Issue:
        """Jira closes by workflow transition: `GET …/issue/{key}/transitions`, then `POST` the
        one into the done category — for `not_doing` one named like Won't Do or Declined when
        the workflow has it."""
        url = f"{self.api}/issue/{key}/transitions"
        offered = self._call("GET", url).json().get("transitions") or []
        done = [
            t
            for t in offered
            if ((t.get("to") or {}).get("statusCategory") or {}).get("key") == "done"
        ]
        if not done:
            names = ", ".join(str(t.get("name")) for t in offered) or "none"
            raise TrackerError(
                f"issue {key} has no transition into a done status (offered: {names})",
                where=self.name,
                fix="close it in Jira, or give the workflow a transition to Done",
            )
        chosen = done[0]
        if status is ActionStatus.NOT_DOING:
            dropped = [t for t in done if _dropped_name(str(t.get("name") or ""))]
            chosen = dropped[0] if dropped else chosen
        self._call("POST", url, json={"transition": {"id": str(chosen["id"])}})
        return self.read(key)

    def find_marked(self, marker: str) -> list[Issue]:
        item = marked_item(marker)
        clause = f'labels = "{marker}"' if self.labels_field == "labels" else f'text ~ "{marker}"'
        jql = f'project = "{self.project}" AND {clause}'
        found: list[dict[str, Any]] = []
        token: str | None = None
        start = 0
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"jql": jql, "fields": FIELDS, "maxResults": PAGE}
            if self.cloud:
                if token:
                    params["nextPageToken"] = token
                page = self._call("GET", f"{self.api}/search/jql", params=params).json()
            else:
                params["startAt"] = start
                page = self._call("GET", f"{self.api}/search", params=params).json()
            issues = page.get("issues") or []
            found.extend(issues)
            if self.cloud:
                token = page.get("nextPageToken")
                if not token or page.get("isLast"):
                    break
            else:
                start += len(issues)
                if not issues or start >= int(page.get("total", 0)):
                    break
        return [
            self._issue(data)
            for data in found
            if item is not None
            and (
                marker in ((data.get("fields") or {}).get("labels") or [])
                or carries_marker(adf_text((data.get("fields") or {}).get("description")), item)
            )
        ]
