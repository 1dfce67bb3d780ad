"""GitLab Code Quality and JUnit XML, checked against their documented shapes."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from hindsight.core.checks import lint
from hindsight.core.document import parse
from hindsight.report import FileResult, get_format
from tests.core.checks.base import base_text

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def _result(text: str, path: str = "postmortems/pm.md") -> FileResult:
    document = parse(text)
    return FileResult(path, lint(document), document)


def _bad() -> str:
    return (
        base_text()
        .replace("| Priya Raman  | Add", "| The team     | Add")
        .replace("| Tomás Ortega | Alert", "| The team     | Alert")
    )


def _gitlab(files: list[FileResult]) -> list[dict[str, Any]]:
    data = json.loads(get_format("gitlab")(files, False))
    assert isinstance(data, list)
    return data


def test_gitlab_shape() -> None:
    issues = _gitlab([_result(_bad()), _result(base_text(), "clean.md")])
    assert issues, "the bad document has findings"
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert issue["severity"] in GITLAB_SEVERITIES
        assert issue["location"]["path"] == "postmortems/pm.md"
        begin = issue["location"]["lines"]["begin"]
        assert isinstance(begin, int) and begin >= 1
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)  # GitLab keeps one issue per fingerprint
    assert {i["severity"] for i in issues if i["check_name"].startswith("AC002")} == {"major"}


def test_gitlab_fingerprints_stable_across_runs_and_moves_within_a_section() -> None:
    before = _gitlab([_result(_bad())])
    assert _gitlab([_result(_bad())]) == before
    # Two lines added at the top of Summary move every later finding down.
    moved_text = _bad().replace("## Summary\n\n", "## Summary\n\nAn added line.\n\n", 1)
    moved = _gitlab([_result(moved_text)])
    ac = [
        (i["fingerprint"], i["location"]["lines"]["begin"])
        for i in before
        if "AC002" in i["check_name"]
    ]
    ac_moved = [
        (i["fingerprint"], i["location"]["lines"]["begin"])
        for i in moved
        if "AC002" in i["check_name"]
    ]
    assert [f for f, _ in ac] == [f for f, _ in ac_moved]
    assert [line + 2 for _, line in ac] == [line for _, line in ac_moved]
    # Another file, same finding: another fingerprint.
    other = _gitlab([_result(_bad(), "postmortems/other.md")])
    assert not {i["fingerprint"] for i in other} & {i["fingerprint"] for i in before}


def test_junit_shape() -> None:
    bad, clean = _result(_bad()), _result(base_text(), "clean.md")
    out = get_format("junit")([bad, clean], False)
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["postmortems/pm.md", "clean.md"]
    findings = len(bad.result.diagnostics)
    assert root.get("failures") == str(findings) and root.get("tests") == str(findings + 1)
    first = suites[0]
    assert first.get("tests") == first.get("failures") == str(findings)
    for case in first.findall("testcase"):
        failure = case.find("failure")
        assert failure is not None and failure.get("type") and failure.get("message")
        assert case.get("classname") == "postmortems/pm.md"
    passing = suites[1].findall("testcase")
    assert len(passing) == 1 and passing[0].find("failure") is None


def test_junit_survives_control_characters() -> None:
    text = base_text().replace("## Summary\n\n", "## Summary\n\nA \x01 weird byte.\n\n", 1)
    ET.fromstring(get_format("junit")([_result(text, "pm\x02.md")], False))
