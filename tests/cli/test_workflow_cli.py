"""The workflow's command-line contract, on SQLite and PostgreSQL: `incident set`, `incident
show --format json` (status and policy), `postmortem status` (exit 0 when done, 1 with every
reason when refused), `postmortem approve --as`, and `postmortem edit` refusing a published
postmortem and a Status line moved by hand."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hindsight.cli.app import app
from tests.store.conftest import backend, fresh_url, new_database

__all__ = ["backend", "fresh_url", "new_database"]

SAMPLE = Path(__file__).resolve().parents[2] / "src/hindsight/samples/postmortem.md"
runner = CliRunner()


@pytest.fixture
def store(fresh_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", fresh_url)
    monkeypatch.setenv("HINDSIGHT_USER", "tester")
    monkeypatch.chdir(tmp_path)  # no team hindsight.toml above: the defaults
    return tmp_path


def run(*args: str, code: int = 0) -> tuple[str, str]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result.stdout, result.stderr


def _editor(monkeypatch: pytest.MonkeyPatch, folder: Path, script: str) -> None:
    path = folder / f"editor{abs(hash(script))}.py"
    path.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\n" + script)
    monkeypatch.setenv("HINDSIGHT_EDITOR", f"{sys.executable} {path}")


def _draft(store: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    slug = run("incident", "new", "Checkout errors", "--severity", "SEV-2")[0].split()[1]
    text = SAMPLE.read_text().replace("**Status:** Published", "**Status:** Draft")
    (store / "draft.md").write_text(text)
    _editor(
        monkeypatch, store, f"p.write_text(pathlib.Path({str(store / 'draft.md')!r}).read_text())\n"
    )
    run("postmortem", "edit", slug)
    return slug


def test_incident_set_and_show_json(store: Path) -> None:
    slug = run("incident", "new", "Login slow")[0].split()[1]
    shown = json.loads(run("incident", "show", slug, "--format", "json")[0])
    assert shown["status"] == "open"
    assert shown["policy"] == {
        "decision": "not_required",
        "trigger": "internal-blip",
        "why": "internal-only and resolved without a page",
    }
    out, _ = run(
        "incident", "set", slug, "--severity", "SEV-1", "--customer-visible", "yes",
        "--title", "Login down", "--slack-channel", "#inc-login",
    )  # fmt: skip
    assert "postmortem required (customer-visible-outage" in out
    shown = json.loads(run("incident", "show", slug, "--format", "json")[0])
    assert shown["severity"] == "SEV-1" and shown["customer_visible"] is True
    assert shown["title"] == "Login down" and shown["slack_channel"] == "#inc-login"
    assert shown["policy"]["decision"] == "required"
    assert shown["policy"]["trigger"] == "customer-visible-outage"
    _, err = run("incident", "set", slug, "--customer-visible", "maybe", code=2)
    assert "'maybe' is not yes or no" in err
    _, err = run("incident", "set", slug, "--slack-channel", "not a channel!", code=2)
    assert "is not a Slack channel" in err
    _, err = run("incident", "set", slug, code=2)
    assert "nothing to change" in err


def test_every_move_and_refusal_with_its_reasons(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slug = _draft(store, monkeypatch)
    # Draft → Published is not a move; all reasons, exit 1.
    _, err = run("postmortem", "status", slug, "published", code=1)
    assert "cannot go from Draft to Published" in err and "only to In review" in err
    _, err = run("postmortem", "status", slug, "draft", code=1)
    assert "already Draft" in err
    _, err = run("postmortem", "status", slug, "banana", code=2)
    assert "unknown postmortem state 'banana'" in err
    # Approving before review is refused, as are the author and an unlisted name.
    _, err = run("postmortem", "approve", slug, "--as", "Jonas Weber", code=1)
    assert "not In review" in err
    out, _ = run("postmortem", "status", slug, "in-review")
    assert "Draft → In review" in out
    assert "**Status:** In review" in run("postmortem", "show", slug)[0]
    # In review → Published without an approval: refused with that reason.
    _, err = run("postmortem", "status", slug, "published", code=1)
    assert "no approval yet by a listed reviewer who is not the author" in err
    _, err = run("postmortem", "approve", slug, "--as", "Priya Raman", code=1)
    assert "Priya Raman is not a listed reviewer" in err and "Priya Raman is the author" in err
    _, err = run("postmortem", "approve", slug, "--as", "Someone Else", code=1)
    assert "Someone Else is not a listed reviewer (Reviewers: Jonas Weber, Amara Okafor)" in err
    # In review → Draft, and back.
    run("postmortem", "status", slug, "draft")
    run("postmortem", "status", slug, "in-review")
    out, _ = run("postmortem", "approve", slug, "--as", "jonas weber")
    assert "approved by jonas weber" in out
    # Nothing changed since review began: publishing warns (the default), and publishes.
    out, err = run("postmortem", "status", slug, "published")
    assert "In review → Published" in out
    assert "warning: the review changed nothing" in err
    _, err = run("site", "build", str(store / "site"))
    assert "wrote 1 published postmortems" in err
    assert f'href="incidents/{slug}.html"' in (store / "site" / "index.html").read_text()
    # Published: read-only; reopening needs a reason.
    _, err = run("postmortem", "edit", slug, code=2)
    assert "published and read-only" in err and f"hindsight postmortem status {slug} draft" in err
    _, err = run("postmortem", "status", slug, "draft", code=1)
    assert "reopening a published postmortem needs a reason" in err
    _, err = run("postmortem", "status", slug, "in-review", code=1)
    assert "cannot go from Published to In review" in err
    out, _ = run("postmortem", "status", slug, "draft", "--reason", "wrong timestamps")
    assert "Published → Draft" in out
    history = run("postmortem", "history", slug)[0]
    for move in (
        "status: Draft → In review",
        "status: In review → Draft",
        "status: In review → Published",
        "status: Published → Draft (wrong timestamps)",
    ):
        assert move in history


def test_the_status_line_cannot_drift(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slug = _draft(store, monkeypatch)
    for word in ("Published", "Banana", "In review"):
        _editor(
            monkeypatch,
            store,
            f"p.write_text(p.read_text().replace('**Status:** Draft', '**Status:** {word}'))\n",
        )
        _, err = run("postmortem", "edit", slug, code=2)
        assert "the Status line follows the workflow" in err
        assert f"hindsight postmortem status {slug}" in err
    assert "**Status:** Draft" in run("postmortem", "show", slug)[0]
    _editor(
        monkeypatch,
        store,
        "p.write_text(p.read_text().replace('Draft', 'Draft', 1) + '\\nMore.\\n')\n",
    )
    assert "saved version" in run("postmortem", "edit", slug)[0]


def test_publishing_refuses_lint_errors_and_blocks_an_unchanged_review_when_told(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (store / "hindsight.toml").write_text('[policy]\nunchanged-review = "block"\n')
    slug = run("incident", "new", "Queue backlog")[0].split()[1]
    _editor(
        monkeypatch,
        store,
        "p.write_text(p.read_text().replace('**Reviewers:** <names>', '**Reviewers:** Sam'))\n",
    )
    run("postmortem", "edit", slug)  # the template, with a reviewer
    run("postmortem", "status", slug, "in-review")
    run("postmortem", "approve", slug, "--as", "Sam")
    _, err = run("postmortem", "status", slug, "published", code=1)
    assert "lint error" in err  # the template is far from publishable
    assert "the review changed nothing" in err  # blocked, not warned
    assert "no approval" not in err


def test_review_agenda_in_three_formats(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    import icalendar

    slug = _draft(store, monkeypatch)
    markdown, _ = run("review", "agenda", slug)
    from hindsight.core.document import parse

    title = parse(SAMPLE.read_text()).description
    assert title and markdown.startswith(f"# Review meeting: {title}")
    html, _ = run("review", "agenda", slug, "--format", "html", "--start", "2026-03-20T15:00Z")
    assert "<h2>15:05 — Timeline (15 min)</h2>" in html
    run("review", "agenda", slug, "--format", "ics", "--start", "2026-03-20T15:00Z", "-o", "a.ics")
    event = next(
        c
        for c in icalendar.Calendar.from_ical((store / "a.ics").read_bytes()).walk()
        if c.name == "VEVENT"
    )
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=45)
    _, err = run("review", "agenda", slug, "--start", "tomorrow", code=2)
    assert "'tomorrow' is not an ISO-8601 time" in err
    _, err = run("review", "agenda", slug, "--format", "pdf", code=2)
    assert "unknown format 'pdf'" in err
