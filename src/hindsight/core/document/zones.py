"""Time-zone abbreviations as postmortems write them: the one table the timeline reader
(`readers`) and the importer (`importing.zones`) both use.

Offsets are fixed: "PST" means UTC-8 even in May, because that is what the author wrote; a
name not in the table is reported by the importer, never guessed.
"""

from __future__ import annotations

# Abbreviation → minutes east of UTC.
OFFSETS: dict[str, int] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
    "BST": 60, "CET": 60, "WEST": 60, "MET": 60,
    "CEST": 120, "EET": 120, "SAST": 120, "MEST": 120,
    "EEST": 180, "MSK": 180,
    "IST": 330,
    "SGT": 480, "HKT": 480, "AWST": 480,
    "JST": 540, "KST": 540, "ACST": 570,
    "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
    "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
    "AKST": -540, "AKDT": -480, "HST": -600,
}  # fmt: skip

# Zones whose offset depends on the date ("PT" is PST or PDT): known names, no fixed offset.
REGIONAL = frozenset({"PT", "ET", "CT", "MT"})


def abbreviations() -> list[str]:
    """The table's names, longest first (so a regex alternation prefers "CEST" to "CET")."""
    return sorted(OFFSETS, key=lambda name: (-len(name), name))
