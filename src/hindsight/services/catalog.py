"""The service catalog's use cases: import it (from `hindsight.toml` and Backstage
`catalog-info.yaml` files), read it, and map every tool's name for a service to the one
canonical name before evidence is correlated.

A name the catalog does not know is kept exactly as it came and listed as unmatched; it is
never dropped or guessed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from hindsight.config import load_catalog
from hindsight.core.catalog import ServiceEntry, build_index, entries_from_backstage, lookup_keys
from hindsight.core.catalog.names import resolve
from hindsight.core.errors import ConfigError, InputError
from hindsight.core.events import Event
from hindsight.fileio import read_text
from hindsight.store.unit_of_work import UnitOfWork, utc_now

YAML_SUFFIXES = (".yaml", ".yml")
MAX_CATALOG_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class ImportedCatalog:
    files: int
    services: int  # the entries those files declare
    total: int  # services in the catalog afterwards


@dataclass(frozen=True)
class CatalogView:
    entries: tuple[ServiceEntry, ...]
    unmatched: tuple[str, ...]  # names incidents or changes use that no entry declares
    unmatched_changes: tuple[str, ...] = ()  # of those, the ones changes use


def read_catalog_files(paths: Sequence[Path]) -> tuple[list[ServiceEntry], list[str]]:
    """The entries the files declare (a folder: every catalog-info.yaml under it), and the
    files read; a `ConfigError` naming file, entity and field for the first one in error."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("catalog-info.y*ml") if p.is_file()))
        else:
            files.append(path)
    if not files:
        raise InputError(
            "no catalog files found", where=", ".join(map(str, paths)), fix="name a file"
        )
    entries: list[ServiceEntry] = []
    seen: dict[str, str] = {}
    for file in files:
        for entry in _read_one(file):
            if entry.name in seen:
                raise ConfigError(
                    f"service {entry.name!r} is declared twice (also in {seen[entry.name]})",
                    where=f"{entry.origin}: {entry.name}: name",
                    fix="declare each service once",
                )
            seen[entry.name] = entry.origin
            entries.append(entry)
    return entries, [str(f) for f in files]


def _read_one(path: Path) -> list[ServiceEntry]:
    if path.suffix == ".toml":
        if not path.is_file():
            raise InputError("no such file", where=str(path), fix="check the path")
        return load_catalog(path)
    if path.suffix not in YAML_SUFFIXES:
        raise InputError(
            "not a catalog file",
            where=str(path),
            fix="name a hindsight.toml, a pyproject.toml or a Backstage catalog-info.yaml",
        )
    text = read_text(path, max_bytes=MAX_CATALOG_BYTES, kind="catalog file")
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"not valid YAML ({problem})", where=f"{path}{line}") from None
    return entries_from_backstage(documents, origin=str(path))


def import_catalog(
    uow: UnitOfWork, entries: Sequence[ServiceEntry], files: Sequence[str], *, actor: str
) -> ImportedCatalog:
    """Put the files' entries in the catalog: what those files declared before is replaced,
    the rest kept. All or nothing: a conflict is a `ConfigError` and nothing changes."""
    origins = set(files)
    with uow:
        kept = {e.name: e for e in uow.catalog.entries() if e.origin not in origins}
        merged = kept | {e.name: e for e in entries}
        ordered = [merged[name] for name in sorted(merged)]
        index = build_index(ordered)
        now = utc_now()
        uow.catalog.replace(ordered, index.values(), now)
        uow.audit.add(
            at=now,
            actor=actor,
            action="catalog.import",
            incident_id=None,
            detail={"files": list(files), "services": [e.name for e in entries]},
        )
        uow.commit()
    return ImportedCatalog(len(files), len(entries), len(ordered))


def catalog_view(uow: UnitOfWork) -> CatalogView:
    """Every catalog entry, and the names in use that none of them declares."""
    with uow:
        entries = tuple(uow.catalog.entries())
        changed = set(uow.changes.services())
        used = set(uow.incidents.all_services()) | changed
        known = resolve_names(uow, sorted(used))
    unmatched = tuple(sorted(n for n, s in known.items() if s is None))
    return CatalogView(entries, unmatched, tuple(n for n in unmatched if n in changed))


def resolve_names(uow: UnitOfWork, names: Iterable[str]) -> dict[str, str | None]:
    """The canonical service each name means, None for a name the catalog does not know
    (inside an open uow; one indexed query)."""
    unique = list(dict.fromkeys(names))
    keys = [key for name in unique for key, _ in lookup_keys(name)]
    found = uow.catalog.find_keys(keys)
    return {name: resolve(name, found) for name in unique}


def canonical_services(uow: UnitOfWork, names: Sequence[str]) -> tuple[str, ...]:
    """`names` mapped to their canonical services, unknown ones as they came (inside a uow)."""
    known = resolve_names(uow, names)
    return tuple(dict.fromkeys(known[n] or n for n in names))


def canonical_events(uow: UnitOfWork, events: Sequence[Event]) -> tuple[Event, ...]:
    """The events with their services mapped through the catalog (inside an open uow)."""
    known = resolve_names(uow, (s for e in events for s in e.services))
    if all(known[n] in (None, n) for n in known):
        return tuple(events)  # nothing to map: the events stay the very same objects
    return tuple(
        dataclasses.replace(e, services=tuple(dict.fromkeys(known[s] or s for s in e.services)))
        if e.services
        else e
        for e in events
    )
