"""Local stand-ins for GitHub, GitLab and Jira: a real HTTP server in a thread that keeps
issues in memory and answers the slice of each REST API the trackers use, with the vendors'
documented shapes (auth headers checked, 401 on a wrong token, Link-header and token
pagination, search). Tests may close issues, inject an error, or SIGKILL the client the moment
an issue has been created (before the answer reaches it)."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

TOKEN = "s3cret-token"
# A workflow with two ways into the done category (Jira transitions' documented shape).
TRANSITIONS = [
    {
        "id": "11",
        "name": "Start",
        "to": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}},
    },
    {"id": "31", "name": "Done", "to": {"name": "Done", "statusCategory": {"key": "done"}}},
    {"id": "41", "name": "Won't Do", "to": {"name": "Closed", "statusCategory": {"key": "done"}}},
]
EMAIL = "bot@example.com"


@dataclass
class Issue:
    number: int
    title: str
    body: str
    labels: list[str]
    due: str | None = None
    state: str = "open"  # open | closed
    reason: str | None = None  # github state_reason, jira resolution, gitlab label


@dataclass
class StandIn:
    kind: str  # github | gitlab | jira
    base: str = ""
    repo: str = "acme/web"  # github repo, gitlab project path, jira project key
    issues: list[Issue] = field(default_factory=list)
    kill_on_create: int | None = None  # a pid to SIGKILL right after an issue is stored
    fail_next: tuple[int, dict[str, str], dict[str, Any]] | None = None
    search_lags: bool = False  # GitHub's search index has not seen new issues yet
    page_size: int = 2
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def by_marker(self, marker: str) -> list[Issue]:
        return [i for i in self.issues if re.search(re.escape(marker) + r"\b", i.body)]

    def close(self, number: int, reason: str | None = None) -> None:
        issue = self.issues[number - 1]
        issue.state, issue.reason = "closed", reason

    # Shapes -----------------------------------------------------------------------------------

    def url_of(self, issue: Issue) -> str:
        if self.kind == "github":
            return f"{self.base}/{self.repo}/issues/{issue.number}"
        if self.kind == "gitlab":
            return f"{self.base}/{self.repo}/-/issues/{issue.number}"
        return f"{self.base}/browse/{self.repo}-{issue.number}"

    def shape(self, issue: Issue) -> dict[str, Any]:
        if self.kind == "github":
            return {
                "number": issue.number,
                "html_url": self.url_of(issue),
                "title": issue.title,
                "body": issue.body,
                "labels": [{"name": n} for n in issue.labels],
                "state": issue.state,
                "state_reason": issue.reason if issue.state == "closed" else None,
            }
        if self.kind == "gitlab":
            labels = issue.labels + ([issue.reason] if issue.reason else [])
            return {
                "iid": issue.number,
                "web_url": self.url_of(issue),
                "title": issue.title,
                "description": issue.body,
                "labels": labels,
                "due_date": issue.due,
                "state": "closed" if issue.state == "closed" else "opened",
            }
        done = issue.state == "closed"
        return {
            "id": str(10000 + issue.number),
            "key": f"{self.repo}-{issue.number}",
            "fields": {
                "summary": issue.title,
                "description": json.loads(issue.body) if issue.body.startswith("{") else issue.body,
                "labels": issue.labels,
                "duedate": issue.due,
                "status": {
                    "name": "Done" if done else "To Do",
                    "statusCategory": {"key": "done" if done else "new"},
                },
                "resolution": {"name": issue.reason or "Done"} if done else None,
            },
        }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _authorised(self, state: StandIn) -> bool:
        header = self.headers.get("Authorization", "")
        if state.kind == "github":
            return header == f"Bearer {TOKEN}"
        if state.kind == "gitlab":
            return self.headers.get("PRIVATE-TOKEN") == TOKEN
        basic = "Basic " + base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
        return header in (basic, f"Bearer {TOKEN}")

    def _handle(self, method: str) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length) or b"{}") if length else {}
        with state.lock:
            state.requests.append((method, self.path))
            if not self._authorised(state):
                message = {
                    "github": {"message": "Bad credentials"},
                    "gitlab": {"message": "401 Unauthorized"},
                }
                return self._send(401, message.get(state.kind, {"errorMessages": ["Unauthorized"]}))
            if state.fail_next is not None:
                status, headers, body = state.fail_next
                state.fail_next = None
                return self._send(status, body, headers)
            routed = getattr(self, f"_{state.kind}")(state, method, path, query, payload)
        if routed is None:
            self._send(404, {"message": "Not Found"})

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_PUT(self) -> None:
        self._handle("PUT")

    # One route table per vendor ---------------------------------------------------------------

    def _created(self, state: StandIn, issue: Issue, answer: dict[str, Any]) -> bool:
        state.issues.append(issue)
        if state.kill_on_create is not None:
            os.kill(state.kill_on_create, signal.SIGKILL)  # the client dies before the answer
            state.kill_on_create = None
        self._send(201, answer)
        return True

    def _paged(self, state: StandIn, items: list[Any], query: dict[str, list[str]]) -> None:
        page = int(query.get("page", ["1"])[0])
        size = state.page_size
        chunk = items[(page - 1) * size : page * size]
        headers = {}
        if page * size < len(items):
            rest = {k: v[0] for k, v in query.items() if k != "page"}
            rest["page"] = str(page + 1)
            qs = "&".join(f"{k}={quote(v)}" for k, v in rest.items())
            headers["Link"] = f'<{state.base}{urlsplit(self.path).path}?{qs}>; rel="next"'
        self._send(200, chunk, headers)

    def _github(self, state: StandIn, method: str, path: str, query: Any, payload: Any) -> Any:
        issues_path = f"/api/v3/repos/{state.repo}/issues"
        if method == "POST" and path == issues_path:
            if not payload.get("title"):
                return self._send(
                    422,
                    {
                        "message": "Validation Failed",
                        "errors": [{"field": "title", "code": "missing_field"}],
                    },
                )
            issue = Issue(
                len(state.issues) + 1,
                payload["title"],
                payload.get("body", ""),
                payload.get("labels", []),
            )
            return self._created(state, issue, state.shape(issue))
        if method == "GET" and path == issues_path:
            newest = sorted(state.issues, key=lambda i: -i.number)
            return self._paged(state, [state.shape(i) for i in newest], query)
        found = re.fullmatch(re.escape(issues_path) + r"/(\d+)", path)
        if method == "GET" and found and int(found.group(1)) <= len(state.issues):
            return self._send(200, state.shape(state.issues[int(found.group(1)) - 1]))
        if method == "PATCH" and found and int(found.group(1)) <= len(state.issues):
            issue = state.issues[int(found.group(1)) - 1]
            if payload.get("state") == "closed":
                state.close(issue.number, payload.get("state_reason") or "completed")
            return self._send(200, state.shape(issue))
        if method == "GET" and path == "/api/v3/search/issues":
            term = re.search(r'"([^"]+)"', query.get("q", [""])[0])
            hits = [] if state.search_lags or not term else state.by_marker(term.group(1))
            items = [state.shape(i) for i in hits]
            page = int(query.get("page", ["1"])[0])
            chunk = items[(page - 1) * state.page_size : page * state.page_size]
            headers = {}
            if page * state.page_size < len(items):
                q = quote(query["q"][0])
                headers["Link"] = (
                    f'<{state.base}/api/v3/search/issues?q={q}&page={page + 1}>; rel="next"'
                )
            return self._send(200, {"total_count": len(items), "items": chunk}, headers)
        return None

    def _gitlab(self, state: StandIn, method: str, path: str, query: Any, payload: Any) -> Any:
        issues_path = f"/api/v4/projects/{state.repo}/issues"
        if method == "POST" and path == issues_path:
            labels = [x for x in payload.get("labels", "").split(",") if x]
            issue = Issue(
                len(state.issues) + 1,
                payload["title"],
                payload.get("description", ""),
                labels,
                payload.get("due_date"),
            )
            return self._created(state, issue, state.shape(issue))
        if method == "GET" and path == issues_path:
            term = query.get("search", [""])[0]
            hits = state.by_marker(term) if term else state.issues
            return self._paged(state, [state.shape(i) for i in hits], query)
        found = re.fullmatch(re.escape(issues_path) + r"/(\d+)", path)
        if method == "GET" and found and int(found.group(1)) <= len(state.issues):
            return self._send(200, state.shape(state.issues[int(found.group(1)) - 1]))
        if method == "PUT" and found and int(found.group(1)) <= len(state.issues):
            issue = state.issues[int(found.group(1)) - 1]
            if payload.get("state_event") == "close":
                state.close(issue.number, payload.get("add_labels"))
            return self._send(200, state.shape(issue))
        return None

    def _jira(self, state: StandIn, method: str, path: str, query: Any, payload: Any) -> Any:
        api = "/rest/api/3" if "/rest/api/3/" in path else "/rest/api/2"
        if method == "POST" and path == f"{api}/issue":
            fields = payload["fields"]
            if fields.get("project", {}).get("key") != state.repo:
                return self._send(
                    400, {"errorMessages": [], "errors": {"project": "valid project is required"}}
                )
            description = fields.get("description", "")
            body = json.dumps(description) if isinstance(description, dict) else description
            issue = Issue(
                len(state.issues) + 1,
                fields["summary"],
                body,
                fields.get("labels", []),
                fields.get("duedate"),
            )
            key = f"{state.repo}-{issue.number}"
            return self._created(
                state,
                issue,
                {
                    "id": str(10000 + issue.number),
                    "key": key,
                    "self": f"{state.base}{api}/issue/{key}",
                },
            )
        moves = re.fullmatch(
            re.escape(api) + rf"/issue/{re.escape(state.repo)}-(\d+)/transitions", path
        )
        if moves and int(moves.group(1)) <= len(state.issues):
            if method == "GET":
                return self._send(200, {"transitions": TRANSITIONS})
            chosen = next(t for t in TRANSITIONS if t["id"] == payload["transition"]["id"])
            if chosen["to"]["statusCategory"]["key"] == "done":
                state.close(int(moves.group(1)), chosen["name"])
            self.send_response(204)
            self.end_headers()
            return True
        found = re.fullmatch(re.escape(api) + rf"/issue/{re.escape(state.repo)}-(\d+)", path)
        if method == "GET" and found and int(found.group(1)) <= len(state.issues):
            return self._send(200, state.shape(state.issues[int(found.group(1)) - 1]))
        if method == "GET" and path in (f"{api}/search/jql", f"{api}/search"):
            label = re.search(r'labels = "([^"]+)"', query.get("jql", [""])[0])
            hits = [i for i in state.issues if label and label.group(1) in i.labels]
            shaped = [state.shape(i) for i in hits]
            size = state.page_size
            if path.endswith("/jql"):  # Cloud: nextPageToken
                start = int(query.get("nextPageToken", ["0"])[0])
                chunk = shaped[start : start + size]
                more = start + size < len(shaped)
                body = {"issues": chunk, "isLast": not more}
                if more:
                    body["nextPageToken"] = str(start + size)
                return self._send(200, body)
            start = int(query.get("startAt", ["0"])[0])
            return self._send(
                200,
                {
                    "startAt": start,
                    "maxResults": size,
                    "total": len(shaped),
                    "issues": shaped[start : start + size],
                },
            )
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: StandIn


@contextmanager
def standin(kind: str, repo: str | None = None) -> Iterator[StandIn]:
    state = StandIn(
        kind, repo=repo or {"github": "acme/web", "gitlab": "acme/web", "jira": "OPS"}[kind]
    )
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = state
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def environment(state: StandIn, token: str = TOKEN) -> dict[str, str]:
    """The HINDSIGHT_* settings that point the CLI at this stand-in."""
    if state.kind == "github":
        return {
            "HINDSIGHT_TRACKER": "github",
            "HINDSIGHT_GITHUB_API_URL": f"{state.base}/api/v3",
            "HINDSIGHT_GITHUB_REPO": state.repo,
            "HINDSIGHT_GITHUB_TOKEN": token,
        }
    if state.kind == "gitlab":
        return {
            "HINDSIGHT_TRACKER": "gitlab",
            "HINDSIGHT_GITLAB_URL": state.base,
            "HINDSIGHT_GITLAB_PROJECT": state.repo,
            "HINDSIGHT_GITLAB_TOKEN": token,
        }
    return {
        "HINDSIGHT_TRACKER": "jira",
        "HINDSIGHT_JIRA_URL": state.base,
        "HINDSIGHT_JIRA_PROJECT": state.repo,
        "HINDSIGHT_JIRA_EMAIL": EMAIL,
        "HINDSIGHT_JIRA_API_TOKEN": token,
    }
