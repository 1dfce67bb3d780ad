"""The rule reference as Markdown pages, generated from the rule metadata.

`hindsight rules --docs docs/rules` writes them; a test fails when the files and the rules
disagree, so the docs cannot drift.
"""

from __future__ import annotations

from hindsight.core.checks.registry import all_rules
from hindsight.core.checks.rule import DOC_SECTIONS, FAMILIES, Rule

_NOTE = "<!-- Generated from the rule metadata by `hindsight rules --docs docs/rules`. -->"


def rule_page(rule: type[Rule]) -> str:
    sections = rule.doc_sections()
    lines = [
        f"# {rule.code} {rule.name}",
        "",
        _NOTE,
        "",
        f"{rule.summary}.",
        "",
        f"- Family: {FAMILIES[rule.family()]} ({rule.family()})",
        f"- Default severity: {rule.severity.value}"
        + (" (a warning while the document is a Draft)" if rule.completeness else ""),
        f"- Confidence: {rule.confidence:g}",
        "- Fixable: "
        + (
            "yes, `hindsight lint --fix` resolves it without changing the meaning"
            if rule.fixable
            else "no"
        ),
    ]
    for title in DOC_SECTIONS:
        lines += ["", f"## {title}", "", sections[title]]
    if rule.options:
        lines += [
            "",
            "## Options",
            "",
            "| Option | Type | Default | Meaning |",
            "| --- | --- | --- | --- |",
        ]
        for option in rule.options:
            default = option.default
            shown = ", ".join(default) if isinstance(default, tuple) else str(default)
            lines.append(f"| `{option.name}` | {option.type_name} | `{shown}` | {option.help} |")
    return "\n".join(lines) + "\n"


def index_page() -> str:
    lines = ["# Rules", "", _NOTE, ""]
    lines += [
        "Select, ignore and configure rules in `hindsight.toml` (`[lint]`) or `pyproject.toml`",
        "(`[tool.hindsight.lint]`); suppress one in a document with",
        "`<!-- hindsight: disable=CODE -->`, `enable=CODE` or `ignore=CODE` (next block).",
    ]
    for family, title in FAMILIES.items():
        rules = [r for r in all_rules() if r.family() == family]
        if not rules:
            continue
        lines += ["", f"## {title} ({family})", ""]
        lines.append("| Code | Name | Severity | Fixable | Summary |")
        lines.append("| --- | --- | --- | --- | --- |")
        for rule in rules:
            link = f"[{rule.code}]({rule.code}.md)"
            fixable = "yes" if rule.fixable else ""
            lines.append(
                f"| {link} | {rule.name} | {rule.severity.value} | {fixable} | {rule.summary} |"
            )
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """File name → Markdown text for every page of the rule reference."""
    out = {"index.md": index_page()}
    out.update({f"{rule.code}.md": rule_page(rule) for rule in all_rules()})
    return out
