"""A service and every tool's name for it, as `hindsight.toml` declares it:

    [services.checkout-api]
    title = "Checkout API"
    aliases = ["checkout"]
    pagerduty = { service_id = "PXXXXXX", service_name = "Checkout API (prod)" }
    opsgenie = { entity = "checkout", tags = ["service:checkout"], team = "payments" }
    alertmanager = { labels = { service = "checkout-api" } }
    grafana = { labels = { service = "checkout" } }
    github = { repository = "acme/checkout", environment = "production" }
    gitlab = { project = "acme/checkout-api" }
    slack = { channel = "C0123ABC" }

Every identifier may be one string or a list of them. A bad table is a `ConfigError` naming
the file, the entity and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from hindsight.core.errors import ConfigError

MAX_NAME = 200


@dataclass(frozen=True)
class ServiceEntry:
    name: str  # the canonical name every event's services are mapped to
    origin: str  # the file it was declared in (hindsight.toml, a catalog-info.yaml)
    title: str | None = None
    owner: str | None = None
    aliases: tuple[str, ...] = ()
    pagerduty_ids: tuple[str, ...] = ()
    pagerduty_names: tuple[str, ...] = ()
    opsgenie_entities: tuple[str, ...] = ()
    opsgenie_tags: tuple[str, ...] = ()
    opsgenie_teams: tuple[str, ...] = ()
    alertmanager_labels: tuple[tuple[str, str], ...] = ()
    grafana_labels: tuple[tuple[str, str], ...] = ()
    github_repositories: tuple[str, ...] = ()
    github_environments: tuple[str, ...] = ()
    gitlab_projects: tuple[str, ...] = ()
    slack_channels: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_labels"):
                data[f.name] = dict(value)
            elif isinstance(value, tuple):
                data[f.name] = list(value)
            else:
                data[f.name] = value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ServiceEntry:
        """The inverse of `to_dict` (what the store keeps)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = data.get(f.name)
            if f.name.endswith("_labels"):
                values[f.name] = tuple(sorted((str(k), str(v)) for k, v in (value or {}).items()))
            elif f.name in ("name", "origin"):
                values[f.name] = str(value)
            elif f.name in ("title", "owner"):
                values[f.name] = None if value is None else str(value)
            else:
                values[f.name] = tuple(str(v) for v in value or ())
        return cls(**values)


# Each tool's table and its fields: (toml key, entry field, kind).
_TOOLS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "pagerduty": (
        ("service_id", "pagerduty_ids", "names"),
        ("service_name", "pagerduty_names", "names"),
    ),
    "opsgenie": (
        ("entity", "opsgenie_entities", "names"),
        ("tags", "opsgenie_tags", "names"),
        ("team", "opsgenie_teams", "names"),
    ),
    "alertmanager": (("labels", "alertmanager_labels", "labels"),),
    "grafana": (("labels", "grafana_labels", "labels"),),
    "github": (
        ("repository", "github_repositories", "names"),
        ("environment", "github_environments", "names"),
    ),
    "gitlab": (("project", "gitlab_projects", "names"),),
    "slack": (("channel", "slack_channels", "names"),),
}
_TOP = ("title", "owner", "aliases", *_TOOLS)


def entries_from_table(table: Any, *, origin: str, prefix: str = "services") -> list[ServiceEntry]:
    """Every `[services.<name>]` of a config file's `services` table."""
    if not isinstance(table, Mapping):
        raise ConfigError("expected a table of services", where=f"{origin}: {prefix}")
    return [
        entry_from_table(str(name), body, origin=origin, prefix=prefix)
        for name, body in table.items()
    ]


def entry_from_table(
    name: str, body: Any, *, origin: str, prefix: str = "services"
) -> ServiceEntry:
    where = f"{origin}: {prefix}.{name}"
    canonical = check_name(name, where=where)
    if not isinstance(body, Mapping):
        raise ConfigError("expected a table", where=where, fix=f"write [{prefix}.{name}]")
    unknown = sorted(set(body) - set(_TOP))
    if unknown:
        raise ConfigError(
            f"unknown field {unknown[0]!r}",
            where=f"{where}.{unknown[0]}",
            fix=f"use {', '.join(_TOP)}",
        )
    values: dict[str, Any] = {
        "title": _one(body.get("title"), f"{where}.title"),
        "owner": _one(body.get("owner"), f"{where}.owner"),
        "aliases": names_of(body.get("aliases"), f"{where}.aliases"),
    }
    for tool, spec in _TOOLS.items():
        part = body.get(tool)
        if part is None:
            continue
        if not isinstance(part, Mapping):
            raise ConfigError("expected a table", where=f"{where}.{tool}")
        known = {key for key, _, _ in spec}
        extra = sorted(set(part) - known)
        if extra:
            raise ConfigError(
                f"unknown field {extra[0]!r}",
                where=f"{where}.{tool}.{extra[0]}",
                fix=f"use {', '.join(sorted(known))}",
            )
        for key, field, kind in spec:
            at = f"{where}.{tool}.{key}"
            if kind == "labels":
                values[field] = labels_of(part.get(key), at)
            else:
                values[field] = names_of(part.get(key), at)
    return ServiceEntry(name=canonical, origin=origin, **values)


def check_name(name: str, *, where: str) -> str:
    text = " ".join(str(name).split())
    if not text or len(text) > MAX_NAME:
        raise ConfigError(f"a service name must have 1 to {MAX_NAME} characters", where=where)
    return text


def _one(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError("expected a string", where=where)
    return " ".join(value.split())[:MAX_NAME] or None


def names_of(value: Any, where: str) -> tuple[str, ...]:
    """One string or a list of strings, none empty."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise ConfigError("expected a string or a list of strings", where=where)
    cleaned = tuple(dict.fromkeys(" ".join(v.split()) for v in items))
    if "" in cleaned or any(len(v) > MAX_NAME for v in cleaned):
        raise ConfigError(f"names must have 1 to {MAX_NAME} characters", where=where)
    return cleaned


def labels_of(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    """A table of label names to values."""
    if value is None:
        return ()
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and k and v for k, v in value.items()
    ):
        raise ConfigError(
            "expected a table of label names to non-empty strings",
            where=where,
            fix='write labels = { service = "checkout-api" }',
        )
    return tuple(sorted((k, " ".join(v.split())) for k, v in value.items()))
