"""Settings of the server and of the store-backed commands: the only module that reads the
environment.

Every setting is a `HINDSIGHT_*` variable (or a keyword to `Settings(...)` in tests and in
`create_app`). Nothing reads them at import time; the composition root builds one `Settings`
and passes it down.
"""

from __future__ import annotations

import datetime as dt

from pydantic import AliasChoices, Field, ValidationError, field_validator
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
