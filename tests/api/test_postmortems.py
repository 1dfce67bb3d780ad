"""Postmortems over the API: Markdown and JSON, ETag/If-Match (a stale write is refused, never
lost), revisions and diffs, structured field writes, action items, lint."""

from __future__ import annotations

import dataclasses
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from hindsight.api.routes import postmortems as routes
from hindsight.samples import sample_postmortem
from tests.api.server import assert_problem, serve, token

MD = {"content-type": "text/markdown"}


def _incident(client: TestClient, headers: dict[str, str]) -> str:
    made = client.post(
        "/api/v1/incidents",
        json={"title": f"Queue backlog {uuid.uuid4().hex[:8]}"},
        headers=headers,
    )
    return str(made.json()["slug"])


def test_start_read_and_save_with_etags(client: TestClient, editor: dict[str, str]) -> None:
    slug = _incident(client, editor)
    url = f"/api/v1/incidents/{slug}/postmortem"
    assert_problem(client.get(url, headers=editor), 404, "no postmortem")
    started = client.post(url, headers=editor)
    assert started.status_code == 201 and started.headers["etag"] == '"1"'
    assert started.json()["document"]["schema"] == "hindsight.document/1"
    assert_problem(client.post(url, headers=editor), 409, "already has a postmortem")
    markdown = client.get(url, headers={**editor, "accept": "text/markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.headers["etag"] == '"1"'
    text = markdown.text
    # Two editors read version 1; the first save wins, the second is refused, not lost.
    first = client.put(
        url, content=text + "\nFirst edit.\n", headers={**editor, **MD, "If-Match": '"1"'}
    )
    assert first.status_code == 200 and first.headers["etag"] == '"2"'
    stale = client.put(
        url, content=text + "\nSecond edit.\n", headers={**editor, **MD, "If-Match": '"1"'}
    )
    body = assert_problem(stale, 412, "version 2", "merge")
    assert body["current_version"] == 2 and stale.headers["etag"] == '"2"'
    kept = client.get(url, params={"format": "markdown"}, headers=editor).text
    assert "First edit." in kept and "Second edit." not in kept
    # JSON writes work too; a write without If-Match is refused.
    assert_problem(client.put(url, json={"markdown": kept}, headers=editor), 428, "If-Match")
    third = client.put(
        url, json={"markdown": kept + "\nThird.\n"}, headers={**editor, "If-Match": 'W/"2"'}
    )
    assert third.status_code == 200 and third.json()["version"] == 3
    assert_problem(
        client.put(
            url, content=b"x", headers={**editor, "content-type": "image/png", "If-Match": '"3"'}
        ),
        415,
        "text/markdown",
    )
    assert_problem(
        client.put(url, json={"text": "x"}, headers={**editor, "If-Match": '"3"'}), 422, "markdown"
    )
    assert_problem(
        client.put(url, content="x", headers={**editor, **MD, "If-Match": "banana"}), 412, "ETag"
    )
    for tag in ('"' + "9" * 40 + '"',):  # not a version any store could hold
        assert_problem(client.put(url, content="x", headers={**editor, **MD, "If-Match": tag}), 412)


def test_revisions_diffs_fields_items_and_lint(client: TestClient, editor: dict[str, str]) -> None:
    slug = _incident(client, editor)
    url = f"/api/v1/incidents/{slug}/postmortem"
    assert (
        client.post(url, content=sample_postmortem(), headers={**editor, **MD}).status_code == 201
    )
    # Published: read-only until reopened, so reopen it first (a transition is a version).
    reopened = client.post(
        f"{url}/status", json={"state": "draft", "reason": "more to say"}, headers=editor
    )
    assert reopened.status_code == 200, reopened.text
    assert_problem(
        client.patch(
            f"{url}/fields", json={"Status": "In review"}, headers={**editor, "If-Match": '"2"'}
        ),
        422,
        "the Status line follows the workflow",
        "hindsight postmortem status",
    )
    fields = client.patch(
        f"{url}/fields", json={"Reviewers": "Sam Lee"}, headers={**editor, "If-Match": '"2"'}
    )
    assert fields.status_code == 200, fields.text
    assert fields.json()["status"] == "Draft" and fields.json()["version"] == 3
    assert_problem(
        client.patch(f"{url}/fields", json={"Colour": "x"}, headers={**editor, "If-Match": '"3"'}),
        422,
        "Colour",
    )
    history = client.get(f"{url}/revisions", headers=editor).json()
    assert [r["version"] for r in history] == [1, 2, 3]
    assert "status: Published → Draft (more to say)" in history[1]["changes"]
    one = client.get(f"{url}/revisions/2", headers=editor).json()
    assert "+**Status:** Draft" in one["diff"]
    diff = client.get(f"{url}/diff", params={"from": 1, "to": 2}, headers=editor)
    assert diff.headers["content-type"].startswith("text/x-diff")
    assert "--- version 1" in diff.text and "+++ version 2" in diff.text
    assert_problem(client.get(f"{url}/diff?from=1&to=9", headers=editor), 404, "version 9")
    assert_problem(client.get(f"{url}/revisions/7", headers=editor), 404)
    items = client.get(f"/api/v1/incidents/{slug}/action-items", headers=editor).json()
    assert items and all(i["action"] for i in items)
    everywhere = client.get("/api/v1/action-items", headers=editor).json()
    assert {i["action"] for i in items} <= {i["action"] for i in everywhere}
    lint = client.get(f"{url}/lint", headers=editor).json()
    assert lint["version"] == 3 and set(lint["counts"]) == {"error", "warning", "info"}
    bad = _incident(client, editor)
    client.post(
        f"/api/v1/incidents/{bad}/postmortem",
        content="# Postmortem: x\n\nBob broke prod because he was careless.\n",
        headers={**editor, **MD},
    )
    found = client.get(f"/api/v1/incidents/{bad}/postmortem/lint", headers=editor).json()
    assert "ST003" in {d["code"] for d in found["diagnostics"]}
    assert all({"code", "message", "line"} <= set(d) for d in found["diagnostics"])


def test_rules_are_listed(client: TestClient, viewer: dict[str, str]) -> None:
    rules = client.get("/api/v1/rules", headers=viewer).json()
    assert len(rules) > 40 and all(r["code"] and r["name"] and r["summary"] for r in rules)


def test_the_server_lints_with_the_team_config_as_the_cli_does(
    server_engine: sa.Engine, tmp_path: Path
) -> None:
    """`HINDSIGHT_LINT_CONFIG` (or the nearest hindsight.toml) applies to the API's and the
    web UI's checks: the same findings as `hindsight lint` on the same text."""
    from hindsight.services.linting import lint_markdown, options_for

    config = tmp_path / "hindsight.toml"
    config.write_text('[lint]\nignore = ["ST003", "TL004"]\n', encoding="utf-8")
    markdown = "# Postmortem: checkout errors\n\n**Status:** Draft\n\n## Summary\n\nShort.\n"
    document = tmp_path / "pm.md"
    document.write_text(markdown, encoding="utf-8")
    expected = {d.code for d in lint_markdown(markdown, options_for(document)).diagnostics}
    assert "ST003" not in expected and expected  # the config applied, and something is found
    with serve(server_engine, lint_config=str(config)) as client:
        headers = token(server_engine, "editor")
        made = client.post("/api/v1/incidents", json={"title": "lint config"}, headers=headers)
        slug = made.json()["slug"]
        client.post(
            f"/api/v1/incidents/{slug}/postmortem", content=markdown, headers={**headers, **MD}
        )
        found = client.get(f"/api/v1/incidents/{slug}/postmortem/lint", headers=headers).json()
    assert {d["code"] for d in found["diagnostics"]} == expected


def test_a_stale_if_match_is_412_even_when_it_loses_the_race_inside_the_write(
    client: TestClient, editor: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slug = _incident(client, editor)
    url = f"/api/v1/incidents/{slug}/postmortem"
    client.post(url, headers=editor)
    text = client.get(url, headers={**editor, "accept": "text/markdown"}).text
    saved = client.put(url, content=text + "\nA.\n", headers={**editor, **MD, "If-Match": '"1"'})
    assert saved.status_code == 200
    # The route's own check sees version 1 (as if it ran just before the other save landed);
    # the write itself then finds version 2: the same 412 as a stale check, never 409.
    real = routes.get_postmortem

    def before_the_other_save(uow: object, incident_id: int) -> object:
        return dataclasses.replace(real(uow, incident_id), version=1)  # type: ignore[arg-type]

    monkeypatch.setattr(routes, "get_postmortem", before_the_other_save)
    late = client.put(url, content=text + "\nB.\n", headers={**editor, **MD, "If-Match": '"1"'})
    body = assert_problem(late, 412, "version 2", "merge")
    assert body["current_version"] == 2 and late.headers["etag"] == '"2"'


def test_concurrent_saves_from_one_version_are_one_200_and_the_rest_412(
    client: TestClient, editor: dict[str, str]
) -> None:
    slug = _incident(client, editor)
    url = f"/api/v1/incidents/{slug}/postmortem"
    client.post(url, headers=editor)
    text = client.get(url, headers={**editor, "accept": "text/markdown"}).text
    barrier = threading.Barrier(6)

    def save(n: int) -> int:
        barrier.wait()
        headers = {**editor, **MD, "If-Match": '"1"'}
        return client.put(url, content=f"{text}\nEdit {n}.\n", headers=headers).status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(pool.map(save, range(6)))
    assert statuses == [200] + [412] * 5, statuses
