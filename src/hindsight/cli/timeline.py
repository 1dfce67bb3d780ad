"""`hindsight timeline`: evidence files in, the merged timeline and its durations out."""

from __future__ import annotations

import json
import zoneinfo
from pathlib import Path

import typer
from rich.table import Table

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.cli.incidents import is_incident_ref, stored_events
from hindsight.core.document import render
from hindsight.core.document.model import BulletList, Document, ListItem, Section
from hindsight.core.errors import UserError
from hindsight.core.events import UTC, Event, EventKind
from hindsight.core.timeline import RenderSettings, Timeline, build_timeline, timeline_section
from hindsight.core.timeline.render import DOCUMENT_KINDS, duration_lines, entry_line
from hindsight.core.timeline.serialize import timeline_to_dict
from hindsight.fileio import read_bytes
from hindsight.sources import MAX_PAYLOAD_BYTES, ColumnMapping, Source, detect_source, get_source
from hindsight.sources.generic import GenericSource
from hindsight.sources.slack import zip_files

FORMATS = ("md", "json", "table")


def read_payloads(paths: list[Path]) -> list[tuple[str, bytes]]:
    """(name, bytes) per payload. A folder holding `channels.json` is one Slack export;
    any other folder contributes each file inside it."""
    out: list[tuple[str, bytes]] = []
    for path in paths:
        if path.is_dir():
            if (path / "channels.json").is_file():
                files = {str(f.relative_to(path)): _read(f) for f in sorted(path.rglob("*.json"))}
                out.append((str(path), zip_files(files)))
            else:
                out.extend(read_payloads(sorted(path.iterdir())))
        elif path.name.startswith("."):
            continue
        else:
            out.append((str(path), _read(path)))
    return out


def _read(path: Path) -> bytes:
    return read_bytes(path, max_bytes=MAX_PAYLOAD_BYTES, kind="payload")


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if name.upper() == "UTC":
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f"unknown time zone {name!r}",
            where="--tz",
            fix="use an IANA name such as Europe/Berlin",
        ) from None


def _mapping(columns: list[str]) -> ColumnMapping | None:
    if not columns:
        return None
    pairs: dict[str, str] = {}
    for item in columns:
        field, sep, column = item.partition("=")
        if not sep or not field.strip():
            raise UserError(f"{item!r} is not FIELD=COLUMN", where="--column")
        pairs[field.strip()] = column.strip()
    return ColumnMapping.from_pairs(pairs)


@handle_errors
def timeline(
    files: list[Path] = typer.Argument(
        ..., help="Evidence files or folders (Slack exports), or a stored incident's id or slug."
    ),
    source: str | None = typer.Option(
        None, "--source", help="The tool every file is from (default: detect from each payload)."
    ),
    tz: str = typer.Option("UTC", "--tz", help="Time zone to show times in, e.g. Europe/Berlin."),
    format: str = typer.Option("md", "--format", help="md, json or table."),
    column: list[str] = typer.Option(
        [], "--column", help="For CSV/JSON Lines: FIELD=COLUMN, e.g. at=timestamp (repeatable)."
    ),
    everything: bool = typer.Option(
        False, "--all", help="Put every event kind in the document, chat and notes included."
    ),
) -> None:
    """Merge evidence from every source into one timeline, with its milestones and durations."""
    if format not in FORMATS:
        raise UserError(f"unknown format {format!r}", where="--format", fix="use md, json or table")
    zone = _zone(tz)
    mapping = _mapping(column)
    chosen: Source | None = get_source(source) if source else None
    stored = len(files) == 1 and not files[0].exists() and is_incident_ref(str(files[0]))
    events: list[Event] = stored_events(str(files[0])) if stored else []
    for name, data in [] if stored else read_payloads(files):
        adapter = chosen or detect_source(name, data)
        if mapping is not None and adapter.name == "generic":
            adapter = GenericSource(mapping)
        events.extend(adapter.parse(name, data))
    built = build_timeline(events)
    settings = RenderSettings(
        tz=zone or UTC,
        tz_name="UTC" if zone is None else tz,
        document_kinds=frozenset(EventKind) if everything else DOCUMENT_KINDS,
    )
    if format == "json":
        out = timeline_to_dict(built)
        out["time_zone"] = settings.tz_name
        console.out.print(json.dumps(out, indent=2, ensure_ascii=False), markup=False)
    elif format == "table":
        _table(built, settings)
    else:
        document = Document(sections=(timeline_section(built, settings), _summary(built)))
        console.out.print(render(document), markup=False, end="")


def _summary(built: Timeline) -> Section:
    items = [f"{label}: {value}" for label, value in duration_lines(built.milestones.durations)]
    cause = built.milestones.suspected_cause
    if cause is not None:
        items.insert(
            0,
            f"Suspected cause (candidate): {' '.join(cause.event.text.split())} — "
            f"{cause.reasoning}",
        )
    return Section(
        "Milestones and durations",
        level=3,
        blocks=(BulletList(tuple(ListItem(i) for i in items)),),
    )


def _table(built: Timeline, settings: RenderSettings) -> None:
    table = Table(title=f"Timeline ({settings.tz_name})", show_lines=False)
    for name in ("lane", "entry", "kind", "count"):
        table.add_column(name)
    for entry in built.entries:
        if entry.event.kind not in settings.document_kinds:
            continue
        table.add_row(
            entry.lane.value,
            entry_line(entry, settings.tz),
            entry.event.kind.value,
            str(entry.count),
        )
    console.out.print(table)
    for label, value in duration_lines(built.milestones.durations):
        console.out.print(f"{label}: {value}", markup=False)


def register(app: typer.Typer) -> None:
    app.command()(timeline)
