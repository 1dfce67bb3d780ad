"""Tracker references read out of a Tracking cell: which tracker, the issue's key, its URL.

`https://github.com/acme/web/issues/12` is GitHub's `acme/web#12`; `…/group/proj/-/issues/7`
is GitLab's `group/proj#7`; `…/browse/OPS-3` is Jira's `OPS-3`. A bare `OPS-3` is a key
without a tracker we could name; a URL we do not recognise is kept as a URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROVIDERS = ("github", "gitlab", "jira")

_URL = re.compile(r"https?://[^\s<>()\[\]|]+")
_GITLAB = re.compile(r"^https?://[^/]+/(?P<project>.+?)/-/(?:issues|work_items)/(?P<n>\d+)\b")
_GITHUB = re.compile(r"^https?://[^/]+/(?P<repo>[^/]+/[^/]+)/issues/(?P<n>\d+)\b")
_JIRA = re.compile(r"^https?://.+?/browse/(?P<key>[A-Z][A-Z0-9_]+-\d+)\b")
_JIRA_KEY = re.compile(r"\b[A-Z][A-Z0-9_]+-\d+\b")
_ISSUE_NUMBER = re.compile(r"(?<![\w/])#(?P<n>\d+)\b")


@dataclass(frozen=True)
class TrackerRef:
    provider: str | None  # github, gitlab, jira; None when the cell does not say
    key: str | None  # acme/web#12, group/proj#7, OPS-3
    url: str | None

    @property
    def identity(self) -> str | None:
        """What two cells that point at the same issue share."""
        return self.url or self.key


def parse_tracking(text: str | None) -> TrackerRef | None:
    """The first issue reference in a Tracking cell (Markdown links included)."""
    if not text or not text.strip():
        return None
    url_match = _URL.search(text)
    if url_match:
        url = url_match.group(0).rstrip(".,;:")
        for pattern, provider in ((_GITLAB, "gitlab"), (_GITHUB, "github")):
            found = pattern.match(url)
            if found:
                where = found.group("project" if provider == "gitlab" else "repo")
                return TrackerRef(provider, f"{where}#{found.group('n')}", url)
        jira = _JIRA.match(url)
        if jira:
            return TrackerRef("jira", jira.group("key"), url)
        return TrackerRef(None, None, url)
    key = _JIRA_KEY.search(text)
    if key:
        return TrackerRef(None, key.group(0), None)
    number = _ISSUE_NUMBER.search(text)
    if number:
        return TrackerRef(None, f"#{number.group('n')}", None)
    return None
