"""Commands on postmortem files: `new`, `fmt`, `show`."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from pathlib import Path

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.config import FilesConfig, find_config, load_files
from hindsight.core.document import parse, render
from hindsight.core.document.blank import blank_postmortem
from hindsight.core.document.serialize import to_dict
from hindsight.core.errors import UserError
from hindsight.core.plural import plural
from hindsight.fileio import atomic_write, read_text
from hindsight.samples import sample_evidence, sample_postmortem


def markdown_files(paths: list[Path]) -> list[Path]:
    """The files named, with each folder replaced by the Markdown files below it."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.md") if p.is_file()))
        else:
            found.append(path)
    return found


def _slug(text: str) -> str:
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(part for part in cleaned.split("-") if part)[:60] or "postmortem"


def default_path(files: FilesConfig, when: dt.date, title: str) -> Path:
    """Where `new` writes without -o: the configured folder and file name pattern."""
    name = files.name.format(date=when.isoformat(), slug=_slug(title))
    return (files.folder / name) if files.folder is not None else Path(name)


@handle_errors
def new(
    title: str = typer.Argument(..., help="One-line description of what happened."),
    severity: str | None = typer.Option(None, "--severity", help="SEV-1, SEV-2 or SEV-3."),
    date: str | None = typer.Option(None, "--date", help="Date of the incident, YYYY-MM-DD."),
    output: Path | None = typer.Option(
        None,
        "-o",
        "--output",
        help="File to write (default: [files] folder and name of hindsight.toml, else "
        "DATE-title.md here).",
    ),
) -> None:
    """Write a fresh postmortem from the template. Never overwrites a file."""
    when = dt.date.today()
    if date is not None:
        try:
            when = dt.date.fromisoformat(date)
        except ValueError:
            raise UserError(
                f"--date {date!r} is not a date", fix="write it as YYYY-MM-DD, e.g. 2026-03-14"
            ) from None
    document = blank_postmortem(title, severity=severity, date=when)
    path = output or default_path(load_files(find_config(Path.cwd())), when, title)
    atomic_write(path, render(document), overwrite=False)
    console.out.print(f"wrote {path}")


@handle_errors
def fmt(
    files: list[Path] = typer.Argument(
        ..., help="Markdown postmortems, or folders of them (*.md, recursively)."
    ),
    check: bool = typer.Option(False, "--check", help="Change nothing; exit 1 if any would."),
    diff: bool = typer.Option(False, "--diff", help="Change nothing; print the diff."),
) -> None:
    """Rewrite postmortems into canonical form, keeping every word of the prose."""
    changed = 0
    for path in markdown_files(files):
        text = read_text(path)
        formatted = render(parse(text))
        if formatted == text:
            continue
        changed += 1
        if diff:
            console.out.print(
                "".join(
                    difflib.unified_diff(
                        text.splitlines(keepends=True),
                        formatted.splitlines(keepends=True),
                        fromfile=str(path),
                        tofile=f"{path} (formatted)",
                    )
                ),
                markup=False,
                end="",
            )
        elif check:
            console.err.print(f"would reformat {path}", markup=False)
        else:
            atomic_write(path, formatted)
            console.out.print(f"reformatted {path}", markup=False)
    if (check or diff) and changed:
        raise typer.Exit(console.EXIT_FINDINGS)


@handle_errors
def show(
    file: Path = typer.Argument(..., help="A Markdown postmortem."),
    format: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Print the parsed postmortem: header fields and sections."""
    if format not in ("text", "json"):
        raise UserError(f"unknown format {format!r}", fix="use --format text or --format json")
    document = parse(read_text(file))
    if format == "json":
        console.out.print(json.dumps(to_dict(document), indent=2, ensure_ascii=False), markup=False)
        return
    console.out.print(f"title: {document.description or '(none)'}", markup=False)
    for item in document.header:
        console.out.print(f"  {item.key or item.label}: {item.value}", markup=False)
    for section in document.sections:
        kind = section.kind.value if section.kind else "unknown"
        line = section.span.start if section.span else "?"
        console.out.print(
            f"line {line}: {'#' * section.level} {section.heading} [{kind}]", markup=False
        )


@handle_errors
def sample(
    output: Path | None = typer.Option(None, "-o", "--output", help="Also write it to this file."),
    evidence: Path | None = typer.Option(
        None,
        "--evidence",
        metavar="FOLDER",
        help="Write the sample incident's evidence files into FOLDER instead (one folder per "
        "source, the Slack export as export.zip), for trying `timeline`, `draft` and `ingest`.",
    ),
) -> None:
    """Print the postmortem of the built-in sample incident, or write its evidence files."""
    if evidence is not None:
        written = write_sample_evidence(evidence)
        console.err.print(
            f"wrote {plural(written, 'evidence file')} under {evidence}/", markup=False
        )
        return
    text = render(parse(sample_postmortem()))
    if output is not None:
        atomic_write(output, text)
        console.err.print(f"wrote {output}", markup=False)
    console.out.print(text, markup=False, end="")


def write_sample_evidence(folder: Path) -> int:
    """Write every sample payload under `folder`; refuses to overwrite, writes nothing then."""
    files = [(folder / name, data) for _source, name, data in sample_evidence()]
    clashes = [path for path, _ in files if path.exists()]
    if clashes:
        raise UserError(
            f"{plural(len(clashes), 'file')} already there, e.g. {clashes[0]}",
            where=str(folder),
            fix="choose an empty or new folder",
        )
    for path, data in files:
        if path.suffix == ".zip":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        else:
            atomic_write(path, data.decode("utf-8"))
    return len(files)


def register(app: typer.Typer) -> None:
    app.command()(new)
    app.command()(fmt)
    app.command()(show)
    app.command()(sample)
