"""The deployment's one tracker, from its settings; a missing setting is a `ConfigError`
that names it."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from hindsight.core.errors import ConfigError
from hindsight.settings import Settings
from hindsight.trackers.base import Tracker
from hindsight.trackers.github import GitHubTracker
from hindsight.trackers.gitlab import GitLabTracker
from hindsight.trackers.jira import JiraTracker


def _need(value: str | SecretStr | None, name: str, what: str) -> str:
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if not text or not text.strip():
        raise ConfigError(f"{what} is not set", where=name, fix=f"set {name}")
    return text.strip()


def configured(settings: Settings, client: httpx.Client) -> Tracker:
    if settings.tracker == "github":
        return GitHubTracker(
            client,
            api_url=settings.github_api_url,
            repo=_need(settings.github_repo, "HINDSIGHT_GITHUB_REPO", "the GitHub repository"),
            token=_need(settings.github_token, "HINDSIGHT_GITHUB_TOKEN", "the GitHub token"),
        )
    if settings.tracker == "gitlab":
        return GitLabTracker(
            client,
            url=settings.gitlab_url,
            project=_need(settings.gitlab_project, "HINDSIGHT_GITLAB_PROJECT", "the project"),
            token=_need(settings.gitlab_token, "HINDSIGHT_GITLAB_TOKEN", "the GitLab token"),
        )
    if settings.tracker == "jira":
        url = _need(settings.jira_url, "HINDSIGHT_JIRA_URL", "the Jira site")
        project = _need(settings.jira_project, "HINDSIGHT_JIRA_PROJECT", "the Jira project key")
        common = {
            "url": url,
            "project": project,
            "issue_type": settings.jira_issue_type,
            "due_field": settings.jira_due_field,
            "labels_field": settings.jira_labels_field,
        }
        if settings.jira_pat is not None:
            return JiraTracker(
                client, pat=_need(settings.jira_pat, "HINDSIGHT_JIRA_PAT", "PAT"), **common
            )
        return JiraTracker(
            client,
            email=_need(settings.jira_email, "HINDSIGHT_JIRA_EMAIL", "the Jira account's email"),
            api_token=_need(
                settings.jira_api_token,
                "HINDSIGHT_JIRA_API_TOKEN",
                "the Jira API token (or HINDSIGHT_JIRA_PAT on Data Center)",
            ),
            **common,
        )
    raise ConfigError(
        "no issue tracker is configured",
        where="HINDSIGHT_TRACKER",
        fix="set HINDSIGHT_TRACKER to github, gitlab or jira, with its settings (docs/config.md)",
    )
