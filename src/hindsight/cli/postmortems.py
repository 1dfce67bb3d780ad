"""`hindsight postmortem edit|show|history` and `hindsight export`: postmortems in the store."""

from __future__ import annotations

import json
import shlex
import subprocess
import tempfile
from pathlib import Path

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.cli.store_session import session
from hindsight.core.errors import UserError
from hindsight.core.incident import PostmortemState
from hindsight.core.plural import plural
from hindsight.fileio import atomic_write
from hindsight.services.errors import ConflictError, NotFoundError
from hindsight.services.exporting import export_all_markdown, export_json, export_markdown
from hindsight.services.postmortems import (
    get_postmortem,
    postmortem_history,
    start_postmortem,
    update_postmortem,
)

postmortem_app = typer.Typer(
    name="postmortem",
    help="The postmortem of a stored incident: edit, status, approve, show, history.",
    no_args_is_help=True,
)


@postmortem_app.command("edit")
@handle_errors
def edit(incident: str = typer.Argument(..., help="Incident id or slug.")) -> None:
    """Open the postmortem in $EDITOR (starting it from the template); saving makes a revision."""
    with session() as s:
        try:
            current = get_postmortem(s.uow, incident)
            if current.state is PostmortemState.PUBLISHED:
                raise UserError(
                    f"the postmortem of {incident} is published and read-only",
                    fix=f"reopen it first: hindsight postmortem status {incident} draft "
                    '--reason "what needs correcting"',
                )
        except NotFoundError:
            current = start_postmortem(s.uow, incident, author=s.settings.user)
            console.err.print(f"started the postmortem of {incident} (version 1)", markup=False)
        with tempfile.TemporaryDirectory(prefix="hindsight-") as folder:
            path = Path(folder) / f"postmortem-v{current.version}.md"
            path.write_text(current.markdown, encoding="utf-8")
            _run_editor(s.settings.editor, path)
            text = path.read_text(encoding="utf-8")
            try:
                saved = update_postmortem(
                    s.uow,
                    incident,
                    text,
                    expected_version=current.version,
                    author=s.settings.user,
                )
            except ConflictError:
                rescue = Path.cwd() / f"postmortem-{incident}-yours.md"
                rescue.write_text(text, encoding="utf-8")
                console.err.print(f"your text is saved in {rescue}", markup=False)
                raise
    if saved.version == current.version:
        console.out.print(f"no change (version {saved.version})", markup=False)
    else:
        console.out.print(f"saved version {saved.version}", markup=False)


def _run_editor(editor: str, path: Path) -> None:
    command = [*shlex.split(editor), str(path)]
    try:
        completed = subprocess.run(command, check=False)
    except OSError as error:
        raise UserError(
            f"cannot start the editor {editor!r} ({error.strerror})",
            fix="set $EDITOR (or $HINDSIGHT_EDITOR) to an editor command",
        ) from None
    if completed.returncode != 0:
        raise UserError(
            f"the editor exited with status {completed.returncode}; nothing was saved",
            fix="save and quit the editor normally to keep your changes",
        )


@postmortem_app.command("status")
@handle_errors
def status(
    incident: str = typer.Argument(..., help="Incident id or slug."),
    state: str = typer.Argument(..., help="draft, in-review or published."),
    reason: str | None = typer.Option(
        None, "--reason", help="Why (required to reopen a published postmortem)."
    ),
) -> None:
    """Move the postmortem through Draft → In review → Published (exit 1 with every reason
    when the process refuses)."""
    from hindsight.services.linting import settings_options
    from hindsight.services.workflow import WorkflowRefused, set_state

    with session() as s:
        try:
            moved = set_state(
                s.uow,
                incident,
                state,
                actor=s.settings.user,
                options=settings_options(s.settings.lint_config),
                policy=s.uow.policy,
                reason=reason,
            )
        except WorkflowRefused as refused:
            console.err.print(f"refused: {refused.summary}", markup=False)
            for why in refused.reasons:
                console.err.print(f"  - {why}", markup=False)
            if refused.fix:
                console.err.print(f"  fix: {refused.fix}", markup=False)
            raise typer.Exit(console.EXIT_FINDINGS) from None
    for warning in moved.warnings:
        console.err.print(f"warning: {warning}", markup=False)
    console.out.print(
        f"{incident}: {moved.before.value} → {moved.after.value} "
        f"(version {moved.postmortem.version})",
        markup=False,
    )


@postmortem_app.command("approve")
@handle_errors
def approve(
    incident: str = typer.Argument(..., help="Incident id or slug."),
    as_: str = typer.Option(
        ..., "--as", help="The reviewer approving (as the Reviewers field names them)."
    ),
) -> None:
    """Approve the postmortem in review, as one of its listed reviewers."""
    from hindsight.services.workflow import WorkflowRefused
    from hindsight.services.workflow import approve as approve_postmortem

    with session() as s:
        try:
            approved = approve_postmortem(s.uow, incident, reviewer=as_, actor=s.settings.user)
        except WorkflowRefused as refused:
            console.err.print(f"refused: {refused.summary}", markup=False)
            for why in refused.reasons:
                console.err.print(f"  - {why}", markup=False)
            raise typer.Exit(console.EXIT_FINDINGS) from None
    console.out.print(f"{incident}: approved by {as_} (version {approved.version})", markup=False)


@postmortem_app.command("show")
@handle_errors
def show(incident: str = typer.Argument(..., help="Incident id or slug.")) -> None:
    """Print the current postmortem Markdown."""
    with session() as s:
        console.out.print(get_postmortem(s.uow, incident).markdown, markup=False, end="")


@postmortem_app.command("history")
@handle_errors
def history(
    incident: str = typer.Argument(..., help="Incident id or slug."),
    diff: bool = typer.Option(False, "--diff", help="Show each version's diff."),
) -> None:
    """Every saved version: who, when, what changed."""
    with session() as s:
        revisions = postmortem_history(s.uow, incident)
    for revision in revisions:
        when = revision.created_at.isoformat(timespec="seconds")
        console.out.print(
            f"v{revision.version}  {when}  {revision.author}: {'; '.join(revision.changes)}",
            markup=False,
        )
        if diff:
            console.out.print(revision.diff, markup=False, end="")


@handle_errors
def export(
    incident: str = typer.Argument(
        ..., help="Incident id or slug; with --all, the folder to write."
    ),
    format: str = typer.Option("md", "--format", help="md or json."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write to this file."),
    all_: bool = typer.Option(
        False,
        "--all",
        help="Every postmortem as FOLDER/<incident slug>.md (import the folder to sync back).",
    ),
) -> None:
    """An incident out of the store: the postmortem as Markdown, or everything as JSON."""
    if format not in ("md", "json"):
        raise UserError(f"unknown format {format!r}", where="--format", fix="use md or json")
    if all_:
        _export_all(Path(incident), format)
        return
    with session() as s:
        if format == "md":
            text = export_markdown(s.uow, incident)
        else:
            text = json.dumps(export_json(s.uow, incident), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        console.out.print(text, markup=False, end="")
    else:
        output.write_text(text, encoding="utf-8")
        console.err.print(f"wrote {output}", markup=False)


def _export_all(folder: Path, format: str) -> None:
    if format != "md":
        raise UserError("--all writes Markdown files", where="--format", fix="use --format md")
    if folder.exists() and not folder.is_dir():
        raise UserError("not a folder", where=str(folder), fix="name a folder to write into")
    with session() as s:
        documents = export_all_markdown(s.uow)
    written = 0
    for slug, markdown in documents:
        path = folder / f"{slug}.md"
        if path.is_file() and path.read_text("utf-8") == markdown:
            continue
        atomic_write(path, markdown)
        written += 1
    console.err.print(
        f"{plural(len(documents), 'postmortem')}, {written} written to {folder}", markup=False
    )


def register(app: typer.Typer) -> None:
    app.add_typer(postmortem_app)
    app.command()(export)
