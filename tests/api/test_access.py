"""Access control: tokens (hashed), roles on every route, failed-auth rate limiting, local
mode only on loopback, and the CLI that makes tokens."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from hindsight.app import check_bind, create_app
from hindsight.cli.app import app as cli
from hindsight.core.errors import ConfigError
from hindsight.settings import Settings
from hindsight.store.tables import api_tokens
from tests.api.hooks.signing import sample
from tests.api.server import assert_problem, serve, token

# The least role each route needs; a route missing here fails the test (new routes are placed).
NEEDS = {
    ("GET", "/api/v1/incidents"): "viewer",
    ("POST", "/api/v1/incidents"): "editor",
    ("GET", "/api/v1/incidents/{ref}"): "viewer",
    ("PATCH", "/api/v1/incidents/{ref}"): "editor",
    ("GET", "/api/v1/incidents/{ref}/events"): "viewer",
    ("GET", "/api/v1/incidents/{ref}/timeline"): "viewer",
    ("POST", "/api/v1/incidents/{ref}/draft"): "editor",
    ("GET", "/api/v1/incidents/{ref}/postmortem"): "viewer",
    ("POST", "/api/v1/incidents/{ref}/postmortem"): "editor",
    ("PUT", "/api/v1/incidents/{ref}/postmortem"): "editor",
    ("PATCH", "/api/v1/incidents/{ref}/postmortem/fields"): "editor",
    ("GET", "/api/v1/incidents/{ref}/postmortem/revisions"): "viewer",
    ("GET", "/api/v1/incidents/{ref}/postmortem/revisions/{version}"): "viewer",
    ("GET", "/api/v1/incidents/{ref}/postmortem/diff"): "viewer",
    ("GET", "/api/v1/incidents/{ref}/postmortem/lint"): "viewer",
    ("GET", "/api/v1/incidents/{ref}/postmortem/workflow"): "viewer",
    ("POST", "/api/v1/incidents/{ref}/postmortem/status"): "editor",
    ("POST", "/api/v1/incidents/{ref}/postmortem/approvals"): "editor",
    ("GET", "/api/v1/incidents/{ref}/postmortem/agenda"): "viewer",
    ("POST", "/api/v1/incidents/{ref}/postmortem/meeting-notes"): "editor",
    ("GET", "/api/v1/deliveries"): "admin",  # its targets are webhook URLs
    ("GET", "/api/v1/jobs"): "viewer",  # task names and counts, no targets
    ("POST", "/api/v1/jobs/{task}"): "admin",
    ("GET", "/api/v1/incidents/{ref}/action-items"): "viewer",
    ("GET", "/api/v1/action-items"): "viewer",
    ("PATCH", "/api/v1/action-items/{item_id}"): "editor",
    ("GET", "/api/v1/rules"): "viewer",
    ("GET", "/api/v1/tokens"): "admin",
    ("POST", "/api/v1/tokens"): "admin",
    ("DELETE", "/api/v1/tokens/{token_id}"): "admin",
    ("GET", "/api/v1/changes"): "viewer",
    ("POST", "/api/v1/changes"): "editor",
    ("GET", "/api/v1/services"): "viewer",
}
RANK = {"viewer": 1, "editor": 2, "admin": 3}


def _api_routes(client: TestClient) -> set[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/")
        for method in operations
    }


def test_every_api_route_has_a_declared_role(client: TestClient) -> None:
    assert _api_routes(client) == set(NEEDS)


@pytest.mark.parametrize(("method", "path"), sorted(NEEDS))
def test_roles_are_enforced_on_every_route(
    client: TestClient,
    viewer: dict[str, str],
    editor: dict[str, str],
    admin: dict[str, str],
    method: str,
    path: str,
) -> None:
    url = path.replace("{ref}", "no-such-incident").replace("{version}", "1")
    url = url.replace("{token_id}", "999999").replace("{item_id}", "999999")
    if url.endswith("/diff"):
        url += "?from=1&to=2"
    assert_problem(client.request(method, url), 401, "token")
    assert_problem(client.request(method, url, headers={"Authorization": "Bearer hs_nope"}), 401)
    for role, headers in (("viewer", viewer), ("editor", editor), ("admin", admin)):
        response = client.request(method, url, headers=headers, json={})
        if RANK[role] < RANK[NEEDS[(method, path)]]:
            assert_problem(response, 403, NEEDS[(method, path)])
        else:
            assert response.status_code not in (401, 403), (role, response.text)


def test_tokens_are_stored_hashed_and_can_be_revoked(
    client: TestClient, server_engine: sa.Engine, admin: dict[str, str]
) -> None:
    made = client.post("/api/v1/tokens", json={"name": "ci", "role": "viewer"}, headers=admin)
    assert made.status_code == 201
    secret = made.json()["token"]
    with server_engine.connect() as connection:
        digests = [r.digest for r in connection.execute(sa.select(api_tokens))]
    assert secret not in digests
    assert hashlib.sha256(secret.encode()).hexdigest() in digests
    listed = client.get("/api/v1/tokens", headers=admin).json()
    assert secret not in str(listed) and any(t["name"] == "ci" for t in listed)
    mine = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/incidents", headers=mine).status_code == 200
    assert client.delete(f"/api/v1/tokens/{made.json()['id']}", headers=admin).status_code == 200
    assert_problem(client.get("/api/v1/incidents", headers=mine), 401, "revoked")
    assert_problem(client.delete("/api/v1/tokens/999999", headers=admin), 404)
    assert_problem(
        client.post("/api/v1/tokens", json={"name": "x", "role": "root"}, headers=admin), 422
    )


BAD = {"Authorization": "Bearer hs_x"}


def _deliver(client: TestClient, secret: str) -> int:
    response = client.post(
        "/hooks/alertmanager",
        content=sample("alertmanager"),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    return response.status_code


def test_failed_authentications_are_limited_but_valid_tokens_never_are(
    server_engine: sa.Engine,
) -> None:
    good = token(server_engine, "viewer")
    with serve(server_engine, auth_failure_limit=3, auth_failure_window_s=60) as client:
        for _ in range(3):
            assert_problem(client.get("/api/v1/incidents", headers=BAD), 401)
        limited = client.get("/api/v1/incidents", headers=BAD)
        assert_problem(limited, 429, "wait")
        assert int(limited.headers["retry-after"]) >= 1
        # The same address with a valid token: never refused, however many failures it had.
        assert client.get("/api/v1/incidents", headers=good).status_code == 200
        assert_problem(client.get("/api/v1/incidents", headers=BAD), 429)
        assert client.get("/healthz").status_code == 200


def test_webhooks_and_the_api_have_separate_limiters(server_engine: sa.Engine) -> None:
    good = token(server_engine, "viewer")
    with serve(
        server_engine,
        auth_failure_limit=3,
        auth_failure_window_s=60,
        alertmanager_token="hook-secret",
    ) as client:
        for _ in range(5):
            client.get("/api/v1/incidents", headers=BAD)
        assert _deliver(client, "hook-secret") in (200, 201, 202)  # API failures: not a hook's
        assert _deliver(client, "wrong") in (401, 403)  # nor do they count against hooks
    with serve(
        server_engine,
        auth_failure_limit=3,
        auth_failure_window_s=60,
        alertmanager_token="hook-secret",
    ) as client:
        statuses = [_deliver(client, "wrong") for _ in range(5)]
        assert set(statuses[:3]) <= {401, 403} and statuses[-1] == 429
        assert_problem(client.get("/api/v1/incidents", headers=BAD), 401)  # not 429
        assert client.get("/api/v1/incidents", headers=good).status_code == 200


def test_local_mode_is_only_allowed_on_loopback(server_engine: sa.Engine) -> None:
    local = Settings(auth="none")
    for host in ("127.0.0.1", "::1", "localhost"):
        check_bind(local, host)
    for host in ("0.0.0.0", "10.1.2.3", "::"):
        with pytest.raises(ConfigError, match=r"loopback|127\.0\.0\.1"):
            check_bind(local, host)
    check_bind(Settings(auth="token"), "0.0.0.0")
    with serve(server_engine, auth="none") as client:
        assert client.post("/api/v1/tokens", json={"name": "a", "role": "admin"}).status_code == 201
    refused = CliRunner().invoke(
        cli, ["serve", "--host", "0.0.0.0"], env={"HINDSIGHT_AUTH": "none"}
    )
    assert refused.exit_code == 2 and "HINDSIGHT_AUTH" in refused.output


def test_token_cli_creates_lists_and_revokes(tmp_path: Path) -> None:
    env = {"HINDSIGHT_DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", "HINDSIGHT_USER": "ops"}
    runner = CliRunner()
    made = runner.invoke(cli, ["token", "create", "--role", "editor", "--name", "deploy"], env=env)
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("hs_")
    listed = runner.invoke(cli, ["token", "list"], env=env)
    assert listed.stdout.split() == ["1", "editor", "deploy", "active"]
    assert secret not in listed.stdout
    assert runner.invoke(cli, ["token", "create", "--role", "god"], env=env).exit_code == 2
    app = create_app(Settings(database_url=env["HINDSIGHT_DATABASE_URL"]))
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {secret}"}
        assert (
            client.post("/api/v1/incidents", json={"title": "t"}, headers=headers).status_code
            == 201
        )
        assert runner.invoke(cli, ["token", "revoke", "1"], env=env).exit_code == 0
        assert client.get("/api/v1/incidents", headers=headers).status_code == 401
