"""Output formats: text lines, versioned JSON, SARIF 2.1.0 structure, GitHub annotations."""

from __future__ import annotations

import json

import pytest

from hindsight.core.checks import Diagnostic, LintResult, Metric, Severity, all_rules
from hindsight.core.errors import UserError
from hindsight.report import FileResult, format_names, get_format

RESULT = LintResult(
    (
        Diagnostic(
            "BL001",
            "blame-language",
            "'careless' judges, 100%",
            Severity.WARNING,
            7,
            3,
            confidence=0.9,
            suggestion="describe the system",
        ),
        Diagnostic("AC001", "action-owner-missing", "no owner", Severity.ERROR, 12),
        Diagnostic("IM004", "approximate-figure", "approximate", Severity.INFO, 4),
    ),
    (Metric("detection_gap", 24, "minutes", 30, "14:12 → 14:36"),),
    "published",
)
FILES = [FileResult("pm/a, b.md", RESULT), FileResult("pm/clean.md", LintResult(()))]


def test_registry() -> None:
    assert {"text", "json", "sarif", "github"} <= set(format_names())
    with pytest.raises(UserError, match="unknown output format"):
        get_format("xml")


def test_text() -> None:
    out = get_format("text")(FILES, False)
    lines = out.splitlines()
    assert (
        lines[0] == "pm/a, b.md:7:3 BL001 blame-language 'careless' judges, 100% (confidence 0.90)"
    )
    assert lines[1] == "    suggestion: describe the system"
    assert "pm/a, b.md:12:1 AC001 action-owner-missing no owner" in lines
    assert "cause→detection gap 24 minutes (14:12 → 14:36)" in out
    assert lines[-1] == "2 files checked: 1 error, 1 warning, 1 info"
    assert "\x1b[" not in out and "\x1b[" in get_format("text")(FILES, True)


def test_json_is_versioned() -> None:
    data = json.loads(get_format("json")(FILES, False))
    assert data["version"] == 1 and data["summary"] == {
        "files": 2,
        "error": 1,
        "warning": 1,
        "info": 1,
    }
    first = data["files"][0]
    assert first["status"] == "published" and first["metrics"][0]["value"] == 24
    assert first["diagnostics"][0] == {
        "code": "BL001",
        "name": "blame-language",
        "severity": "warning",
        "message": "'careless' judges, 100%",
        "line": 7,
        "column": 3,
        "end_line": None,
        "confidence": 0.9,
        "suggestion": "describe the system",
    }


def test_sarif_structure() -> None:
    log = json.loads(get_format("sarif")(FILES, False))
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "hindsight"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    levels = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "pm/a, b.md"
        assert location["region"]["startLine"] >= 1
        assert result["message"]["text"]
        levels.append(result["level"])
    assert levels == ["warning", "error", "note"]


def test_github_annotations_escape_properties_and_data() -> None:
    lines = get_format("github")(FILES, False).splitlines()
    assert lines[0] == (
        "::warning file=pm/a%2C b.md,line=7,col=3,title=BL001 blame-language::"
        "'careless' judges, 100%25 — suggestion: describe the system"
    )
    assert lines[1].startswith("::error ") and lines[2].startswith("::notice ")
