"""The postmortem workflow: Draft → In review → Published (core.incident decides which moves
exist; this adds the process gate) and the reviewers' approvals.

- Every transition rewrites the Status line to the new state and saves it as a revision, with
  the move (and its reason) in the revision's changes and in the audit log.
- Entering review remembers the version (`review_version`) and clears earlier approvals.
- Publishing needs: no lint errors under the Published profile (the document linted as if its
  Status were Published, with the team's lint options), and an approval by a listed reviewer
  (the Reviewers field) who is not the author (the Author field). When no section changed
  between entering review and publishing, the review failed (the guide, "The review
  meeting"): a warning, or a refusal when `[policy] unchanged-review = "block"`.
- Every refusal carries every reason, not the first one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from hindsight.core.checks import LintOptions
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.document import Document, HeaderField, parse, render
from hindsight.core.errors import UserError
from hindsight.core.incident import PostmortemState, check_postmortem_transition
from hindsight.core.policy import DEFAULT_POLICY, Policy
from hindsight.services.incidents import find_incident
from hindsight.services.linting import lint_markdown
from hindsight.services.outbox import queue_event
from hindsight.services.postmortems import _current, save_version_in
from hindsight.store.mapping import approvals_value
from hindsight.store.records import Approval, Incident, Postmortem
from hindsight.store.unit_of_work import UnitOfWork, utc_now

STATES = {s.slug: s for s in PostmortemState}


class WorkflowRefused(UserError):
    """A transition or approval the process refuses; `reasons` holds every reason."""

    def __init__(self, summary: str, reasons: list[str], *, fix: str | None = None) -> None:
        super().__init__(summary + ": " + "; ".join(reasons), fix=fix)
        self.summary = summary
        self.reasons = tuple(reasons)


@dataclass(frozen=True)
class Person:
    name: str
    email: str | None = None

    def same(self, other: str) -> bool:
        word = _norm(other)
        return word == _norm(self.name) or (self.email is not None and word == self.email.lower())


@dataclass(frozen=True)
class Transition:
    postmortem: Postmortem
    before: PostmortemState
    after: PostmortemState
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gate:
    """Where a postmortem stands in the workflow: what publishing would need now."""

    state: PostmortemState
    author: Person | None
    reviewers: tuple[Person, ...]
    approvals: tuple[Approval, ...]
    blocking: tuple[str, ...]  # why publishing is refused now (empty: it may publish)
    warnings: tuple[str, ...] = field(default=())

    @property
    def approved_by(self) -> tuple[str, ...]:
        return tuple(a.by for a in self.approvals)


def state_named(value: str) -> PostmortemState:
    """`draft`, `in-review`, `published` (as a command line or URL writes them)."""
    key = value.strip().lower().replace(" ", "-").replace("_", "-")
    if key not in STATES:
        raise UserError(
            f"unknown postmortem state {value!r}", fix="use one of draft, in-review, published"
        )
    return STATES[key]


def people(value: str | None) -> tuple[Person, ...]:
    """The names of a Reviewers / Author / Incident team field: `Priya <priya@x.org>, Sam and
    Lee` → three people (a placeholder names nobody)."""
    if not value or value.strip().startswith("<"):
        return ()
    out: list[Person] = []
    for part in re.split(r"\s*(?:[,;/&]|\band\b)\s*", value):
        part = part.strip()
        if not part:
            continue
        found = re.match(r"^(.*?)\s*<([^<>@\s]+@[^<>\s]+)>$", part)
        if found:
            out.append(Person(found.group(1).strip() or found.group(2), found.group(2)))
        elif "@" in part and " " not in part:
            out.append(Person(part, part))
        else:
            out.append(Person(part))
    return tuple(out)


def gate(
    postmortem: Postmortem,
    options: LintOptions,
    policy: Policy = DEFAULT_POLICY,
    *,
    review_markdown: str | None = None,
) -> Gate:
    """What stands between the postmortem and Published."""
    document = parse(postmortem.markdown)
    authors = people(document.field_value("Author"))
    reviewers = people(document.field_value("Reviewers"))
    state = postmortem.state or PostmortemState.DRAFT
    blocking: list[str] = []
    warnings: list[str] = []
    as_published = render(with_status(document, PostmortemState.PUBLISHED))
    errors = [
        d for d in lint_markdown(as_published, options).diagnostics if d.severity is Severity.ERROR
    ]
    blocking.extend(f"lint error {d.code} (line {d.line}): {d.message}" for d in errors)
    if not reviewers:
        blocking.append("the Reviewers field names no reviewer")
    valid = tuple(
        a
        for a in postmortem.approvals
        if any(r.same(a.by) for r in reviewers) and not any(p.same(a.by) for p in authors)
    )
    if not valid:
        blocking.append("no approval yet by a listed reviewer who is not the author")
    if review_markdown is not None and _sections(review_markdown) == _sections(postmortem.markdown):
        message = (
            f"the review changed nothing: no section changed since it entered review "
            f"(version {postmortem.review_version}); the guide says such a review failed"
        )
        (blocking if policy.unchanged_review == "block" else warnings).append(message)
    return Gate(
        state, authors[0] if authors else None, reviewers, valid, tuple(blocking), tuple(warnings)
    )


def postmortem_gate(
    uow: UnitOfWork, ref: int | str, options: LintOptions, policy: Policy = DEFAULT_POLICY
) -> Gate:
    with uow:
        incident = find_incident(uow, ref)
        current = _current(uow, incident)
        return gate(current, options, policy, review_markdown=_review_text(uow, current))


def set_state(
    uow: UnitOfWork,
    ref: int | str,
    target: str | PostmortemState,
    *,
    actor: str,
    options: LintOptions,
    policy: Policy = DEFAULT_POLICY,
    reason: str | None = None,
) -> Transition:
    """Move the postmortem to `target`, or a `WorkflowRefused` with every reason."""
    wanted = target if isinstance(target, PostmortemState) else state_named(target)
    with uow:
        incident = find_incident(uow, ref)
        current = _current(uow, incident)
        before = current.state or PostmortemState.DRAFT
        reasons = check_postmortem_transition(before, wanted, reason=reason)
        warnings: tuple[str, ...] = ()
        if not reasons and wanted is PostmortemState.PUBLISHED:
            found = gate(current, options, policy, review_markdown=_review_text(uow, current))
            reasons, warnings = list(found.blocking), found.warnings
        if reasons:
            uow.audit.add(
                at=utc_now(),
                actor=actor,
                action="postmortem.status_refused",
                incident_id=incident.id,
                detail={"from": before.value, "to": wanted.value, "reasons": reasons},
            )
            uow.commit()  # the refusal is audited too
            raise WorkflowRefused(
                f"the postmortem of {incident.slug} cannot go from {before.value} to "
                f"{wanted.value}",
                reasons,
                fix=_fix(incident, before, wanted),
            )
        now = utc_now()
        text = render(with_status(parse(current.markdown), wanted))
        values: dict[str, object] = {}
        if wanted is PostmortemState.IN_REVIEW:
            values = {"review_version": current.version + 1, "approvals": []}
        elif wanted is PostmortemState.DRAFT:
            values = {"review_version": None, "approvals": []}
        note = f"status: {before.value} → {wanted.value}" + (f" ({reason})" if reason else "")
        saved = save_version_in(
            uow, incident, current, text, author=actor, now=now, values=values, note=note
        )
        detail = {
            "from": before.value,
            "to": wanted.value,
            "version": saved.version,
            "reason": reason,
            "warnings": list(warnings),
        }
        uow.audit.add(
            at=now, actor=actor, action="postmortem.status", incident_id=incident.id, detail=detail
        )
        queue_event(
            uow, "postmortem.status_changed", incident, detail, now=now, once=str(saved.version)
        )
        if wanted is PostmortemState.PUBLISHED:
            published = detail | {
                "title": saved.title,
                "permalink": f"/incidents/{incident.slug}/postmortem",
            }
            queue_event(
                uow, "postmortem.published", incident, published, now=now, once=str(saved.version)
            )
        uow.commit()
    return Transition(saved, before, wanted, warnings)


def approve(uow: UnitOfWork, ref: int | str, *, reviewer: str, actor: str) -> Postmortem:
    """`reviewer` approves the postmortem as it is: it must be in review, `reviewer` listed in
    its Reviewers field and not its author."""
    name = " ".join(reviewer.split())
    with uow:
        incident = find_incident(uow, ref)
        current = _current(uow, incident)
        document = parse(current.markdown)
        reviewers = people(document.field_value("Reviewers"))
        authors = people(document.field_value("Author"))
        reasons: list[str] = []
        if not name:
            reasons.append("no reviewer name given")
        if (current.state or PostmortemState.DRAFT) is not PostmortemState.IN_REVIEW:
            reasons.append(
                f"the postmortem is {(current.state or PostmortemState.DRAFT).value}, not In review"
            )
        if name and not any(r.same(name) for r in reviewers):
            listed = ", ".join(r.name for r in reviewers) or "nobody"
            reasons.append(f"{name} is not a listed reviewer (Reviewers: {listed})")
        if name and any(a.same(name) for a in authors):
            reasons.append(f"{name} is the author; an approval must come from someone else")
        if reasons:
            raise WorkflowRefused(
                f"cannot approve the postmortem of {incident.slug}",
                reasons,
                fix="add the reviewer to the Reviewers field and move it to in-review first",
            )
        now = utc_now()
        if any(
            _norm(a.by) == _norm(name) and a.version == current.version for a in current.approvals
        ):
            return current
        approvals = (*current.approvals, Approval(name, current.version, now))
        uow.postmortems.set_workflow(current.id, approvals=approvals_value(approvals))
        uow.audit.add(
            at=now,
            actor=actor,
            action="postmortem.approve",
            incident_id=incident.id,
            detail={"reviewer": name, "version": current.version},
        )
        updated = uow.postmortems.get(current.id)
        assert updated is not None
        uow.commit()
    return updated


def with_status(document: Document, state: PostmortemState) -> Document:
    """`document` with its Status line saying `state` (added after the title if missing)."""
    front = list(document.front)
    for i, item in enumerate(front):
        if isinstance(item, HeaderField) and item.key == "Status":
            front[i] = replace(item, value=state.value)
            return Document(tuple(front), document.sections)
    position = next(
        (i for i, item in enumerate(front) if isinstance(item, HeaderField)), len(front)
    )
    front.insert(position, HeaderField("Status", state.value))
    return Document(tuple(front), document.sections)


def _review_text(uow: UnitOfWork, current: Postmortem) -> str | None:
    if current.review_version is None:
        return None
    for revision in uow.postmortems.revisions(current.id):
        if revision.version == current.review_version:
            return revision.markdown
    return None


def _sections(markdown: str) -> tuple[object, ...]:
    return parse(markdown).sections


def _fix(incident: Incident, before: PostmortemState, wanted: PostmortemState) -> str:
    if before is PostmortemState.PUBLISHED:
        return f'hindsight postmortem status {incident.slug} draft --reason "why it is reopened"'
    if wanted is PostmortemState.PUBLISHED:
        return (
            "fix the lint errors (hindsight lint), list the reviewers, and have one approve: "
            f"hindsight postmortem approve {incident.slug} --as NAME"
        )
    return "see `hindsight postmortem status --help` for the moves that exist"


def _norm(name: str) -> str:
    return " ".join(name.split()).lower()
