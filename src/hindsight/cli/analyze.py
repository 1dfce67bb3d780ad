"""`hindsight analyze`: patterns across a folder of postmortems, or across the store, as a
reliability roadmap."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.cli.importing import imported
from hindsight.cli.store_session import session
from hindsight.core.actions.completion import Completion
from hindsight.core.analysis import Analysis, IncidentRecord, analyze, record_from_import
from hindsight.core.errors import UserError
from hindsight.core.plural import plural
from hindsight.fileio import atomic_write
from hindsight.report.roadmap_html import render_html
from hindsight.report.roadmap_json import render_json
from hindsight.report.roadmap_md import render_markdown
from hindsight.services.action_items import follow_up_completion
from hindsight.services.analytics import store_records

_RENDERERS: dict[str, Callable[[Analysis], str]] = {
    "md": render_markdown,
    "html": render_html,
    "json": render_json,
}


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} {value!r} is not a date", fix="write it as YYYY-MM-DD") from None


@handle_errors
def analyze_command(
    path: Path | None = typer.Argument(
        None, help="A folder of postmortems (or one file); without it, the store."
    ),
    since: str | None = typer.Option(
        None, "--since", help="Only incidents on or after YYYY-MM-DD."
    ),
    format: str = typer.Option("md", "--format", help="md, html or json."),
    output: Path | None = typer.Option(None, "-o", "--output", help="File to write."),
    handoff: list[str] = typer.Option(
        [], "--handoff", help="On-call handoff time, HH:MM UTC; repeat for several."
    ),
    today: str | None = typer.Option(None, "--today", help="Date to measure ages from."),
) -> None:
    """Find the patterns across incidents and write a reliability roadmap."""
    render = _RENDERERS.get(format)
    if render is None:
        raise UserError(f"unknown format {format!r}", fix="use --format md, html or json")
    since_date = _date(since, "--since")
    today_date = _date(today, "--today") or dt.date.today()
    if path is None:
        records, source = _from_store(since_date), "from the store"
    else:
        records, source = _from_folder(path)
    analysis = analyze(records, today=today_date, handoffs=handoff, since=since_date)
    if path is None:
        analysis = dataclasses.replace(analysis, follow_ups=_completion(today_date))
    text = render(analysis)
    console.err.print(
        f"analysed {plural(len(analysis.records), 'incident')} {source}",
        markup=False,
    )
    if output is None:
        console.out.print(text, markup=False, end="")
    else:
        atomic_write(output, text)
        console.err.print(f"wrote {output}", markup=False)


def _from_folder(path: Path) -> tuple[list[IncidentRecord], str]:
    records = []
    warnings = 0
    for file, result in imported([path]):
        warnings += sum(1 for f in result.findings if f.level.value == "warning")
        name = str(file.relative_to(path)) if path.is_dir() else str(file)
        records.append(record_from_import(result, name))
    if not records:
        raise UserError("no Markdown postmortems found", where=str(path))
    return records, f"({warnings} import warnings; see `hindsight import` for details)"


def _completion(today: dt.date) -> Completion:
    with session() as s:
        return follow_up_completion(s.uow, today)


def _from_store(since: dt.date | None) -> list[IncidentRecord]:
    with session() as s:
        records = store_records(s.uow, since)
    if not records:
        raise UserError(
            "the store holds no incidents" + (" in that period" if since else ""),
            fix="import postmortems first: hindsight import PATH --into-store",
        )
    return records


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_command)
