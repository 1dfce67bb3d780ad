"""`hindsight import`: bring existing postmortems into the template, with findings."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import typer

from hindsight.cli import console
from hindsight.cli.console import EXIT_ERROR, handle_errors
from hindsight.cli.store_session import session
from hindsight.core.errors import UserError
from hindsight.core.importing import ImportResult, import_text
from hindsight.fileio import atomic_write, read_text
from hindsight.services.importing import Prepared, prepare, store_imports

SCHEMA = "hindsight.import/1"


def markdown_files(paths: Sequence[Path]) -> Iterator[Path]:
    """The Markdown files named, and those under the folders named (hidden ones skipped)."""
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*.md")):
                relative = found.relative_to(path).parts
                if not any(part.startswith(".") for part in relative):
                    yield found
        elif path.exists() or path.is_symlink():  # a broken link: fileio says how
            yield path
        else:
            raise UserError("no such file or folder", where=str(path), fix="check the path")


def imported(paths: Sequence[Path]) -> Iterator[tuple[Path, ImportResult]]:
    for path in markdown_files(paths):
        yield path, import_text(read_text(path), name=path.name)


def result_to_dict(path: Path, result: ImportResult) -> dict[str, Any]:
    facts = result.facts
    return {
        "file": str(path),
        "title": facts.title,
        "sections": list(result.sections),
        "facts": {
            "date": facts.date.isoformat() if facts.date else None,
            "severity": facts.severity,
            "services": list(facts.services),
            "duration_minutes": facts.duration_minutes,
            "published": facts.published.isoformat() if facts.published else None,
            "status": facts.status,
        },
        "timeline_rows": len(result.events),
        "findings": [f.to_dict() for f in result.findings],
        "markdown": result.markdown,
    }


def _report(path: Path, result: ImportResult) -> None:
    for finding in result.findings:
        where = f"{path}:{finding.line}" if finding.line else str(path)
        console.err.print(
            f"{where}: {finding.code} {finding.level.value}: {finding.message}", markup=False
        )


def _text(results: list[tuple[Path, ImportResult]], output: Path | None, force: bool) -> None:
    for path, result in results:
        _report(path, result)
        if output is None:
            if len(results) > 1:
                console.out.print(f"<!-- imported from {path} -->\n", markup=False)
            console.out.print(result.markdown, markup=False, end="")
        else:
            target = output / path.name
            atomic_write(target, result.markdown, overwrite=force)
            console.err.print(f"wrote {target}", markup=False)


def _json(results: list[tuple[Path, ImportResult]], output: Path | None, force: bool) -> None:
    payload = {"schema": SCHEMA, "documents": [result_to_dict(p, r) for p, r in results]}
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        console.out.print(text, markup=False, end="")
    else:
        target = output / "import.json"
        atomic_write(target, text, overwrite=force)
        console.err.print(f"wrote {target}", markup=False)


_FORMATS: dict[str, Callable[[list[tuple[Path, ImportResult]], Path | None, bool], None]] = {
    "md": _text,
    "json": _json,
}


@handle_errors
def import_(
    paths: list[Path] = typer.Argument(..., help="Markdown postmortems, or folders of them."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Folder to write the imported documents to."
    ),
    format: str = typer.Option("md", "--format", help="md or json."),
    force: bool = typer.Option(False, "--force", help="Overwrite files in the output folder."),
    into_store: bool = typer.Option(
        False,
        "--into-store",
        help="Store each document as an incident with its postmortem (again: no change).",
    ),
) -> None:
    """Import postmortems written in other shapes into the template, reporting every
    ambiguity (missing time zone, out-of-order rows, impossible times) as a finding."""
    if into_store:
        if output is not None or format != "md":
            raise UserError(
                "--into-store writes to the store, not to files",
                fix="leave out -o and --format, or import without --into-store",
            )
        _into_store(paths)
        return
    writer = _FORMATS.get(format)
    if writer is None:
        raise UserError(f"unknown format {format!r}", fix="use --format md or --format json")
    if output is not None and output.exists() and not output.is_dir():
        raise UserError("is a file, not a folder", where=str(output), fix="name a folder with -o")
    results = list(imported(paths))
    if not results:
        raise UserError("no Markdown files found", where=", ".join(map(str, paths)))
    writer(results, output, force)


def _into_store(paths: Sequence[Path]) -> None:
    files = list(markdown_files(paths))
    if not files:
        raise UserError("no Markdown files found", where=", ".join(map(str, paths)))
    unread: list[str] = []

    def prepared() -> Iterator[Prepared]:
        for path in files:
            try:
                text = read_text(path)
            except UserError as error:
                unread.append(error.message)
                console.err.print(f"not read: {error.message}", markup=False)
                continue
            found = prepare(str(path), text)
            _report(path, found.result)
            yield found

    with session() as s:
        results = store_imports(s.uow, prepared(), author=s.settings.user)
    for result in results:
        console.out.print(result.describe(), markup=False)
    created = sum(r.created for r in results)
    updated = sum(r.updated is not None for r in results)
    errors = sum(r.error is not None for r in results)
    failed = errors + len(unread)
    already = len(results) - created - errors - updated
    console.err.print(
        f"{created} imported, {already} already in the store, {failed} failed"
        + (f", {updated} updated" if updated else ""),
        markup=False,
    )
    if failed:
        raise typer.Exit(EXIT_ERROR)


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
