"""JSON, versioned: `{"version": 1, "files": [{path, status, diagnostics, metrics}], …}`.

The version changes only when a field is removed or changes meaning; new fields may appear.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hindsight import __version__
from hindsight.core.checks import Severity
from hindsight.report.registry import FileResult, register_format

SCHEMA_VERSION = 1


def file_dict(file: FileResult) -> dict[str, Any]:
    result = file.result
    return {
        "path": file.path,
        "status": result.status,
        "counts": {s.value: n for s, n in result.counts().items()},
        "diagnostics": [
            {
                "code": d.code,
                "name": d.name,
                "severity": d.severity.value,
                "message": d.message,
                "line": d.line,
                "column": d.column,
                "end_line": d.end_line,
                "confidence": d.confidence,
                "suggestion": d.suggestion,
            }
            for d in result.diagnostics
        ],
        "metrics": [
            {"name": m.name, "value": m.value, "unit": m.unit, "line": m.line, "detail": m.detail}
            for m in result.metrics
        ],
    }


@register_format("json")
def render_json(files: Sequence[FileResult], color: bool = False) -> str:
    totals = dict.fromkeys((s.value for s in Severity), 0)
    for file in files:
        for severity, count in file.result.counts().items():
            totals[severity.value] += count
    document = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "hindsight", "version": __version__},
        "files": [file_dict(f) for f in files],
        "summary": {"files": len(files), **totals},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
