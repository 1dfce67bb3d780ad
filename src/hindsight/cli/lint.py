"""`hindsight lint` and `hindsight rules`: the checks from the command line."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.core.checks import LintOptions, all_rules, get_rule, lint
from hindsight.core.checks.options import FAIL_ON, fail_setting
from hindsight.core.document import parse
from hindsight.core.errors import InputError, UserError
from hindsight.fileio import atomic_write, read_text
from hindsight.report import FileResult, get_format
from hindsight.services import linting
from hindsight.services.linting import ConfigSource

SUFFIXES = (".md", ".markdown")


def collect(paths: list[Path]) -> list[Path]:
    """Files named directly, and the Markdown files under folders (hidden ones skipped)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            out.extend(found)
        elif path.exists() or path.is_symlink():  # a broken link: fileio says how
            out.append(path)
        else:
            raise InputError("no such file or folder", where=str(path), fix="check the path")
    return out


def _merge(
    base: LintOptions,
    select: list[str],
    ignore: list[str],
    fail_on: str | None,
    min_confidence: float | None,
) -> LintOptions:
    changes: dict[str, object] = {}
    if select:
        changes["select"] = tuple(select)
    if ignore:
        changes["ignore"] = (*base.ignore, *ignore)
    if fail_on is not None:
        if fail_on not in FAIL_ON:
            raise UserError(f"--fail-on {fail_on!r}", fix=f"use one of: {', '.join(FAIL_ON)}")
        changes["fail_on"], changes["fail_on_by_status"] = fail_setting(fail_on)
    if min_confidence is not None:
        if not 0 <= min_confidence <= 1:
            raise UserError(f"--min-confidence {min_confidence}", fix="use a number from 0 to 1")
        changes["min_confidence"] = min_confidence
    return dataclasses.replace(base, **changes) if changes else base  # type: ignore[arg-type]


@handle_errors
def lint_command(
    paths: list[Path] = typer.Argument(..., help="Markdown postmortems, or folders of them."),
    format: str = typer.Option(
        "text", "--format", "-f", help="Output format: text, json, sarif, github, gitlab or junit."
    ),
    fail_on: str | None = typer.Option(
        None,
        "--fail-on",
        metavar="LEVEL",
        help="Exit 1 on findings at or above: status (default: errors for a Draft, warnings "
        "once In review or Published), error, warning, info, never.",
    ),
    select: list[str] = typer.Option([], "--select", help="Only these rules (code, name, family)."),
    ignore: list[str] = typer.Option([], "--ignore", help="Skip these rules (code, name, family)."),
    min_confidence: float | None = typer.Option(
        None, "--min-confidence", help="Drop heuristic findings below this confidence (0–1)."
    ),
    config: Path | None = typer.Option(None, "--config", help="Use this config file."),
    no_config: bool = typer.Option(False, "--no-config", help="Ignore config files."),
    color: bool | None = typer.Option(None, "--color/--no-color", help="Colour the text output."),
    fix: bool = typer.Option(
        False, "--fix", help="Apply the safe fixes (they never touch prose), then report the rest."
    ),
    diff: bool = typer.Option(
        False, "--diff", help="With --fix: change nothing, print the fixes as a diff."
    ),
) -> None:
    """Check postmortems against the blameless method. Exit 0 clean, 1 findings, 2 errors."""
    if diff and not fix:
        raise UserError("--diff needs --fix", fix="run `hindsight lint --fix --diff FILE`")
    formatter = get_format(format)
    files = collect(paths)
    if not files:
        raise InputError("no Markdown files found", where=", ".join(map(str, paths)))
    cache: dict[ConfigSource | None, LintOptions] = {}
    results: list[FileResult] = []
    failed_inputs = 0
    changed = 0
    failing = False
    for path in files:
        source = linting.source_for(path, explicit=config, use_config=not no_config)
        if source not in cache:
            base = linting.load_options(source)
            cache[source] = _merge(base, select, ignore, fail_on, min_confidence)
        options = cache[source]
        try:
            text = read_text(path)
        except InputError as error:
            console.err.print(f"error: {error.message}", markup=False)
            failed_inputs += 1
            continue
        if fix:
            from hindsight.core.checks.fixes import fix as safe_fix  # only when asked: start-up

            fixed = safe_fix(text, options).text
            if fixed != text:
                changed += 1
                if diff:
                    sys.stdout.write(_diff(path, text, fixed))
                    continue
                atomic_write(path, fixed)
                console.err.print(f"fixed {path}", markup=False)
                text = fixed
            elif diff:
                continue
        document = parse(text)
        result = lint(document, options)
        failing = failing or result.fails(options.threshold(document.field_value("Status")))
        results.append(FileResult(str(path), result, document))
    if diff:
        if failed_inputs:
            raise typer.Exit(console.EXIT_ERROR)
        raise typer.Exit(console.EXIT_FINDINGS if changed else console.EXIT_OK)
    use_color = sys.stdout.isatty() if color is None else color
    sys.stdout.write(formatter(results, use_color and format == "text"))
    sys.stdout.flush()
    if failed_inputs:
        raise typer.Exit(console.EXIT_ERROR)
    if failing:
        raise typer.Exit(console.EXIT_FINDINGS)


def _diff(path: Path, before: str, after: str) -> str:
    import difflib

    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=str(path),
            tofile=f"{path} (fixed)",
        )
    )


rules_app = typer.Typer(
    help="List the rules, explain one, or write their reference pages.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@rules_app.callback()
@handle_errors
def rules_list(
    ctx: typer.Context,
    format: str = typer.Option("text", "--format", help="text or json."),
    docs: Path | None = typer.Option(None, "--docs", help="Write the rule pages to this folder."),
    check: bool = typer.Option(
        False, "--check", help="With --docs: change nothing, exit 1 if the pages are out of date."
    ),
) -> None:
    """List every rule: code, name, default severity and summary."""
    if ctx.invoked_subcommand is not None:
        return
    if docs is not None:
        _write_docs(docs, check)
        return
    if format == "json":
        listing = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "confidence": r.confidence,
                "summary": r.summary,
                "fixable": r.fixable,
                "options": {o.name: o.default for o in r.options},
            }
            for r in all_rules()
        ]
        sys.stdout.write(json.dumps(listing, indent=2, ensure_ascii=False) + "\n")
        return
    if format != "text":
        raise UserError(f"unknown format {format!r}", fix="use --format text or --format json")
    for rule in all_rules():
        sys.stdout.write(f"{rule.code}  {rule.name:<28} {rule.severity.value:<8} {rule.summary}\n")


def _write_docs(folder: Path, check: bool) -> None:
    from hindsight.core.checks.docs import pages

    expected = pages()
    stale = [
        name
        for name, text in expected.items()
        if not (folder / name).is_file() or (folder / name).read_text("utf-8") != text
    ]
    extra = (
        sorted(p.name for p in folder.glob("*.md") if p.name not in expected)
        if folder.is_dir()
        else []
    )
    if check:
        for name in (*stale, *extra):
            console.err.print(f"out of date: {folder / name}", markup=False)
        if stale or extra:
            raise typer.Exit(console.EXIT_FINDINGS)
        return
    for name in stale:
        atomic_write(folder / name, expected[name])
    for name in extra:
        (folder / name).unlink()
    console.err.print(f"{len(stale)} written, {len(extra)} removed in {folder}", markup=False)


@rules_app.command("explain")
@handle_errors
def explain(code: str = typer.Argument(..., help="A rule code or name, e.g. AC001.")) -> None:
    """Explain one rule: what it checks, why, an example and what to write instead."""
    from hindsight.core.checks.docs import rule_page

    rule = get_rule(code)
    if rule is None:
        raise UserError(f"no rule {code!r}", fix="see `hindsight rules` for the list")
    sys.stdout.write(rule_page(rule))


def register(app: typer.Typer) -> None:
    app.command("lint")(lint_command)
    app.add_typer(rules_app, name="rules")
