"""SARIF 2.1.0 for code-scanning tools; `rules[]` comes from the rule metadata."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hindsight import __version__
from hindsight.core.checks import Rule, Severity, all_rules
from hindsight.report.registry import FileResult, register_format

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
HELP_URI = "https://github.com/hindsight-postmortems/hindsight/blob/main/docs/rules/{code}.md"


def rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    sections = rule.doc_sections()
    help_text = "\n\n".join(f"{title}: {body}" for title, body in sections.items())
    help_markdown = "\n\n".join(f"**{title}**\n\n{body}" for title, body in sections.items())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": sections.get("What it checks", rule.summary)},
        "help": {"text": help_text, "markdown": help_markdown},
        "helpUri": HELP_URI.format(code=rule.code),
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": [rule.family()], "confidence": rule.confidence},
    }


@register_format("sarif")
def render_sarif(files: Sequence[FileResult], color: bool = False) -> str:
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for file in files:
        for d in file.result.diagnostics:
            region: dict[str, int] = {"startLine": d.line, "startColumn": d.column}
            if d.end_line is not None:
                region["endLine"] = d.end_line
            message = d.message + (f" Suggestion: {d.suggestion}" if d.suggestion else "")
            results.append(
                {
                    "ruleId": d.code,
                    "ruleIndex": index[d.code],
                    "level": _LEVELS[d.severity],
                    "message": {"text": message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": file.path.replace("\\", "/")},
                                "region": region,
                            }
                        }
                    ],
                    "properties": {"confidence": d.confidence},
                }
            )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "hindsight",
                        "version": __version__,
                        "informationUri": "https://github.com/hindsight-postmortems/hindsight",
                        "rules": [rule_descriptor(r) for r in rules],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
