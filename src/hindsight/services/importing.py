"""Existing postmortems into the store: an incident per document, idempotent.

`prepare` imports the text (pure: the core's `import_text`, plus the document's digest);
`store_import` then writes, in one transaction: the incident (title, severity, date and
services from the extracted facts; status closed, since the incident is past; customer
visibility unknown, so False), the document itself as a payload with source `import` (kept
once by its SHA-256, which is what makes a second import of the same text a no-op), the
timeline rows the importer placed at absolute instants as events, and the imported Markdown
as version 1 of the incident's postmortem.

Events take their kind from the importer's milestone reading (acknowledgement, mitigation,
resolution); every other row is a note. The incident's milestone columns are not recomputed
from them: those are derived from alerts and pages, which an imported document has none of.

`store_imports` stores many documents, each in its own transaction: one that fails rolls back
alone and is reported in its result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from hindsight.core.document.template import SEVERITIES
from hindsight.core.errors import UserError
from hindsight.core.events import UTC, Event, EventKind
from hindsight.core.importing import ImportResult, Mark, Milestones, TimedEvent, import_text
from hindsight.services.incidents import find_incident, new_incident_in
from hindsight.services.postmortems import new_postmortem_in, update_postmortem
from hindsight.store.records import Incident
from hindsight.store.unit_of_work import UnitOfWork, utc_now

SOURCE = "import"


@dataclass(frozen=True)
class Prepared:
    """One document imported and keyed, ready to store (computed before any transaction)."""

    name: str
    text: str
    result: ImportResult
    digest: str


@dataclass(frozen=True)
class StoredImport:
    name: str
    incident: Incident | None  # None when the document failed to store
    created: bool = False  # False: imported before (or failed)
    updated: int | None = None  # the new version, when the file is an exported postmortem
    events: int = 0
    error: str | None = None

    def describe(self) -> str:
        if self.error is not None:
            return f"{self.name}: not stored: {self.error}"
        assert self.incident is not None
        if self.updated is not None:
            return f"{self.name}: postmortem of {self.incident.slug} updated (v{self.updated})"
        if not self.created:
            return f"{self.name}: already imported: nothing changed (incident {self.incident.slug})"
        return (
            f"{self.name}: imported → incident {self.incident.slug} "
            f"({self.events} timeline events, postmortem version 1)"
        )


def digest(text: str) -> str:
    return hashlib.sha256(SOURCE.encode() + b"\0" + text.encode("utf-8")).hexdigest()


def prepare(name: str, text: str) -> Prepared:
    return Prepared(name, text, import_text(text, name=PurePath(name).name), digest(text))


def _exported(uow: UnitOfWork, prepared: Prepared, *, author: str) -> StoredImport | None:
    """A file `hindsight export --all` wrote (`<incident slug>.md`) is that incident's
    postmortem: the same text changes nothing, an edited one is saved as its next version."""
    stem = PurePath(prepared.name).stem
    with uow:
        incident = uow.incidents.by_slug(stem)
        current = uow.postmortems.for_incident(incident.id) if incident is not None else None
    if incident is None or current is None:
        return None
    if current.markdown == prepared.text:
        return StoredImport(prepared.name, incident)
    saved = update_postmortem(
        uow, incident.id, prepared.text, expected_version=current.version, author=author
    )
    return StoredImport(prepared.name, incident, updated=saved.version)


def store_import(uow: UnitOfWork, prepared: Prepared, *, author: str) -> StoredImport:
    """Store one imported document as an incident with its postmortem; idempotent."""
    exported = _exported(uow, prepared, author=author)
    if exported is not None:
        return exported
    with uow:
        seen = uow.payloads.find(prepared.digest)
        if seen is not None:
            return StoredImport(prepared.name, find_incident(uow, seen[1]))
        now = utc_now()
        incident = _new_incident(uow, prepared, author, now)
        payload_id = uow.payloads.add(
            digest=prepared.digest,
            source=SOURCE,
            name=prepared.name,
            body=prepared.text.encode("utf-8"),
            incident_id=incident.id,
            now=now,
        )
        found = events_of(prepared)
        added = uow.events.add(incident.id, found, payload_id)
        new_postmortem_in(uow, incident.id, prepared.result.markdown, author=author, now=now)
        uow.audit.add(
            at=now,
            actor=author,
            action="import",
            incident_id=incident.id,
            detail={"name": prepared.name, "digest": prepared.digest, "events": added},
        )
        stored = find_incident(uow, incident.id)
        uow.commit()
    return StoredImport(prepared.name, stored, created=True, events=added)


def store_imports(
    uow: UnitOfWork, documents: Iterable[Prepared], *, author: str
) -> list[StoredImport]:
    """Each document in a transaction of its own; a failure is reported, not raised."""
    out: list[StoredImport] = []
    for prepared in documents:
        try:
            out.append(store_import(uow, prepared, author=author))
        except UserError as error:
            out.append(StoredImport(prepared.name, None, error=error.message))
        except Exception as error:  # a database error: this document only, the rest go on
            out.append(StoredImport(prepared.name, None, error=f"{type(error).__name__}: {error}"))
    return out


def events_of(prepared: Prepared) -> list[Event]:
    """The timeline rows placed at an absolute instant, as events of source `import`."""
    marks = prepared.result.milestones
    out: list[Event] = []
    for index, row in enumerate(prepared.result.events):
        if row.at is None:
            continue
        out.append(
            Event(
                at=row.at.astimezone(UTC),
                source=SOURCE,
                kind=_kind(row, marks),
                key=f"{SOURCE}:{prepared.digest[:16]}:{index}",
                text=row.text,
                raw=_pointer(prepared.name, row),
            )
        )
    return out


def _kind(row: TimedEvent, marks: Milestones[Mark]) -> EventKind:
    """The importer's reading of the row, where it has one (the very rows it chose)."""

    def chose(mark: Mark | None) -> bool:
        return mark is not None and mark.row is row

    if chose(marks.acknowledged):
        return EventKind.ACKNOWLEDGED
    if chose(marks.mitigated):
        return EventKind.MITIGATION
    if chose(marks.resolved):
        return EventKind.RESOLVED
    return EventKind.NOTE


def _pointer(name: str, row: TimedEvent) -> str | None:
    return f"{name}#L{row.line}" if row.line is not None else None


def _new_incident(uow: UnitOfWork, prepared: Prepared, author: str, now: dt.datetime) -> Incident:
    result = prepared.result
    facts = result.facts
    title = result.document.description or facts.title or PurePath(prepared.name).stem
    incident = new_incident_in(
        uow,
        title=title,
        severity=facts.severity if facts.severity in SEVERITIES else None,
        services=facts.services,
        customer_visible=False,  # the documents do not say in a form we read
        actor=author,
        now=now,
        reason="incident.import",
        day=facts.date,
    )
    uow.incidents.update(incident.id, {"status": "closed"}, now)  # a past incident
    return incident
