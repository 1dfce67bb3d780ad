"""Import every postmortem in a folder and say what was recovered from each.

    python bench/corpus_import.py ../shared/corpus/postmortems

Per file: the template sections found, the header facts read (and from where), how many
timeline rows were placed, and the findings raised; then a summary. Exit status 1 if any file
fails to import (a crash is a bug: every input must import).
"""

from __future__ import annotations

import sys
import traceback
from collections import Counter
from pathlib import Path

from hindsight.core.importing import ImportResult, import_text


def _facts(result: ImportResult) -> list[str]:
    facts = result.facts
    out = []
    if facts.date:
        source = facts.date_from.source if facts.date_from else "?"
        out.append(f"date={facts.date} ({source})")
    if facts.severity:
        out.append(f"severity={facts.severity}")
    if facts.services:
        out.append(f"services={','.join(facts.services)}")
    if facts.duration_minutes is not None:
        out.append(f"duration={facts.duration_minutes:.0f}m")
    if facts.detection_minutes is not None:
        out.append(f"detection={facts.detection_minutes:.0f}m")
    if facts.published:
        out.append(f"published={facts.published}")
    return out


def main(path: str) -> int:
    files = sorted(Path(path).glob("*.md"))
    if not files:
        print(f"no Markdown files in {path}")
        return 1
    failed = 0
    totals: Counter[str] = Counter()
    sections: Counter[str] = Counter()
    rows = 0
    for file in files:
        try:
            result = import_text(file.read_text(encoding="utf-8"), name=file.name)
        except Exception:  # a crash is what this script exists to catch
            failed += 1
            print(f"{file.name}: CRASH")
            traceback.print_exc()
            continue
        rows += len(result.events)
        sections.update(result.sections)
        codes = Counter(f.code for f in result.findings)
        totals.update(codes)
        gap = result.milestones.minutes("cause", "detected")
        print(f"{file.name}")
        print(f"  sections: {', '.join(result.sections) or '(none)'}")
        print(f"  facts:    {'; '.join(_facts(result)) or '(none)'}")
        print(
            f"  timeline: {len(result.events)} rows"
            + (f", cause→detection {gap:.0f} min" if gap is not None else "")
        )
        findings = ", ".join(f"{code}×{n}" if n > 1 else code for code, n in sorted(codes.items()))
        print(f"  findings: {findings or '(none)'}")
        for finding in result.findings:
            if finding.level.value == "warning":
                print(f"    line {finding.line}: {finding.code} {finding.message}")
    print()
    print(f"summary: {len(files) - failed}/{len(files)} imported, {rows} timeline rows placed")
    print("  sections: " + ", ".join(f"{k} {v}" for k, v in sorted(sections.items())))
    print("  findings: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/postmortems"))
