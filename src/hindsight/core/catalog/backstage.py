"""Backstage catalog entities (`catalog-info.yaml`, already loaded as documents) as catalog
entries.

Only `Component` entities are services; every other kind (System, API, Group, Location…) is
skipped. What is read, in the shapes Backstage and its plugins document:

- `metadata.name` (the canonical name), `metadata.title`, `spec.owner`;
- `pagerduty.com/service-id`;
- `github.com/project-slug` (`owner/repo`), `gitlab.com/project-slug` and
  `gitlab.com/project-id`;
- `opsgenie.com/component-selector`, an Opsgenie alert query: `tag:"service:x"` and
  `detailsPair(key:value)` name tags, a bare word the alert's entity; `opsgenie.com/team`;
- `grafana/alert-label-selector`, label matchers `key=value` separated by commas.

A document in error is a `ConfigError` naming the file, the entity (its `metadata.name`, or
its position when it has none) and the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from hindsight.core.catalog.entries import ServiceEntry, check_name
from hindsight.core.errors import ConfigError

_BACKSTAGE_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?")
_OPSGENIE_TAG = re.compile(r'tag\s*:\s*(?:"([^"]+)"|([^\s()]+))', re.IGNORECASE)
_OPSGENIE_PAIR = re.compile(r"detailsPair\(\s*([^:)]+):([^)]+)\)", re.IGNORECASE)
_BARE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_GRAFANA_MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"?([^",]+?)"?\s*')


def entries_from_backstage(documents: Sequence[Any], *, origin: str) -> list[ServiceEntry]:
    """The `Component` entities of a (multi-document) catalog file; empty documents skipped."""
    found: list[ServiceEntry] = []
    for position, document in enumerate(documents, start=1):
        if document is None:
            continue
        entity = f"document {position}"
        if not isinstance(document, Mapping):
            raise ConfigError("expected an entity (a mapping)", where=f"{origin}: {entity}")
        metadata = document.get("metadata")
        if isinstance(metadata, Mapping) and isinstance(metadata.get("name"), str):
            entity = f"{document.get('kind', '?')}:{metadata['name']}"
        api = document.get("apiVersion")
        if not isinstance(api, str) or not api.startswith("backstage.io/"):
            raise ConfigError(
                "not a Backstage entity",
                where=f"{origin}: {entity}: apiVersion",
                fix="write apiVersion: backstage.io/v1alpha1",
            )
        kind = document.get("kind")
        if not isinstance(kind, str) or not kind:
            raise ConfigError("an entity needs a kind", where=f"{origin}: {entity}: kind")
        if kind != "Component":
            continue
        found.append(_component(document, origin, entity))
    return found


def _component(document: Mapping[str, Any], origin: str, entity: str) -> ServiceEntry:
    metadata = document.get("metadata")
    if not isinstance(metadata, Mapping):
        raise ConfigError("expected a mapping", where=f"{origin}: {entity}: metadata")
    name = metadata.get("name")
    if not isinstance(name, str) or not _BACKSTAGE_NAME.fullmatch(name):
        raise ConfigError(
            "missing or not a Backstage name (letters, digits, '-', '_', '.', at most 63)",
            where=f"{origin}: {entity}: metadata.name",
        )
    where = f"{origin}: {entity}"
    annotations = metadata.get("annotations") or {}
    if not isinstance(annotations, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in annotations.items()
    ):
        raise ConfigError(
            "expected a mapping of strings to strings", where=f"{where}: metadata.annotations"
        )
    spec = document.get("spec") or {}
    if not isinstance(spec, Mapping):
        raise ConfigError("expected a mapping", where=f"{where}: spec")
    title = metadata.get("title")
    owner = spec.get("owner")

    def annotation(key: str) -> tuple[str, ...]:
        value = " ".join(str(annotations.get(key, "")).split())
        return (value,) if value else ()

    slug = annotation("github.com/project-slug")
    if slug and "/" not in slug[0]:
        raise ConfigError(
            f"{slug[0]!r} is not owner/repo",
            where=f"{where}: metadata.annotations.github.com/project-slug",
        )
    tags, entities = _opsgenie(annotation("opsgenie.com/component-selector"), where)
    return ServiceEntry(
        name=check_name(name, where=f"{where}: metadata.name"),
        origin=origin,
        title=" ".join(title.split()) if isinstance(title, str) and title.strip() else None,
        owner=owner if isinstance(owner, str) and owner else None,
        pagerduty_ids=annotation("pagerduty.com/service-id"),
        opsgenie_entities=entities,
        opsgenie_tags=tags,
        opsgenie_teams=annotation("opsgenie.com/team"),
        grafana_labels=_grafana(annotation("grafana/alert-label-selector"), where),
        github_repositories=slug,
        gitlab_projects=(
            *annotation("gitlab.com/project-slug"),
            *annotation("gitlab.com/project-id"),
        ),
    )


def _opsgenie(selector: tuple[str, ...], where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not selector:
        return (), ()
    query = selector[0]
    tags = [a or b for a, b in _OPSGENIE_TAG.findall(query)]
    tags += [value.strip() for _, value in _OPSGENIE_PAIR.findall(query)]
    if tags:
        return tuple(dict.fromkeys(tags)), ()
    if _BARE.fullmatch(query):
        return (), (query,)
    raise ConfigError(
        f"cannot read the Opsgenie query {query!r}",
        where=f"{where}: metadata.annotations.opsgenie.com/component-selector",
        fix='write tag:"service:NAME", detailsPair(KEY:VALUE) or an entity name',
    )


def _grafana(selector: tuple[str, ...], where: str) -> tuple[tuple[str, str], ...]:
    if not selector:
        return ()
    pairs: list[tuple[str, str]] = []
    for part in selector[0].split(","):
        match = _GRAFANA_MATCHER.fullmatch(part)
        if match is None:
            raise ConfigError(
                f"{part.strip()!r} is not a label matcher key=value",
                where=f"{where}: metadata.annotations.grafana/alert-label-selector",
                fix="write service=checkout-api (several separated by commas)",
            )
        pairs.append((match.group(1), match.group(2).strip()))
    return tuple(sorted(pairs))
