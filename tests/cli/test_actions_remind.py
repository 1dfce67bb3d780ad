"""`hindsight actions remind`: overdue and due-soon follow-ups posted to Slack's
chat.postMessage (recorded HTTP, respx), owners mentioned, Slack's errors explained."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from hindsight.cli.app import app
from tests.cli.followups import incident_with_items, runner

SLACK = "https://slack.com/api/chat.postMessage"


@pytest.fixture
def slug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", f"sqlite:///{tmp_path / 'h.db'}")
    monkeypatch.setenv("HINDSIGHT_SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("HINDSIGHT_SLACK_REMINDER_CHANNEL", "C0REMIND")
    monkeypatch.setenv("HINDSIGHT_SLACK_USERS", "Jonas=U02JONAS")
    monkeypatch.setenv("HINDSIGHT_PUBLIC_URL", "https://hs.example")
    return incident_with_items(monkeypatch, tmp_path)


@respx.mock
def test_posts_overdue_then_due_soon_with_mentions(slug: str) -> None:
    route = respx.post(SLACK).respond(200, json={"ok": True, "channel": "C0REMIND", "ts": "1.2"})
    result = runner.invoke(app, ["actions", "remind", "--today", "2026-03-19"])
    assert result.exit_code == 0, result.output
    sent = route.calls.last.request
    assert sent.headers["authorization"] == "Bearer xoxb-test"
    body = json.loads(sent.content)
    assert body["channel"] == "C0REMIND"
    lines = body["text"].split("\n")
    assert lines[1] == (
        f"• <@U02JONAS>: Alert on pool saturation — 18 days overdue "
        f"(2026-03-01, <https://hs.example/incidents/{slug}|{slug}>)"
    )
    assert lines[2].startswith("• ana: Document the failover — due in 1 day (2026-03-20")
    assert len(lines) == 3  # priya's item is due 2026-04-01: neither late nor soon
    assert "posted 2 reminders" in result.stderr


@respx.mock
def test_dry_run_posts_nothing_and_nothing_due_posts_nothing(slug: str) -> None:
    route = respx.post(SLACK).respond(200, json={"ok": True})
    dry = runner.invoke(app, ["actions", "remind", "--today", "2026-03-19", "--dry-run"])
    assert dry.exit_code == 0 and "Alert on pool saturation" in dry.stdout
    quiet = runner.invoke(app, ["actions", "remind", "--today", "2026-01-01"])
    assert quiet.exit_code == 0 and "nothing to post" in quiet.stderr
    assert not route.called


@respx.mock
@pytest.mark.parametrize(
    ("response", "words"),
    [
        (
            httpx.Response(200, json={"ok": False, "error": "invalid_auth"}),
            "HINDSIGHT_SLACK_BOT_TOKEN",
        ),
        (httpx.Response(200, json={"ok": False, "error": "not_in_channel"}), "/invite"),
        (httpx.Response(429, headers={"Retry-After": "30"}, json={"ok": False}), "wait 30 s"),
    ],
)
def test_slack_errors_are_exit_2_explained(slug: str, response: httpx.Response, words: str) -> None:
    respx.post(SLACK).mock(return_value=response)
    result = runner.invoke(app, ["actions", "remind", "--today", "2026-03-19"])
    assert result.exit_code == 2 and words in result.stderr


def test_a_bad_people_map_is_a_config_error(slug: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HINDSIGHT_SLACK_USERS", "jonas")
    result = runner.invoke(app, ["actions", "remind", "--today", "2026-03-19", "--dry-run"])
    assert result.exit_code == 2 and "HINDSIGHT_SLACK_USERS" in result.stderr
