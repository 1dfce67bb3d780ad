"""Evidence for the drafting tests: the built-in sample, the midnight sample, their metrics."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hindsight.core.document import parse, render
from hindsight.core.document.model import BulletList, Paragraph
from hindsight.core.document.template import SectionKind
from hindsight.core.drafting import Draft, ServiceMetrics
from hindsight.core.events import Event
from hindsight.samples import sample_evidence
from hindsight.sources import detect_source
from hindsight.sources.prometheus import parse_metrics_file

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_METRICS = FIXTURES / "checkout-api-metrics.json"
MIDNIGHT = FIXTURES / "midnight"


def sample_events() -> list[Event]:
    events: list[Event] = []
    for _, name, data in sample_evidence():
        events.extend(detect_source(name, data).parse(name, data))
    return events


def midnight_events() -> tuple[list[Event], list[ServiceMetrics]]:
    events: list[Event] = []
    metrics: list[ServiceMetrics] = []
    for path in sorted(MIDNIGHT.iterdir()):
        data = path.read_bytes()
        if path.name.endswith("counters.json"):
            metrics.append(parse_metrics_file(path.name, data))
        else:
            events.extend(detect_source(path.name, data).parse(path.name, data))
    return events, metrics


def sample_metrics() -> ServiceMetrics:
    return parse_metrics_file(SAMPLE_METRICS.name, SAMPLE_METRICS.read_bytes())


def raw_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9*])")


def drafted_statements(result: Draft) -> list[tuple[str, str]]:
    """(part, statement) for the prose and list items of every drafted section, read back from
    the Markdown: what a reader sees, which must all be cited."""
    document = parse(render(result.document))
    out: list[tuple[str, str]] = []
    for kind in (SectionKind.SUMMARY, SectionKind.TIMELINE, SectionKind.ROOT_CAUSE):
        section = document.section(kind)
        assert section is not None
        for block in section.blocks:
            if isinstance(block, Paragraph) and "<" not in block.text:
                if block.text.startswith("All times in"):
                    continue
                out.extend((kind.value, s) for s in SENTENCE.split(block.text))
            elif isinstance(block, BulletList):
                out.extend((kind.value, item.text) for item in block.items)
    return out
