"""Importing postmortems into the store, on SQLite and PostgreSQL: an incident per document,
idempotent, the importer's Markdown as version 1, a failing document rolled back alone."""

from __future__ import annotations

from pathlib import Path

from hindsight.core.events import EventKind
from hindsight.services.importing import Prepared, prepare, store_import, store_imports
from hindsight.services.postmortems import get_postmortem, postmortem_history
from hindsight.store.unit_of_work import UnitOfWork

FIXTURES = Path(__file__).parents[1] / "core" / "importing" / "fixtures"


def fixtures() -> list[Prepared]:
    return [prepare(p.name, p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*.md"))]


def incident_count(uow: UnitOfWork) -> int:
    with uow:
        return len(uow.incidents.recent(limit=1000))


def test_a_folder_twice_is_one_incident_per_document(uow: UnitOfWork) -> None:
    documents = fixtures()
    assert len(documents) >= 7
    first = store_imports(uow, documents, author="ana")
    assert [s.error for s in first] == [None] * len(documents)
    assert all(s.created for s in first)
    assert len({s.incident.id for s in first if s.incident}) == len(documents)
    again = store_imports(uow, fixtures(), author="ana")
    assert not any(s.created for s in again)
    assert [s.incident for s in again] == [s.incident for s in first]
    assert "already imported" in again[0].describe()
    assert incident_count(uow) == len(documents)
    for prepared, stored in zip(documents, first, strict=True):
        assert stored.incident is not None
        postmortem = get_postmortem(uow, stored.incident.slug)
        assert postmortem.version == 1 and postmortem.updated_by == "ana"
        assert postmortem.markdown == prepared.result.markdown
        assert [r.version for r in postmortem_history(uow, stored.incident.slug)] == [1]


def test_the_incident_takes_the_documents_facts(uow: UnitOfWork) -> None:
    prepared = prepare("table_timeline.md", (FIXTURES / "table_timeline.md").read_text())
    stored = store_import(uow, prepared, author="ana")
    incident = stored.incident
    assert incident is not None and stored.created
    assert incident.title == "Cluster ran out of IP addresses"
    assert incident.slug == "2024-03-12-cluster-ran-out-of-ip-addresses"
    assert incident.severity == "SEV-2" and incident.services == ("Kubernetes",)
    assert incident.status == "closed" and incident.customer_visible is False
    with uow:
        events = list(uow.events.for_incident(incident.id))
        payloads = uow.payloads.for_incident(incident.id)
        actions = [a.action for a in uow.audit.recent(incident_id=incident.id)]
    placed = [e for e in prepared.result.events if e.at is not None]
    assert stored.events == len(events) == len(placed) == 4
    assert {e.source for e in events} == {"import"}
    assert {EventKind.ACKNOWLEDGED, EventKind.RESOLVED} <= {e.kind for e in events}
    assert all(e.raw and e.raw.startswith("table_timeline.md#L") for e in events)
    assert [p.source for p in payloads] == ["import"]
    assert payloads[0].body == prepared.text.encode()
    assert {"incident.import", "postmortem.create", "import"} <= set(actions)


def test_a_document_without_a_title_is_named_after_its_file(uow: UnitOfWork) -> None:
    stored = store_import(
        uow, prepare("no_headings.md", (FIXTURES / "no_headings.md").read_text()), author="a"
    )
    assert stored.incident is not None and stored.incident.title == "no_headings"


def test_a_failing_document_rolls_back_alone(uow: UnitOfWork) -> None:
    good = fixtures()[:2]
    bad = prepare("bad.md", "# Outage\n\nThe log had a \x00 in it.\n")
    results = store_imports(uow, [good[0], bad, good[1]], author="ana")
    assert [r.created for r in results] == [True, False, True]
    assert results[1].incident is None and "NUL" in (results[1].error or "")
    assert "bad.md: not stored" in results[1].describe()
    assert incident_count(uow) == 2
    with uow:
        assert uow.payloads.find(bad.digest) is None


def test_exported_files_round_trip(uow: UnitOfWork) -> None:
    from hindsight.services.exporting import export_all_markdown

    store_imports(uow, fixtures(), author="ana")
    exported = export_all_markdown(uow)
    assert len(exported) == len(fixtures())
    again = store_imports(uow, [prepare(f"OUT/{s}.md", md) for s, md in exported], author="bo")
    assert [(s.created, s.updated, s.error) for s in again] == [(False, None, None)] * len(again)
    assert incident_count(uow) == len(exported)
    slug, markdown = exported[0]
    edited = store_import(uow, prepare(f"{slug}.md", markdown + "\nOne more line.\n"), author="bo")
    assert edited.updated == 2 and not edited.created
    assert get_postmortem(uow, slug).markdown.endswith("One more line.\n")
    assert incident_count(uow) == len(exported)
