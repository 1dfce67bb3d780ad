"""Postmortem use cases: start one from the template, read it, save a new version with
optimistic concurrency, and read its history.

Every save names the version it was based on. The store updates the row only if that version
is still current (compare-and-set), so of two editors who started from the same version one
wins and the other gets a `ConflictError`: never a lost update. Every saved version is a
revision row (who, when, what changed, the diff and the full text); revisions are only ever
appended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from hindsight.core.document import Document, HeaderField, parse, render
from hindsight.core.document.blank import blank_postmortem
from hindsight.core.document.template import SEVERITIES, is_placeholder
from hindsight.core.errors import UserError
from hindsight.core.incident import PostmortemState, postmortem_state, severity_of
from hindsight.services.action_items import sync_items_from_document
from hindsight.services.channels import bind_channel_in, channel_from_slack_link
from hindsight.services.errors import ConflictError, NotFoundError
from hindsight.services.incidents import find_incident
from hindsight.services.revisions import describe_changes, unified_diff
from hindsight.store.records import Incident, Postmortem, Revision, StoredActionItem
from hindsight.store.unit_of_work import UnitOfWork, utc_now

MAX_MARKDOWN_CHARS = 8 * 1024 * 1024


def template_for(incident: Incident) -> str:
    """The seed template filled in with what the incident already knows."""
    day = (incident.milestones.detected_at or incident.created_at).date()
    severity = incident.severity if incident.severity in SEVERITIES else None
    document = blank_postmortem(incident.title, severity=severity, date=day)
    if incident.services:
        document = _set_field(document, "Services affected", ", ".join(incident.services))
    return render(document)


def start_postmortem(
    uow: UnitOfWork, ref: int | str, *, author: str, markdown: str | None = None
) -> Postmortem:
    """Version 1 of the incident's postmortem: `markdown`, or the template filled in."""
    with uow:
        incident = find_incident(uow, ref)
        existing = uow.postmortems.for_incident(incident.id)
        if existing is not None:
            raise ConflictError(
                f"incident {incident.slug} already has a postmortem (version {existing.version})",
                current_version=existing.version,
                fix="edit it instead: hindsight postmortem edit " + incident.slug,
            )
        # A document given whole arrives in the state its Status names (as an import does);
        # from then on the workflow moves it.
        text = template_for(incident) if markdown is None else markdown
        postmortem = new_postmortem_in(uow, incident.id, text, author=author, now=utc_now())
        uow.commit()
    return postmortem


def new_postmortem_in(
    uow: UnitOfWork, incident_id: int, markdown: str, *, author: str, now: dt.datetime
) -> Postmortem:
    """Version 1 of a postmortem inside an already open unit of work (importing uses this)."""
    text = _checked(markdown)
    postmortem = uow.postmortems.add(
        incident_id, _parsed(text, author, now) | {"version": 1, "created_at": now}
    )
    _record(uow, postmortem, None, text, author, now)
    return postmortem


def get_postmortem(uow: UnitOfWork, ref: int | str) -> Postmortem:
    with uow:
        return _current(uow, find_incident(uow, ref))


def update_postmortem(
    uow: UnitOfWork, ref: int | str, markdown: str, *, expected_version: int, author: str
) -> Postmortem:
    """Save `markdown` as the next version, if `expected_version` is still the current one.

    Saving the text unchanged is not a new version: the current postmortem comes back as is.
    """
    text = _checked(markdown)
    with uow:
        incident = find_incident(uow, ref)
        current = _current(uow, incident)
        if current.version != expected_version:
            raise _conflict(incident, expected_version, current.version)
        if current.markdown == text:
            return current
        check_edit(incident, current, text)
        updated = save_version_in(uow, incident, current, text, author=author, now=utc_now())
        uow.commit()
    return updated


def save_version_in(
    uow: UnitOfWork,
    incident: Incident,
    current: Postmortem,
    markdown: str,
    *,
    author: str,
    now: dt.datetime,
    values: dict[str, Any] | None = None,
    note: str | None = None,
) -> Postmortem:
    """The next version after `current`, inside an open unit of work (the tracker sync and
    the workflow write through this): compare-and-set, revision, action item records, audit;
    `values` are further columns (the workflow's), `note` a line for the revision's changes (a
    transition and its reason)."""
    text = _checked(markdown)
    if not uow.postmortems.update_if_version(
        current.id, current.version, _parsed(text, author, now) | (values or {})
    ):
        # Someone committed between our read and our write.
        latest = uow.postmortems.get(current.id)
        raise _conflict(incident, current.version, latest.version if latest else 0)
    updated = uow.postmortems.get(current.id)
    assert updated is not None
    _record(uow, updated, current.markdown, text, author, now, note=note)
    return updated


class StatusGateError(UserError):
    """An edit the workflow refuses: a published postmortem, or a Status line moved by hand."""


def check_edit(incident: Incident, current: Postmortem, text: str) -> None:
    """A published postmortem is read-only until reopened, and the Status line follows the
    workflow's state: an edit that changes it is refused, naming the command that does."""
    state = current.state or PostmortemState.DRAFT
    if current.state is PostmortemState.PUBLISHED:
        raise StatusGateError(
            f"the postmortem of {incident.slug} is published and read-only",
            fix=f"reopen it first: hindsight postmortem status {incident.slug} draft "
            '--reason "what needs correcting"',
        )
    given = parse(text).field_value("Status")
    if given is None and parse(current.markdown).field_value("Status") is None:
        return  # a document without a Status line may keep none
    if given is not None and is_placeholder(given.strip()) and state is PostmortemState.DRAFT:
        return  # the template's untouched choice list is a draft's
    if postmortem_state(given) is not state:
        said = f"{given!r}" if given is not None else "no Status line"
        raise StatusGateError(
            f"the edit changes the Status line to {said}, but the postmortem of "
            f"{incident.slug} is {state.value}; the Status line follows the workflow",
            where="Status",
            fix=f"keep **Status:** {state.value} and change the state with "
            f"hindsight postmortem status {incident.slug} draft|in-review|published",
        )


def postmortem_history(uow: UnitOfWork, ref: int | str) -> list[Revision]:
    """Every saved version, oldest first."""
    with uow:
        return uow.postmortems.revisions(_current(uow, find_incident(uow, ref)).id)


def revision(uow: UnitOfWork, ref: int | str, version: int) -> Revision:
    for found in postmortem_history(uow, ref):
        if found.version == version:
            return found
    raise NotFoundError(f"the postmortem of {ref} has no version {version}")


def action_items(uow: UnitOfWork, ref: int | str | None = None) -> list[StoredActionItem]:
    """The action items of one incident's postmortem, or of every postmortem."""
    with uow:
        incident_id = None if ref is None else find_incident(uow, ref).id
        return uow.action_items.listing(incident_ids=None if incident_id is None else [incident_id])


# ---------------------------------------------------------------------------------------------


def _current(uow: UnitOfWork, incident: Incident) -> Postmortem:
    found = uow.postmortems.for_incident(incident.id)
    if found is None:
        raise NotFoundError(
            f"incident {incident.slug} has no postmortem yet",
            fix=f"start one: hindsight postmortem edit {incident.slug}",
        )
    return found


def _conflict(incident: Incident, expected: int, current: int) -> ConflictError:
    return ConflictError(
        f"the postmortem of {incident.slug} is at version {current}, "
        f"but this change was based on version {expected}",
        current_version=current,
        fix="reload the current version, merge your change into it and save again",
    )


def _checked(markdown: str) -> str:
    if len(markdown) > MAX_MARKDOWN_CHARS:
        raise UserError(
            f"the postmortem is {len(markdown):,} characters; at most "
            f"{MAX_MARKDOWN_CHARS:,} are accepted",
            fix="move logs and attachments out of the Markdown into reference links",
        )
    if "\x00" in markdown:
        raise UserError("the postmortem contains NUL characters", fix="save it as UTF-8 text")
    return markdown


def _parsed(markdown: str, author: str, now: dt.datetime) -> dict[str, Any]:
    document = parse(markdown)
    return {
        "markdown": markdown,
        "title": _clip(document.description, 300),
        "status": _clip(_value(document, "Status"), 32),
        "state": _state(document),
        "severity": _clip(_value(document, "Severity"), 32),
        "incident_date": _clip(_value(document, "Date of incident"), 32),
        "fields": {f.key or f.label: f.value for f in document.header},
        "updated_at": now,
        "updated_by": author,
    }


def _record(
    uow: UnitOfWork,
    postmortem: Postmortem,
    old: str | None,
    new: str,
    author: str,
    now: dt.datetime,
    *,
    note: str | None = None,
) -> None:
    changes = describe_changes(old, new) + ((note,) if note else ())
    uow.postmortems.add_revision(
        Revision(
            postmortem_id=postmortem.id,
            version=postmortem.version,
            author=author,
            created_at=now,
            markdown=new,
            diff=unified_diff(
                old or "", new, old_version=postmortem.version - 1, new_version=postmortem.version
            ),
            changes=changes,
        )
    )
    sync_items_from_document(uow, postmortem, new, now)
    _adopt_severity(uow, postmortem.incident_id, old, new, author, now)
    _adopt_slack_link(uow, postmortem.incident_id, new, author)
    uow.incidents.reindex(postmortem.incident_id)
    uow.audit.add(
        at=now,
        actor=author,
        action="postmortem.create" if old is None else "postmortem.update",
        incident_id=postmortem.incident_id,
        detail={"version": postmortem.version, "changes": list(changes)},
    )


def _state(document: Document) -> str | None:
    state = postmortem_state(document.field_value("Status"))
    return state.value if state is not None else None


def _adopt_slack_link(uow: UnitOfWork, incident_id: int, new: str, author: str) -> None:
    """The postmortem's Slack link names the incident's channel: its live messages join."""
    channel = channel_from_slack_link(parse(new).field_value("Slack link"))
    incident = uow.incidents.get(incident_id)
    if channel is not None and incident is not None:
        bind_channel_in(uow, incident, channel, actor=author, how="the postmortem's Slack link")


def _adopt_severity(
    uow: UnitOfWork, incident_id: int, old: str | None, new: str, author: str, now: dt.datetime
) -> None:
    """The author's Severity becomes the incident's when the incident has none or the author
    changed it in this save (a person's word; a placeholder is no severity)."""
    chosen = severity_of(parse(new).field_value("Severity"))
    incident = uow.incidents.get(incident_id)
    if chosen is None or incident is None or incident.severity == chosen:
        return
    before = severity_of(parse(old).field_value("Severity")) if old is not None else None
    if incident.severity is not None and before == chosen:
        return  # the author left it; the incident's was set on purpose elsewhere
    uow.incidents.update(incident_id, {"severity": chosen}, now)
    uow.audit.add(
        at=now,
        actor=author,
        action="incident.update",
        incident_id=incident_id,
        detail={"before": {"severity": incident.severity}, "after": {"severity": chosen}},
    )


def _value(document: Document, key: str) -> str | None:
    value = document.field_value(key)
    return None if value is None or is_placeholder(value) else value


def _clip(value: str | None, limit: int) -> str | None:
    return None if value is None else value[:limit]


def _set_field(document: Document, key: str, value: str) -> Document:
    front = tuple(
        replace(item, value=value) if isinstance(item, HeaderField) and item.key == key else item
        for item in document.front
    )
    return Document(front, document.sections)
