"""What changed between two versions of a postmortem: a unified diff and a short summary
("Status: Draft → In review", "Timeline changed") for the history view."""

from __future__ import annotations

import difflib

from hindsight.core.document import Document, parse


def unified_diff(old: str, new: str, *, old_version: int, new_version: int) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"version {old_version}" if old_version else "(empty)",
            tofile=f"version {new_version}",
        )
    )


def describe_changes(old: str | None, new: str) -> tuple[str, ...]:
    """Human-readable changes, header fields first, then sections in document order."""
    if old is None:
        return ("created",)
    before, after = parse(old), parse(new)
    out: list[str] = []
    if before.description != after.description:
        out.append(f"Title: {before.description or '(none)'} → {after.description or '(none)'}")
    old_fields = _fields(before)
    new_fields = _fields(after)
    for key in dict.fromkeys([*old_fields, *new_fields]):
        was, now = old_fields.get(key), new_fields.get(key)
        if was != now:
            out.append(
                f"{key}: {was if was is not None else '(none)'} → "
                f"{now if now is not None else '(removed)'}"
            )
    old_sections = {s.heading: s for s in before.sections}
    new_sections = {s.heading: s for s in after.sections}
    for heading, section in new_sections.items():
        if heading not in old_sections:
            out.append(f"{heading} added")
        elif old_sections[heading] != section:
            out.append(f"{heading} changed")
    out.extend(f"{heading} removed" for heading in old_sections if heading not in new_sections)
    if not out and before.front != after.front:
        out.append("front matter changed")
    if not out:
        out.append("formatting only")
    return tuple(out)


def _fields(document: Document) -> dict[str, str]:
    return {f.key or f.label: f.value for f in document.header}
