"""Settings of the server and of the store-backed commands: the only module that reads the
environment.

Every setting is a `HINDSIGHT_*` variable (or a keyword to `Settings(...)` in tests and in
`create_app`). Nothing reads them at import time; the composition root builds one `Settings`
and passes it down.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from croniter import croniter
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hindsight.core.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///./hindsight.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HINDSIGHT_", extra="ignore", frozen=True, populate_by_name=True
    )

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="Where the store lives: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB.",
    )
    correlation_window_minutes: int = Field(
        default=60,
        ge=0,
        le=7 * 24 * 60,
        description=(
            "An alert with no correlation key joins an open incident of the same service whose "
            "last event is at most this many minutes older."
        ),
    )
    change_lookback_hours: int = Field(
        default=24,
        ge=0,
        le=24 * 30,
        description=(
            "When an incident opens, or a service joins it, the changes to its services from "
            "this many hours before it opened join its cause lane."
        ),
    )
    ingest_batch_lines: int = Field(
        default=5000,
        ge=1,
        le=1_000_000,
        description="Lines of a JSON Lines stream committed per transaction by `hindsight ingest`.",
    )
    ingest_workers: int | None = Field(
        default=None,
        ge=0,
        le=64,
        description=(
            "Processes that parse a JSON Lines stream ahead of `hindsight ingest`'s writes "
            "(default: one per CPU beyond the first, at most 4; 0: parse in the one process)."
        ),
    )
    prometheus_url: str | None = Field(
        default=None,
        description="The Prometheus the server's drafts read impact from (query_range), with "
        "the [impact] queries of the server's hindsight.toml (overrides [impact.prometheus] "
        "url).",
    )
    lint_config: str | None = Field(
        default=None,
        description=(
            "The hindsight.toml (or pyproject.toml) whose [lint] settings the server's checks "
            "use and whose [policy] (the trigger table, the publishing gate) it decides by "
            "(default: the nearest one above the directory the server runs in), so the API "
            "and the web UI find what `hindsight lint` finds."
        ),
    )
    editor: str = Field(
        default="vi",
        validation_alias=AliasChoices("HINDSIGHT_EDITOR", "VISUAL", "EDITOR"),
        description="The editor `hindsight postmortem edit` opens ($HINDSIGHT_EDITOR, $VISUAL, "
        "$EDITOR).",
    )

    user: str = Field(
        default="hindsight",
        validation_alias=AliasChoices("HINDSIGHT_USER", "USER", "LOGNAME", "USERNAME"),
        description="Who the CLI records as the author of revisions and audit entries.",
    )

    # --- the server (`hindsight serve`) ---------------------------------------------------------
    auth: Literal["token", "none"] = Field(
        default="token",
        description="`token`: every API call needs a bearer token (`hindsight token create`). "
        "`none`: no sign-in, everyone is admin; allowed only on a loopback address.",
    )
    load_sample: bool = Field(
        default=False,
        description="Load the built-in sample incident and its postmortem at start (idempotent).",
    )
    api_max_body_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest API request body accepted."
    )
    hook_max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Largest webhook delivery accepted."
    )
    delivery_queue_depth: int = Field(
        default=1024,
        ge=1,
        le=1_000_000,
        description="Webhook deliveries a server process takes at once (read, parse, store); "
        "past it further ones get 503 with Retry-After (the senders retry) instead of waiting.",
    )
    page_renders: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Incident pages a server process renders at once; more viewers wait their "
        "turn, so a crowd opening a large incident cannot starve webhook deliveries of CPU.",
    )
    auth_failure_limit: int = Field(
        default=20,
        ge=1,
        description="Failed authentications per client address and window before 429.",
    )
    auth_failure_window_s: int = Field(
        default=60, ge=1, description="The window, in seconds, of `auth_failure_limit`."
    )
    log_json: bool | None = Field(
        default=None, description="JSON log lines (default: when standard error is not a TTY)."
    )
    github_secret: SecretStr | None = Field(
        default=None, description="GitHub webhook secret (X-Hub-Signature-256)."
    )
    pagerduty_secrets: SecretStr | None = Field(
        default=None,
        description="PagerDuty webhook secrets, comma-separated (several while rotating).",
    )
    session_secret: SecretStr | None = Field(
        default=None,
        description=(
            "Signs the web UI's CSRF tokens. Set it (32+ random characters) so open forms "
            "survive restarts and work across several app servers; unset, each process makes "
            "its own (sessions themselves are kept in the store)."
        ),
    )
    session_lifetime_s: int = Field(
        default=12 * 60 * 60,
        ge=60,
        le=30 * 24 * 60 * 60,
        description="How long a web UI sign-in lasts, in seconds (sessions are kept in the store).",
    )
    metrics_public: bool = Field(
        default=False,
        description="Serve `/metrics` without a token (for a scraper on a trusted network); "
        "otherwise it needs a viewer token like the API.",
    )
    body_timeout_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="A request whose body stalls longer than this, in seconds, between two "
        "chunks is answered 408 and closed.",
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, description="Slack app signing secret (v0 signatures)."
    )
    slack_replay_window_s: int = Field(
        default=300, ge=1, le=3600, description="Oldest Slack request timestamp accepted, seconds."
    )
    grafana_secret: SecretStr | None = Field(
        default=None, description="Grafana contact point HMAC secret (X-Grafana-Alerting-*)."
    )
    grafana_replay_window_s: int = Field(
        default=300, ge=1, le=3600, description="Oldest Grafana signature timestamp accepted."
    )
    opsgenie_token: SecretStr | None = Field(
        default=None, description="Shared token Opsgenie sends in the X-Incident-Token header."
    )
    alertmanager_token: SecretStr | None = Field(
        default=None, description="Bearer token Alertmanager sends (http_config.authorization)."
    )
    generic_token: SecretStr | None = Field(
        default=None, description="Bearer token for POST /hooks/generic."
    )
    webhook_secrets: SecretStr | None = Field(
        default=None,
        description='Webhook secrets by source name, a JSON object: `{"<source>": "secret"}`, '
        "or a list of secrets while rotating. Used beside the variables some sources have of "
        "their own (`HINDSIGHT_GITHUB_SECRET` and the like); a delivery may match any.",
    )
    webhook_replay_window_s: int = Field(
        default=300,
        ge=1,
        le=3600,
        description="Oldest signed request timestamp accepted, seconds, for a source without a "
        "window setting of its own.",
    )
    allow_unsigned: bool = Field(
        default=False,
        description="Accept deliveries from every source whose secret is not configured "
        "(a laptop, never a shared server).",
    )
    allow_unsigned_sources: str = Field(
        default="",
        description="Comma-separated sources that may deliver unsigned when their secret is not "
        "configured, e.g. `alertmanager,generic`.",
    )

    @field_validator("webhook_secrets", mode="before")
    @classmethod
    def _secrets_json(cls, value: object) -> object:
        if isinstance(value, dict):  # given as a mapping (tests, create_app)
            value = json.dumps(value)
        if isinstance(value, str) and value.strip():
            _secret_map(value)  # refuse a malformed mapping at start, not at the first delivery
        return value

    # --- follow-ups: the issue tracker, its webhooks, reminders ---------------------------------
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The web UI's address as its users reach it: tracker issues and reminders "
        "link to `<public_url>/incidents/<slug>`.",
    )
    tracker: Literal["none", "github", "gitlab", "jira"] = Field(
        default="none",
        description="The issue tracker `hindsight actions sync` opens action items in (one per "
        "deployment): github, gitlab or jira.",
    )
    tracker_timeout_s: float = Field(
        default=30.0, gt=0, le=300, description="Seconds to wait for the tracker's answer."
    )
    github_repo: str | None = Field(
        default=None, description="GitHub Issues: the repository, `owner/name`."
    )
    github_token: SecretStr | None = Field(
        default=None, description="GitHub Issues: a token that may create and read issues."
    )
    github_api_url: str = Field(
        default="https://api.github.com",
        description="GitHub's REST API (GitHub Enterprise Server: `https://HOST/api/v3`).",
    )
    gitlab_url: str = Field(
        default="https://gitlab.com", description="GitLab Issues: the instance's address."
    )
    gitlab_project: str | None = Field(
        default=None, description="GitLab Issues: the project, by id or `group/path`."
    )
    gitlab_token: SecretStr | None = Field(
        default=None, description="GitLab Issues: a personal, project or group access token."
    )
    gitlab_webhook_token: SecretStr | None = Field(
        default=None, description="The secret token GitLab's Issue Hook sends (X-Gitlab-Token)."
    )
    jira_url: str | None = Field(
        default=None, description="Jira: the site, e.g. `https://acme.atlassian.net`."
    )
    jira_project: str | None = Field(default=None, description="Jira: the project key, e.g. OPS.")
    jira_email: str | None = Field(
        default=None, description="Jira Cloud: the account's email (with HINDSIGHT_JIRA_API_TOKEN)."
    )
    jira_api_token: SecretStr | None = Field(
        default=None, description="Jira Cloud: an API token of HINDSIGHT_JIRA_EMAIL's account."
    )
    jira_pat: SecretStr | None = Field(
        default=None,
        description="Jira Data Center: a personal access token (used instead of email and API "
        "token; selects the REST API v2).",
    )
    jira_issue_type: str = Field(
        default="Task", description="Jira: the issue type action items are created as."
    )
    jira_due_field: str = Field(
        default="duedate",
        description="Jira: the field the due date goes in (`duedate`, or a "
        "custom field id such as `customfield_10042`; empty: none).",
    )
    jira_labels_field: str = Field(
        default="labels", description="Jira: the field the type labels go in (empty: none)."
    )
    slack_bot_token: SecretStr | None = Field(
        default=None,
        description="Follow-up reminders: a Slack bot token (`xoxb-…`, scope chat:write) that "
        "`hindsight actions remind` posts with.",
    )
    slack_reminder_channel: str | None = Field(
        default=None, description="Follow-up reminders: the Slack channel id (or #name) to post in."
    )
    slack_users: str = Field(
        default="",
        description="Follow-up reminders: owners' names to Slack user ids, comma-separated "
        "`Priya Raman=U01PRIYA,jonas=U02JONAS`, so a reminder mentions the owner.",
    )
    slack_api_url: str = Field(
        default="https://slack.com/api", description="Slack's Web API (a proxy or a stand-in)."
    )
    reminder_due_soon_days: int = Field(
        default=3, ge=0, le=60, description="Remind of open follow-ups due within this many days."
    )
    jira_webhook_secret: SecretStr | None = Field(
        default=None,
        description="Jira webhooks' shared secret (the X-Hub-Signature HMAC of the body).",
    )

    # --- publishing (services.publishing): Slack announcements, outgoing webhooks -----------
    slack_announce_channel: str | None = Field(
        default=None,
        description="A channel (id or #name) every published postmortem is announced in.",
    )
    webhook_urls: str = Field(
        default="",
        description="Comma-separated URLs that receive the signed lifecycle events "
        "(incident.resolved, postmortem.status_changed, postmortem.published).",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Signs outgoing webhooks: X-Hindsight-Signature: sha256=HMAC(secret, "
        "timestamp + '.' + body), with X-Hindsight-Timestamp.",
    )
    webhook_attempts: int = Field(
        default=5, ge=1, le=20, description="Attempts per outgoing delivery before it is failed."
    )
    webhook_backoff_s: float = Field(
        default=2.0, ge=0, le=600, description="Seconds before the first retry (doubling after)."
    )

    # --- background jobs (services.jobs; runtime.jobs): outbox, reminders, tracker sync -----
    jobs: Literal["inline", "worker"] = Field(
        default="inline",
        description="Where background jobs run: `inline` inside the server process (any store; "
        "the only choice on SQLite), or `worker` on PostgreSQL's job queue, run by "
        "`hindsight worker` processes (the server then only defers jobs).",
    )
    jobs_attempts: int = Field(
        default=5, ge=1, le=20, description="Runs of a failing job before it is failed."
    )
    jobs_backoff_s: float = Field(
        default=2.0,
        ge=0,
        le=3600,
        description="Seconds before a failed job runs again (doubling after each failure).",
    )
    jobs_outbox_cron: str = Field(
        default="* * * * *",
        description="When the outbox is swept for announcements and webhooks still to send "
        "(cron; a 6th field is seconds). A publication also sends at once.",
    )
    jobs_reminders_cron: str = Field(
        default="0 9 * * *",
        description="When follow-up reminders are posted to Slack (cron, UTC; once a day "
        "whatever the schedule: a day's reminder is one delivery).",
    )
    jobs_tracker_sync_cron: str = Field(
        default="*/15 * * * *",
        description="When action items are synced with the issue tracker (cron, UTC; only with "
        "HINDSIGHT_TRACKER set).",
    )
    jobs_watch_s: float = Field(
        default=1.0,
        gt=0,
        le=600,
        description="How often the job runners look for outbox work (a read): an event queued "
        "by any process is sent within this, between the outbox's scheduled sweeps.",
    )
    jobs_keep_days: int = Field(
        default=7,
        ge=1,
        le=3650,
        description="Finished jobs are kept in PostgreSQL's queue this many days (then deleted "
        "by the worker, daily; what /metrics and the API count).",
    )
    jobs_stalled_after_s: float = Field(
        default=30.0,
        ge=1,
        le=3600,
        description="A worker silent this long is taken for dead and its running jobs run "
        "again (workers beat every third of it).",
    )

    @field_validator("jobs_outbox_cron", "jobs_reminders_cron", "jobs_tracker_sync_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if not croniter.is_valid(value):
            raise ValueError(
                f"{value!r} is not a cron expression (minute hour day month weekday [second])"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        scheme = value.split(":", 1)[0]
        if scheme not in ("sqlite", "postgresql", "postgresql+psycopg", "postgres"):
            raise ValueError(
                f"{scheme!r} is not a supported database; use sqlite:///PATH or "
                "postgresql+psycopg://USER@HOST/DB"
            )
        return value

    @property
    def correlation_window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.correlation_window_minutes)

    @property
    def change_lookback(self) -> dt.timedelta:
        return dt.timedelta(hours=self.change_lookback_hours)

    @property
    def pagerduty_secret_list(self) -> tuple[str, ...]:
        raw = self.pagerduty_secrets.get_secret_value() if self.pagerduty_secrets else ""
        return tuple(part.strip() for part in raw.split(",") if part.strip())

    def webhook_secrets_for(self, source: str) -> tuple[str, ...]:
        """Every secret configured for `source`'s webhook: its own variable's (if it has one)
        and `webhook_secrets[source]`; empty if none is."""
        field = SECRET_FIELDS.get(source)
        found: list[str] = []
        if field == "pagerduty_secrets":
            found.extend(self.pagerduty_secret_list)
        elif field is not None:
            value: SecretStr | None = getattr(self, field)
            if value is not None and value.get_secret_value():
                found.append(value.get_secret_value())
        if self.webhook_secrets is not None and self.webhook_secrets.get_secret_value().strip():
            found.extend(_secret_map(self.webhook_secrets.get_secret_value()).get(source, ()))
        return tuple(dict.fromkeys(v for v in found if v))

    def webhook_secret_variable(self, source: str) -> str:
        """The variable to set for `source`'s secret (for messages)."""
        field = SECRET_FIELDS.get(source)
        return f"HINDSIGHT_{field.upper()}" if field else f"HINDSIGHT_WEBHOOK_SECRETS[{source}]"

    def replay_window_for(self, source: str) -> int:
        """The oldest signed request timestamp `source`'s webhook accepts, seconds."""
        field = WINDOW_FIELDS.get(source)
        return int(getattr(self, field)) if field else self.webhook_replay_window_s

    def unsigned_allowed(self, source: str) -> bool:
        """Whether `source` may deliver without a signature when no secret is configured."""
        names = {part.strip().lower() for part in self.allow_unsigned_sources.split(",")}
        return self.allow_unsigned or source in names


def _secret_map(text: str) -> dict[str, tuple[str, ...]]:
    """HINDSIGHT_WEBHOOK_SECRETS read: source → its secrets (a string or a list of them)."""
    shape = "a JSON object of source names to a secret or a list of secrets"
    try:
        value = json.loads(text)
    except ValueError:
        raise ValueError(f"not JSON: expected {shape}") from None
    if not isinstance(value, dict):
        raise ValueError(f"expected {shape}")
    found: dict[str, tuple[str, ...]] = {}
    for source, secrets in value.items():
        listed = [secrets] if isinstance(secrets, str) else secrets
        if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
            raise ValueError(f"{source}: expected a secret or a list of secrets")
        found[source] = tuple(listed)
    return found


# The sources whose secret and replay window have variables of their own (kept working);
# any other source's secret is an entry of HINDSIGHT_WEBHOOK_SECRETS.
SECRET_FIELDS = {
    "github": "github_secret",
    "pagerduty": "pagerduty_secrets",
    "slack": "slack_signing_secret",
    "grafana": "grafana_secret",
    "opsgenie": "opsgenie_token",
    "alertmanager": "alertmanager_token",
    "generic": "generic_token",
}
WINDOW_FIELDS = {"slack": "slack_replay_window_s", "grafana": "grafana_replay_window_s"}


def load_settings() -> Settings:
    """The settings from the environment, or a `ConfigError` naming the bad variable."""
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = "HINDSIGHT_" + str(first["loc"][0]).upper() if first["loc"] else "HINDSIGHT_*"
        secret = "SECRET" in name or "TOKEN" in name  # never echoed
        raise ConfigError(
            first["msg"] if secret else f"{first['msg']} (got {first.get('input')!r})",
            where=name,
            fix="correct or unset the environment variable",
        ) from None
