"""One way to call a tracker and to explain its refusals: 401 (bad token), 403, 404 (wrong
project or repository), 400/422 (validation, with the tracker's own messages), 429 and
GitHub's exhausted rate limit (with the wait, from Retry-After or the reset time), 5xx and
network failures. Nothing is retried here: a sync stops at the first error, and what it has
already saved is whole."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx

from hindsight.trackers.base import TrackerError

SETTINGS = {
    "github": "HINDSIGHT_GITHUB_TOKEN / HINDSIGHT_GITHUB_REPO",
    "gitlab": "HINDSIGHT_GITLAB_TOKEN / HINDSIGHT_GITLAB_PROJECT",
    "jira": "HINDSIGHT_JIRA_API_TOKEN (or HINDSIGHT_JIRA_PAT) / HINDSIGHT_JIRA_PROJECT",
}


def call(
    client: httpx.Client, tracker: str, method: str, url: str, **options: Any
) -> httpx.Response:
    try:
        response = client.request(method, url, **options)
    except httpx.TimeoutException:
        raise TrackerError(
            f"{tracker} did not answer {method} {url} in time",
            where=tracker,
            fix="try again later, or raise HINDSIGHT_TRACKER_TIMEOUT_S",
        ) from None
    except httpx.HTTPError as error:
        raise TrackerError(
            f"cannot reach {tracker} at {url}: {error}",
            where=tracker,
            fix="check the tracker's URL setting and the network",
        ) from None
    if response.is_success:
        return response
    raise explain(tracker, method, url, response)


def retry_after(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds to wait: Retry-After (seconds or an HTTP date), else a rate-limit reset time."""
    now = time.time() if now is None else now
    value = response.headers.get("retry-after")
    if value:
        if value.strip().isdigit():
            return float(value.strip())
        parsed = email.utils.parsedate_to_datetime(value)
        if parsed is not None:
            return max(0.0, parsed.timestamp() - now)
    reset = response.headers.get("x-ratelimit-reset")
    if reset and reset.strip().isdigit() and response.headers.get("x-ratelimit-remaining") == "0":
        return max(0.0, float(reset) - now)
    return None


def _messages(response: httpx.Response) -> str:
    """The tracker's own words: GitHub's message/errors, GitLab's message/error, Jira's
    errorMessages/errors."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text[:300].strip()
    parts: list[str] = []
    if isinstance(data, dict):
        for key in ("message", "error", "error_description"):
            if isinstance(data.get(key), str | dict | list):
                parts.append(_flat(data[key]))
        for key in ("errors", "errorMessages"):
            if data.get(key):
                parts.append(_flat(data[key]))
    return "; ".join(p for p in parts if p)[:500] or response.text[:300].strip()


def _flat(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_flat(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_flat(v) for v in value)
    return str(value)


def explain(tracker: str, method: str, url: str, response: httpx.Response) -> TrackerError:
    status = response.status_code
    said = _messages(response)
    head = f"{tracker} answered {status} to {method} {url}" + (f": {said}" if said else "")
    wait = retry_after(response)
    limited = status == 429 or (status == 403 and wait is not None)
    if limited:
        seconds = int(wait) if wait is not None else None
        when = f"wait {seconds} s" if seconds is not None else "wait a while"
        if wait is not None:
            until = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)
            when += f" (until {until:%H:%M:%S} UTC)"
        return TrackerError(
            f"{tracker} rate limit reached — {head}",
            where=tracker,
            fix=f"{when}, then run the sync again: it continues where it stopped",
            status=status,
            retry_after_s=wait,
        )
    fixes = {
        401: f"the token was refused: check {SETTINGS[tracker].split(' / ')[0]} (expired, "
        "revoked or mistyped)",
        403: "the token may not do this: give it permission to create and read issues",
        404: f"no such project or issue: check {SETTINGS[tracker].split(' / ')[-1]} and the "
        "token's access to it",
        400: "the tracker refused the issue's fields: see its message (a required field, an "
        "unknown label or issue type, a due-date field the screen lacks)",
        410: "issues are disabled for this project: enable them or configure another one",
        422: "the tracker refused the issue's fields: see its message (labels, issue type, "
        "due-date field)",
    }
    fix = fixes.get(status) or (
        "the tracker failed: try again later" if status >= 500 else "see the tracker's message"
    )
    return TrackerError(head, where=tracker, fix=fix, status=status)


def pages(
    client: httpx.Client, tracker: str, url: str, *, limit: int = 10, **options: Any
) -> Iterator[httpx.Response]:
    """The first `limit` pages of a listing that links its next page (RFC 8288 Link header,
    as GitHub and GitLab do)."""
    next_url: str | None = url
    first = True
    for _ in range(limit):
        if next_url is None:
            return
        # The next link carries the query; headers (the token) go with every page.
        current = options if first else {k: v for k, v in options.items() if k != "params"}
        response = call(client, tracker, "GET", next_url, **current)
        first = False
        yield response
        next_url = response.links.get("next", {}).get("url")
