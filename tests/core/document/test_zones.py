"""One zone table: every zone the timeline reader takes after a row's time is one the importer
can place, with the same offset."""

from __future__ import annotations

import pytest

from hindsight.core.document.readers import parse_timeline_line
from hindsight.core.document.zones import OFFSETS
from hindsight.core.importing.zones import offset_of


@pytest.mark.parametrize("zone", sorted(OFFSETS))
def test_the_reader_and_the_importer_share_each_zone(zone: str) -> None:
    entry = parse_timeline_line(f"14:05 {zone} — HighErrorRate fires (alert)")
    assert entry.zone == zone and entry.clock == (14, 5, 0)
    assert offset_of(zone) == OFFSETS[zone]


def test_a_word_after_the_time_is_not_a_zone() -> None:
    entry = parse_timeline_line("14:05 CI runs the suite (ci)")
    assert entry.zone is None and entry.text.startswith("CI runs")
