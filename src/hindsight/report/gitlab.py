"""GitLab Code Quality: the JSON array the merge-request widget reads.

Each issue has `description`, `check_name`, `fingerprint`, `severity` (info, minor, major,
critical or blocker) and `location.path` / `location.lines.begin`. GitLab matches issues across
pipelines by fingerprint, so it must not change when a finding only moves: it hashes the file,
the rule, the section the finding is in, the message, and the finding's rank among identical
ones in that section — never the line number.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from hindsight.core.checks import Severity
from hindsight.report.locate import section_of
from hindsight.report.registry import FileResult, register_format

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def fingerprint(path: str, code: str, section: str, message: str, rank: int) -> str:
    key = "\0".join((path, code, section, message, str(rank)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def issues(files: Sequence[FileResult]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for file in files:
        path = file.path.replace("\\", "/").removeprefix("./")
        seen: Counter[tuple[str, str, str]] = Counter()
        for d in file.result.diagnostics:
            section = section_of(file.document, d.line)
            seen[(d.code, section, d.message)] += 1
            rank = seen[(d.code, section, d.message)]
            description = f"{d.code} {d.message}" + (
                f" (suggestion: {d.suggestion})" if d.suggestion else ""
            )
            out.append(
                {
                    "description": description,
                    "check_name": f"{d.code} {d.name}",
                    "fingerprint": fingerprint(path, d.code, section, d.message, rank),
                    "severity": SEVERITIES[d.severity],
                    "location": {"path": path, "lines": {"begin": d.line}},
                }
            )
    return out


@register_format("gitlab")
def render_gitlab(files: Sequence[FileResult], color: bool = False) -> str:
    return json.dumps(issues(files), indent=2, ensure_ascii=False) + "\n"
