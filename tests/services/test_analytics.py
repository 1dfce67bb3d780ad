"""The store as incident records, on SQLite and PostgreSQL: the same patterns as the same
documents analysed as a folder, plus the process health files cannot tell."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from hindsight.core.analysis import Analysis, analyze, record_from_import
from hindsight.core.analysis.synthetic import HANDOFF, generate
from hindsight.core.document import parse, render
from hindsight.core.importing import import_text
from hindsight.core.incident import PostmortemState
from hindsight.services.analytics import postmortem_owed, store_records
from hindsight.services.importing import prepare, store_imports
from hindsight.services.incidents import create_incident, find_incident, update_incident
from hindsight.services.postmortems import (
    get_postmortem,
    save_version_in,
    start_postmortem,
    update_postmortem,
)
from hindsight.services.workflow import with_status
from hindsight.store.unit_of_work import UnitOfWork, utc_now

FIXTURES = Path(__file__).parents[1] / "core" / "importing" / "fixtures"
TODAY = dt.date(2026, 6, 1)


def _patterns(analysis: Analysis, name: dict[str, str]) -> tuple[object, ...]:
    def ids(found: tuple[str, ...]) -> list[str]:
        return sorted(name.get(i, i) for i in found)

    return (
        [(t.label, t.phrasings, ids(t.incidents)) for t in analysis.themes],
        [(s.name, ids(s.affected), ids(s.contributing)) for s in analysis.services],
        [dataclasses.replace(c, incidents=tuple(ids(c.incidents))) for c in analysis.clusters],
        [
            (r.title, ids(r.incidents))
            for r in analysis.roadmap
            if r.category != "process"  # the store knows more here: its own test below
        ],
        (analysis.detection.detection, analysis.detection.ack, analysis.detection.by_service),
        ids(analysis.detection.slow),
    )


def test_the_store_gives_the_folders_patterns(uow: UnitOfWork) -> None:
    docs = generate(60, seed=3)
    folder = [record_from_import(import_text(d.text, name=d.name), d.name) for d in docs]
    stored = store_imports(uow, [prepare(d.name, d.text) for d in docs], author="ana")
    name = {s.incident.slug: s.name for s in stored if s.incident is not None}
    assert len(name) == len(docs)
    from_store = store_records(uow)
    assert len(from_store) == len(docs)
    handoffs = (HANDOFF, "08:00")
    by_folder = analyze(folder, today=TODAY, handoffs=handoffs)
    by_store = analyze(from_store, today=TODAY, handoffs=handoffs)
    assert by_folder.themes and by_folder.services and by_folder.clusters
    assert _patterns(by_store, name) == _patterns(by_folder, name)
    # What files cannot say, the store can: every document here has its postmortem.
    assert by_folder.process.owed_missing is None
    assert by_store.process.owed_missing == ()


def test_process_health_from_the_store(uow: UnitOfWork) -> None:
    owed = create_incident(uow, title="Checkout down", severity="SEV-1")
    create_incident(uow, title="Flaky monitor", severity="SEV-3")  # owed nothing
    visible = create_incident(uow, title="Login slow", severity="SEV-3", customer_visible=True)
    rubber = create_incident(uow, title="Queue backlog", severity="SEV-2")
    start_postmortem(uow, rubber.slug, author="ana")
    _stamp_published(uow, rubber.slug, author="bo")  # a rubber stamp from before the workflow
    edited = create_incident(uow, title="Disk full", severity="SEV-2")
    start_postmortem(uow, edited.slug, author="ana")
    text = get_postmortem(uow, edited.slug).markdown
    changed = text.replace("## Summary\n", "## Summary\n\nThe disk filled with logs.\n", 1)
    assert changed != text
    update_postmortem(uow, edited.slug, changed, expected_version=1, author="bo")
    imported = store_imports(
        uow, [prepare("setext.md", (FIXTURES / "setext.md").read_text())], author="ana"
    )[0]
    assert imported.incident is not None

    records = {r.id: r for r in store_records(uow)}
    assert records[owed.slug].has_postmortem is False and records[owed.slug].postmortem_owed
    assert records[visible.slug].postmortem_owed is True
    assert records[rubber.slug].review_changed is False
    assert records[rubber.slug].published == dt.datetime.now(dt.UTC).date()
    assert records[edited.slug].review_changed is True
    assert records[imported.incident.slug].review_changed is None  # one version: no review
    process = analyze(records.values(), today=TODAY).process
    assert process.owed_missing == (owed.slug, visible.slug)
    assert process.unchanged_reviews == (rubber.slug,)
    assert len(process.days_to_publish) >= 1


def test_since_leaves_out_older_dated_incidents(uow: UnitOfWork) -> None:
    store_imports(
        uow, [prepare(p.name, p.read_text()) for p in sorted(FIXTURES.glob("*.md"))], author="a"
    )
    every = store_records(uow)
    recent = store_records(uow, since=dt.date(2024, 4, 1))
    assert 0 < len(recent) < len(every)
    assert all(r.date is None or r.date >= dt.date(2024, 4, 1) for r in recent)


def test_owed_by_the_trigger_table(uow: UnitOfWork) -> None:
    incident = create_incident(uow, title="Blip", severity="SEV-3")
    assert postmortem_owed(incident) is False
    assert postmortem_owed(update_incident(uow, incident.slug, severity="SEV-2")) is True


def _stamp_published(uow: UnitOfWork, slug: str, *, author: str) -> None:
    """Only the Status moved to Published (as stored before the workflow gated it)."""
    with uow:
        incident = find_incident(uow, slug)
        current = uow.postmortems.for_incident(incident.id)
        assert current is not None
        text = render(with_status(parse(current.markdown), PostmortemState.PUBLISHED))
        save_version_in(uow, incident, current, text, author=author, now=utc_now())
        uow.commit()
