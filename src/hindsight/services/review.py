"""The review meeting (blameless-postmortem-guide.txt, "The review meeting"): a 45-minute
working session whose agenda is built from the document itself.

    5 min   summary and impact, their text read aloud
    15 min  the timeline's rows, with the linter's questions about it (gaps, approximate times)
    15 min  root cause and contributing factors, with the five whys
    10 min  action items, missing owners and due dates flagged

As Markdown, printable HTML, or an iCalendar invite (`icalendar`) for the author, reviewers
and incident team whose addresses the document gives. A meeting's notes, one per block, are
saved into the postmortem as a new revision (`save_meeting_notes`).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import icalendar

from hindsight.core.checks import LintOptions
from hindsight.core.document import Document, parse, render
from hindsight.core.document.action_items import read_action_items
from hindsight.core.document.model import (
    BulletList,
    ListItem,
    Paragraph,
    Section,
    section_text,
)
from hindsight.core.document.readers import read_five_whys, read_root_cause, read_timeline
from hindsight.core.document.template import SectionKind, is_placeholder
from hindsight.core.errors import UserError
from hindsight.services.incidents import find_incident
from hindsight.services.linting import lint_markdown
from hindsight.services.postmortems import _conflict, _current, check_edit, save_version_in
from hindsight.services.workflow import Person, people
from hindsight.store.records import Postmortem
from hindsight.store.unit_of_work import UnitOfWork, utc_now

MEETING_MINUTES = 45
# The guide's split of the 45 minutes; another length keeps the proportions.
SHARES = (5, 15, 15, 10)
TIMELINE_QUESTIONS = ("TL", "TS")  # rule families whose findings are about the timeline
NOTES_HEADING = "Review meeting notes"


@dataclass(frozen=True)
class AgendaBlock:
    key: str  # summary | timeline | root-cause | actions (the web's note fields)
    title: str
    minutes: int
    lines: tuple[str, ...]  # the document's own text for this block
    questions: tuple[str, ...] = ()  # what to ask: the linter's findings, missing owners


@dataclass(frozen=True)
class Agenda:
    slug: str
    title: str
    start: dt.datetime
    minutes: int
    blocks: tuple[AgendaBlock, ...]
    organizer: Person | None
    attendees: tuple[Person, ...]

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.minutes)


def build_agenda(
    slug: str,
    markdown: str,
    options: LintOptions,
    *,
    start: dt.datetime,
    minutes: int = MEETING_MINUTES,
) -> Agenda:
    """The agenda of `markdown` (a postmortem), starting at `start` (aware)."""
    if minutes < 10 or minutes > 480:
        raise UserError(
            f"a {minutes}-minute meeting is not a review", where="--duration", fix="10 to 480"
        )
    if start.tzinfo is None:
        raise UserError("the start has no time zone", where="--start", fix="e.g. 2026-03-20T15:00Z")
    document = parse(markdown)
    findings = lint_markdown(markdown, options).diagnostics
    split = _split(minutes)
    blocks = (
        AgendaBlock("summary", "Summary and impact", split[0], _summary_lines(document)),
        AgendaBlock(
            "timeline",
            "Timeline",
            split[1],
            _timeline_lines(document),
            tuple(
                f"line {d.line}: {d.message}"
                for d in findings
                if d.code.startswith(TIMELINE_QUESTIONS)
            ),
        ),
        AgendaBlock(
            "root-cause", "Root cause and contributing factors", split[2], _cause_lines(document)
        ),
        *[_actions_block(document, split[3])],
    )
    authors = people(document.field_value("Author"))
    everyone = (
        *authors,
        *people(document.field_value("Reviewers")),
        *people(document.field_value("Incident team")),
    )
    seen: set[str] = set()
    attendees: list[Person] = []
    for person in everyone:
        if person.email and person.email.lower() not in seen:
            seen.add(person.email.lower())
            attendees.append(person)
    return Agenda(
        slug=slug,
        title=document.description or slug,
        start=start.astimezone(dt.UTC),
        minutes=minutes,
        blocks=blocks,
        organizer=next((a for a in authors if a.email), None),
        attendees=tuple(attendees),
    )


def incident_agenda(
    uow: UnitOfWork,
    ref: int | str,
    options: LintOptions,
    *,
    start: dt.datetime,
    minutes: int = MEETING_MINUTES,
) -> Agenda:
    with uow:
        incident = find_incident(uow, ref)
        postmortem = _current(uow, incident)
    return build_agenda(incident.slug, postmortem.markdown, options, start=start, minutes=minutes)


def next_hour(now: dt.datetime) -> dt.datetime:
    return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def parse_start(value: str | None, now: dt.datetime) -> dt.datetime:
    """`--start`: ISO-8601 with a zone (a trailing Z is UTC); default: the next whole hour."""
    if value is None:
        return next_hour(now)
    try:
        found = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UserError(
            f"{value!r} is not an ISO-8601 time", where="--start", fix="e.g. 2026-03-20T15:00Z"
        ) from None
    if found.tzinfo is None:
        raise UserError(
            f"{value!r} has no time zone", where="--start", fix="add Z or an offset: +01:00"
        )
    return found


# --- the blocks ---------------------------------------------------------------------------------


def _split(minutes: int) -> tuple[int, int, int, int]:
    if minutes == MEETING_MINUTES:
        return SHARES
    parts = [max(1, round(minutes * s / MEETING_MINUTES)) for s in SHARES]
    parts[2] += minutes - sum(parts)  # the discussion absorbs the rounding
    return parts[0], parts[1], parts[2], parts[3]


def _real(text: str) -> str | None:
    stripped = text.strip()
    return None if not stripped or is_placeholder(stripped) else stripped


def _summary_lines(document: Document) -> tuple[str, ...]:
    out: list[str] = []
    summary = _real(section_text(document, SectionKind.SUMMARY))
    out.append(summary or "(the Summary is not written yet)")
    impact = _real(section_text(document, SectionKind.IMPACT))
    if impact:
        out.extend(line for line in impact.splitlines() if line.strip())
    else:
        out.append("(the Impact is not written yet)")
    return tuple(out)


def _timeline_lines(document: Document) -> tuple[str, ...]:
    timeline = read_timeline(document)
    rows = [
        (f"{e.time} — {e.text}" if e.time else e.text)
        for e in timeline.entries
        if _real(e.text) and not (e.time or "").startswith("HH")
    ]
    head = [f"All times in {timeline.timezone}."] if timeline.timezone else []
    return tuple(head + rows) if rows else ("(the Timeline has no rows yet)",)


def _cause_lines(document: Document) -> tuple[str, ...]:
    cause = read_root_cause(document)
    out: list[str] = []
    if cause.statement and _real(cause.statement):
        out.append(f"Root cause: {cause.statement}")
    out.extend(f"Contributing factor: {f.text}" for f in cause.factors if _real(f.text))
    whys = [w for w in read_five_whys(document) if _real(w.question) or _real(w.answer)]
    out.extend(
        f"Why {n}: {w.question}" + (f" — {w.answer}" if w.answer else "")
        for n, w in enumerate(whys, 1)
    )
    return tuple(out) or ("(no root cause, factors or five whys written yet)",)


def _actions_block(document: Document, minutes: int) -> AgendaBlock:
    lines: list[str] = []
    flags: list[str] = []
    for n, item in enumerate(read_action_items(document), 1):
        action = _real(item.action)
        if action is None or (action.startswith("<") and action.endswith(">")):
            continue
        owner = _real(item.owner or "")
        due = _real(item.due or "")
        lines.append(f"{n}. {action} — owner: {owner or '?'}, due: {due or '?'}")
        if owner is None:
            flags.append(f"action {n} has no owner: assign one person")
        if due is None:
            flags.append(f"action {n} has no due date: set one")
    return AgendaBlock(
        "actions",
        "Action items",
        minutes,
        tuple(lines) or ("(no action items yet)",),
        tuple(flags),
    )


# --- formats ------------------------------------------------------------------------------------


def _clock(agenda: Agenda, offset: int) -> str:
    return f"{agenda.start + dt.timedelta(minutes=offset):%H:%M}"


def to_markdown(agenda: Agenda) -> str:
    out = [
        f"# Review meeting: {agenda.title}",
        "",
        f"{agenda.start:%Y-%m-%d %H:%M} UTC, {agenda.minutes} minutes. "
        "Use the document, not the people: point at its text.",
        "",
    ]
    offset = 0
    for block in agenda.blocks:
        out += [f"## {_clock(agenda, offset)} — {block.title} ({block.minutes} min)", ""]
        out += [f"- {line}" for line in block.lines]
        if block.questions:
            out += ["", "Questions:", ""] + [f"- [ ] {q}" for q in block.questions]
        out.append("")
        offset += block.minutes
    return "\n".join(out)


def to_html(agenda: Agenda, *, nonce: str = "") -> str:
    """A printable page of its own; `nonce` lets its inline style pass a server's CSP."""
    e = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Review meeting: {e(agenda.title)}</title>",
        (f'<style nonce="{e(nonce)}">' if nonce else "<style>")
        + "body{font:15px/1.45 system-ui,sans-serif;max-width:46em;margin:2em auto}"
        "h2{border-bottom:1px solid #ccc;break-after:avoid}section{break-inside:avoid}"
        ".q{color:#8a4b00}@media print{body{margin:0}}</style></head><body>",
        f"<h1>Review meeting: {e(agenda.title)}</h1>",
        f"<p>{agenda.start:%Y-%m-%d %H:%M} UTC, {agenda.minutes} minutes.</p>",
    ]
    offset = 0
    for block in agenda.blocks:
        parts.append(
            f'<section id="{e(block.key)}"><h2>{_clock(agenda, offset)} — {e(block.title)} '
            f"({block.minutes} min)</h2><ul>"
        )
        parts += [f"<li>{e(line)}</li>" for line in block.lines]
        parts.append("</ul>")
        if block.questions:
            parts.append('<ul class="q">')
            parts += [f"<li>{e(q)}</li>" for q in block.questions]
            parts.append("</ul>")
        parts.append("</section>")
        offset += block.minutes
    parts.append("</body></html>\n")
    return "\n".join(parts)


def to_ics(agenda: Agenda) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Hindsight//review meeting//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"review-{agenda.slug}-{agenda.start:%Y%m%dT%H%M%SZ}@hindsight")
    event.add("dtstamp", utc_now().replace(microsecond=0))
    event.add("dtstart", agenda.start)
    event.add("dtend", agenda.end)
    event.add("summary", f"Postmortem review: {agenda.title}")
    event.add("description", to_markdown(agenda))
    if agenda.organizer is not None and agenda.organizer.email:
        organizer = icalendar.vCalAddress(f"mailto:{agenda.organizer.email}")
        organizer.params["cn"] = icalendar.vText(agenda.organizer.name)
        event["organizer"] = organizer
    for person in agenda.attendees:
        attendee = icalendar.vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = icalendar.vText(person.name)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


# --- the meeting's notes --------------------------------------------------------------------


def save_meeting_notes(
    uow: UnitOfWork,
    ref: int | str,
    notes: dict[str, str],
    *,
    author: str,
    expected_version: int,
) -> Postmortem:
    """Save the meeting's notes (agenda block key → text) into the postmortem as a new
    revision: one section, a bullet per block with notes."""
    titles = {"summary": "Summary and impact", "timeline": "Timeline"}
    titles |= {"root-cause": "Root cause and contributing factors", "actions": "Action items"}
    unknown = sorted(set(notes) - set(titles))
    if unknown:
        raise UserError(f"no agenda block {unknown[0]!r}", fix=f"use {', '.join(titles)}")
    kept = {k: " ".join(v.split()) for k, v in notes.items() if v.strip()}
    if not kept:
        raise UserError("the notes are empty", fix="write a note under at least one block")
    with uow:
        incident = find_incident(uow, ref)
        current = _current(uow, incident)
        if current.version != expected_version:
            raise _conflict(incident, expected_version, current.version)
        now = utc_now()
        document = parse(current.markdown)
        heading = f"{NOTES_HEADING} ({now:%Y-%m-%d})"
        items = tuple(ListItem(f"**{titles[k]}:** {v}") for k, v in kept.items())
        section = Section(
            heading, 2, (Paragraph("Notes from the review meeting."), BulletList(items))
        )
        others = tuple(s for s in document.sections if s.heading != heading)
        text = render(Document(document.front, (*others, section)))
        check_edit(incident, current, text)
        saved = save_version_in(
            uow, incident, current, text, author=author, now=now, note="review meeting notes"
        )
        uow.commit()
    return saved
