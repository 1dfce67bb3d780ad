"""Timestamps in the forms postmortems write them, and placing rows in time."""

from __future__ import annotations

import datetime as dt

import pytest

from hindsight.core.importing.dates import find_date, parse_duration
from hindsight.core.importing.timestamps import Row, place, read_stamp


@pytest.mark.parametrize(
    ("line", "clock", "zone", "date"),
    [
        ("14:51 News reports", (14, 51, 0), None, None),
        ("2:54 PM PST: config merged", (14, 54, 0), "PST", None),
        ("[13:20] deploy", (13, 20, 0), None, None),
        ("`07:35` funds contract", (7, 35, 0), None, None),
        ("**21:17 UTC: published**", (21, 17, 0), "UTC", None),
        ("13:14 EDT (17:14 UTC): a user emails", (13, 14, 0), "EDT", None),
        ("2019-11-29 12:00 | scaled", (12, 0, 0), None, dt.date(2019, 11, 29)),
        ("11:10 6th Nov 2023 - commit merged", (11, 10, 0), None, dt.date(2023, 11, 6)),
        ("02-13-2025 11:00 pm - count rises", (23, 0, 0), None, dt.date(2025, 2, 13)),
        ("1625 — export starts", (16, 25, 0), None, None),
        ("08:42:33 account created", (8, 42, 33), None, None),
        ("First detected: 2023-07-21 08:15", (8, 15, 0), None, dt.date(2023, 7, 21)),
    ],
)
def test_forms(
    line: str, clock: tuple[int, int, int], zone: str | None, date: dt.date | None
) -> None:
    stamp = read_stamp(line)
    assert stamp is not None
    assert (stamp.clock, stamp.zone, stamp.date) == (clock, zone, date)


@pytest.mark.parametrize("line", ["--:-- surge", "[???] IOPS degrade", "2019-12-03 --:-- | x"])
def test_unknown_times(line: str) -> None:
    stamp = read_stamp(line)
    assert stamp is not None and stamp.unknown and stamp.clock is None


@pytest.mark.parametrize("line", ["13:55 PM ticket", "25:10 nothing", "12:61 nope"])
def test_impossible_times_are_invalid_not_fixed(line: str) -> None:
    stamp = read_stamp(line)
    assert stamp is not None and stamp.clock is None and stamp.invalid


@pytest.mark.parametrize("line", ["It took 1 hour and 31 minutes", "Version 2.5.1 released", ""])
def test_prose_is_not_a_row(line: str) -> None:
    assert read_stamp(line) is None


def test_place_rolls_midnight_and_reports_order_and_zone() -> None:
    rows = [Row("23:40 a", 1), Row("00:10 b", 2), Row("00:05 c", 3), Row("13:55 PM d", 4)]
    events, found = place(rows, zone=None, base_date=dt.date(2024, 1, 31))
    assert [e.day for e in events] == [0, 1, 1, 1]
    assert events[1].at == dt.datetime(2024, 2, 1, 0, 10, tzinfo=dt.UTC)
    assert [(f.code, f.line) for f in found] == [
        ("IP010", 1), ("IP014", 2), ("IP011", 3), ("IP012", 4),
    ]  # fmt: skip


def test_declared_zone_converts_to_utc_and_unknown_zone_is_reported() -> None:
    events, found = place([Row("09:00 a", 1)], zone="CEST", base_date=dt.date(2024, 6, 1))
    assert events[0].at == dt.datetime(2024, 6, 1, 7, 0, tzinfo=dt.UTC) and not found
    _, found = place([Row("09:00 a", 1)], zone="XYZT", base_date=None)
    assert [f.code for f in found] == ["IP017", "IP015"]


def test_ambiguous_numeric_date_is_reported() -> None:
    _, found = place([Row("03-04-2025 10:00 - x", 7)], zone="UTC", base_date=None)
    assert [(f.code, f.line) for f in found] == [("IP016", 7)]


def test_dates_and_durations() -> None:
    assert find_date("On Monday, Oct 15, starting", 2018).value == dt.date(2018, 10, 15)  # type: ignore[union-attr]
    assert find_date("31st July 2018").value == dt.date(2018, 7, 31)  # type: ignore[union-attr]
    assert find_date("version 2.5.1") is None
    assert parse_duration("1h 17m") == 77
    assert parse_duration("1 hour and 31 minutes") == 91
    assert parse_duration("01:06") == 66
    assert parse_duration("soon") is None
