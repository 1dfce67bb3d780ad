"""Every sample payload parses to the events recorded beside it in `payloads/`.

The expected files are reviewed by hand; after a deliberate change to an adapter, rewrite
them with `HINDSIGHT_REGEN=1 pytest tests/sources/test_expected_events.py` and review the diff.
"""

from __future__ import annotations

import json
import os

import pytest

from hindsight.core.events import from_dict
from hindsight.sources import SOURCES, Source, detect_source
from tests.sources.helpers import PAYLOADS, as_json, evidence

SAMPLES = evidence()


@pytest.mark.parametrize(("source", "name", "data"), SAMPLES, ids=[s[1] for s in SAMPLES])
def test_payload_gives_the_expected_events(source: str, name: str, data: bytes) -> None:
    events = SOURCES[source].parse(name, data)
    expected_file = PAYLOADS / f"{name}.expected.json"
    got = as_json(events)
    if os.environ.get("HINDSIGHT_REGEN"):
        expected_file.parent.mkdir(parents=True, exist_ok=True)
        expected_file.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
    assert got == json.loads(expected_file.read_text(encoding="utf-8"))
    # The JSON shape reads back to the same values.
    assert tuple(from_dict(d) for d in got) == events


@pytest.mark.parametrize(("source", "name", "data"), SAMPLES, ids=[s[1] for s in SAMPLES])
def test_source_is_detected_from_the_payload_shape(source: str, name: str, data: bytes) -> None:
    assert detect_source(name, data).name == source


def test_every_source_has_sample_evidence_and_implements_the_protocol() -> None:
    assert {s for s, _, _ in SAMPLES} == set(SOURCES)
    assert all(isinstance(s, Source) and s.name == name for name, s in SOURCES.items())


def test_every_expected_file_has_a_payload() -> None:
    names = {f"{name}.expected.json" for _, name, _ in SAMPLES}
    on_disk = {str(p.relative_to(PAYLOADS)) for p in PAYLOADS.rglob("*.expected.json")}
    assert on_disk == names
