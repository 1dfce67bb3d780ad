"""The naming convention that finds an incident's channel."""

from __future__ import annotations

import datetime as dt

from hindsight.core.channels import (
    Candidate,
    ChannelName,
    channel_from_link,
    incident_for,
    read_channel_name,
)

DAY = dt.date(2026, 3, 14)


def test_a_conventional_name_carries_a_day_and_a_service() -> None:
    assert read_channel_name("inc-2026-03-14-checkout") == ChannelName(DAY, "checkout")
    assert read_channel_name("#inc-20260314-payments-api") == ChannelName(DAY, "payments-api")
    assert read_channel_name("general") is None
    assert read_channel_name("inc-2026-02-30-x") is None  # no such day
    assert read_channel_name("incident_0314_db", "incident_{date}_{service}") is None
    assert read_channel_name("war-2026-03-14-db", "war-{date}-{service}") == ChannelName(DAY, "db")


def test_the_one_incident_of_that_service_and_day_is_chosen_never_a_guess() -> None:
    name = ChannelName(DAY, "checkout")
    checkout = Candidate(1, DAY, ("checkout-api",))
    search = Candidate(2, DAY, ("search",))
    yesterday = Candidate(3, DAY - dt.timedelta(days=1), ("checkout-api",))
    assert incident_for(name, [checkout, search, yesterday]) == 1
    assert incident_for(name, [search, yesterday]) is None
    twin = Candidate(4, DAY, ("checkout-web",))
    assert incident_for(name, [checkout, twin]) is None  # two fit: ask a person
    assert incident_for(ChannelName(DAY, "checkout-api"), [checkout, twin]) == 1
    assert incident_for(ChannelName(DAY, "check"), [checkout]) is None  # not a word prefix


def test_a_slack_link_names_its_channel() -> None:
    assert channel_from_link("https://example.slack.com/archives/C07INC0314") == "C07INC0314"
    assert channel_from_link("https://example.slack.com/archives/C07INC0314/p1773499880") == (
        "C07INC0314"
    )
    assert channel_from_link("https://example.com/x") is None
