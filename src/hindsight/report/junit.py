"""JUnit XML for CI systems that show test reports: a test suite per file, a failing test
case per finding (a clean file is one passing case), the rule as the failure's type."""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from hindsight.report.registry import FileResult, register_format

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _safe(text: str) -> str:
    """XML 1.0 cannot hold control characters even escaped; a document may contain them."""
    return _NOT_XML.sub("\ufffd", text)


@register_format("junit")
def render_junit(files: Sequence[FileResult], color: bool = False) -> str:
    total = sum(max(1, len(f.result.diagnostics)) for f in files)
    failures = sum(len(f.result.diagnostics) for f in files)
    root = ET.Element(
        "testsuites",
        name="hindsight lint",
        tests=str(total),
        failures=str(failures),
        errors="0",
    )
    for file in files:
        found = file.result.diagnostics
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_safe(file.path),
            tests=str(max(1, len(found))),
            failures=str(len(found)),
            errors="0",
            skipped="0",
        )
        if not found:
            ET.SubElement(suite, "testcase", classname=_safe(file.path), name="blameless method")
        for d in found:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_safe(file.path),
                name=f"{d.code} {d.name} (line {d.line})",
                file=_safe(file.path),
                line=str(d.line),
            )
            failure = ET.SubElement(case, "failure", message=_safe(d.message), type=d.code)
            detail = f"{file.path}:{d.line}:{d.column} {d.severity.value} {d.code} {d.message}"
            failure.text = _safe(detail + (f"\nsuggestion: {d.suggestion}" if d.suggestion else ""))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
