"""Settings of the server and of the store-backed commands: the only module that reads the
environment.

Every setting is a `HINDSIGHT_*` variable (or a keyword to `Settings(...)` in tests and in
`create_app`). Nothing reads them at import time; the composition root builds one `Settings`
and passes it down.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

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
            "Signs the web UI's session cookies. Set it (32+ random characters) so sessions "
            "survive restarts and work across several app servers; unset, each process makes "
            "its own and signing in again after a restart is the price."
        ),
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

    # --- publishing (services.publishing): Slack announcements, outgoing webhooks -----------
    slack_bot_token: SecretStr | None = Field(
        default=None,
        description="Slack bot token (xoxb-…, scope chat:write) for the publish announcement "
        "(chat.postMessage in the incident's channel and `slack_announce_channel`).",
    )
    slack_announce_channel: str | None = Field(
        default=None,
        description="A channel (id or #name) every published postmortem is announced in.",
    )
    slack_api_url: str = Field(
        default="https://slack.com/api",
        description="Slack's Web API base URL (a stand-in server's in tests).",
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
    public_url: str | None = Field(
        default=None,
        description="The server's public base URL, for permalinks in announcements.",
    )

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
    def pagerduty_secret_list(self) -> tuple[str, ...]:
        raw = self.pagerduty_secrets.get_secret_value() if self.pagerduty_secrets else ""
        return tuple(part.strip() for part in raw.split(",") if part.strip())

    def unsigned_allowed(self, source: str) -> bool:
        """Whether `source` may deliver without a signature when no secret is configured."""
        names = {part.strip().lower() for part in self.allow_unsigned_sources.split(",")}
        return self.allow_unsigned or source in names


def load_settings() -> Settings:
    """The settings from the environment, or a `ConfigError` naming the bad variable."""
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = "HINDSIGHT_" + str(first["loc"][0]).upper() if first["loc"] else "HINDSIGHT_*"
        raise ConfigError(
            f"{first['msg']} (got {first.get('input')!r})",
            where=name,
            fix="correct or unset the environment variable",
        ) from None
