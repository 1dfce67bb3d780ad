"""Timeline entries written `[13:20] …` (common in chat-style timelines) keep their time."""

from hindsight.core.document.readers import parse_timeline_line


def test_bracketed_time_is_read() -> None:
    entry = parse_timeline_line("[13:20] Prow bump PR is merged (deploy)")
    assert entry.time == "13:20"
    assert entry.clock == (13, 20, 0)
    assert entry.text == "Prow bump PR is merged"
    assert entry.source == "deploy"


def test_bracketed_date_and_time_are_read() -> None:
    entry = parse_timeline_line("[2019-01-22 13:20] config merged")
    assert (entry.date, entry.time, entry.text) == ("2019-01-22", "13:20", "config merged")


def test_bracketed_unknown_time_stays_untimed() -> None:
    entry = parse_timeline_line("[???] IOPS reached a critical point")
    assert entry.time is None and entry.clock is None


def test_backticked_time_is_read() -> None:
    entry = parse_timeline_line("`07:35` Team partially funds airdrop contract")
    assert entry.time == "07:35"
    assert entry.text == "Team partially funds airdrop contract"
