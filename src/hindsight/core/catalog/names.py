"""Which service a tool's name means.

Every name an entry declares (its own, aliases, title, PagerDuty ids and names, Opsgenie
entities and tags, the values of service labels, GitHub repositories and GitLab projects with
and without their owner) is matched in three ways, strongest first:

0. exactly, ignoring case and repeated spaces: `Checkout API (prod)`;
1. as a slug: `checkout_api` and `Checkout API` are `checkout-api`;
2. as a slug without an environment suffix: `Checkout API (prod)` is `checkout-api`.

Two services declaring the same exact name is an error in the catalog; two sharing a weaker
key make that key ambiguous, and it matches neither (a name is never guessed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from hindsight.core.catalog.entries import ServiceEntry
from hindsight.core.errors import ConfigError

# Label names whose values name a service (the ones the Alertmanager adapter reads, and kin).
SERVICE_LABEL_KEYS = frozenset(
    {"service", "app", "application", "job", "component", "service_name", "app.kubernetes.io/name"}
)
ENV_SUFFIXES = ("production", "prod", "prd", "live", "staging", "stage", "stg", "dev")
_ENV_TAIL = re.compile(rf"(?:-(?:{'|'.join(ENV_SUFFIXES)}))+$")
EXACT, SLUG, STRIPPED = 0, 1, 2


@dataclass(frozen=True)
class NameKey:
    key: str
    service: str
    rank: int  # EXACT, SLUG or STRIPPED
    field: str  # where the entry declared it, for messages


def _exact(name: str) -> str:
    return " ".join(name.split()).casefold()


def _slug(name: str) -> str:
    return "-".join(re.findall(r"[0-9a-z]+", name.casefold()))


def lookup_keys(name: str) -> list[tuple[str, int]]:
    """The keys a name is looked up by, strongest first."""
    exact = _exact(name)
    slug = _slug(name)
    stripped = _ENV_TAIL.sub("", slug)
    keys = [(exact, EXACT)]
    if slug and slug != exact:
        keys.append((slug, SLUG))
    if stripped and stripped not in (slug, exact):
        keys.append((stripped, STRIPPED))
    return keys


def _declared(entry: ServiceEntry) -> Iterable[tuple[str, str]]:
    yield entry.name, "name"
    for alias in entry.aliases:
        yield alias, "aliases"
    if entry.title:
        yield entry.title, "title"
    for value in entry.pagerduty_ids:
        yield value, "pagerduty.service_id"
    for value in entry.pagerduty_names:
        yield value, "pagerduty.service_name"
    for value in entry.opsgenie_entities:
        yield value, "opsgenie.entity"
    for value in entry.opsgenie_tags:
        yield value, "opsgenie.tags"
    for tool, labels in (
        ("alertmanager", entry.alertmanager_labels),
        ("grafana", entry.grafana_labels),
    ):
        for key, value in labels:
            if key in SERVICE_LABEL_KEYS:
                yield value, f"{tool}.labels.{key}"
    for repo in entry.github_repositories:
        yield repo, "github.repository"
        yield repo.rsplit("/", 1)[-1], "github.repository"
    for project in entry.gitlab_projects:
        yield project, "gitlab.project"
        yield project.rsplit("/", 1)[-1], "gitlab.project"


def name_keys(entry: ServiceEntry) -> list[NameKey]:
    found: dict[str, NameKey] = {}
    for name, field in _declared(entry):
        for key, rank in lookup_keys(name):
            if key not in found or rank < found[key].rank:
                found[key] = NameKey(key, entry.name, rank, field)
    return list(found.values())


def build_index(entries: Iterable[ServiceEntry]) -> dict[str, NameKey]:
    """Every lookup key of the catalog and the one service it means; a `ConfigError` naming
    the file, the entity and the field when two services claim one exact name."""
    index: dict[str, NameKey] = {}
    origin: dict[str, str] = {}
    ambiguous: set[str] = set()
    for entry in entries:
        origin[entry.name] = entry.origin
        for item in name_keys(entry):
            held = index.get(item.key)
            if held is None or held.service == item.service:
                if held is None or item.rank < held.rank:
                    index[item.key] = item
                continue
            if item.rank == EXACT and held.rank == EXACT:
                raise ConfigError(
                    f"{item.key!r} already names service {held.service!r} "
                    f"({origin[held.service]}, field {held.field})",
                    where=f"{entry.origin}: {entry.name}: {item.field}",
                    fix="give each identifier to one service only",
                )
            if item.rank < held.rank:
                index[item.key] = item
            elif item.rank == held.rank:
                ambiguous.add(item.key)
    for key in ambiguous:
        if index[key].rank != EXACT:
            del index[key]
    return index


def resolve(name: str, found: dict[str, NameKey]) -> str | None:
    """The service `name` means, given the index entries found for its lookup keys."""
    for key, _ in lookup_keys(name):
        hit = found.get(key)
        if hit is not None:
            return hit.service
    return None
