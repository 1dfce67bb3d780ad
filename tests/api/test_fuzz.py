"""Property-based fuzzing of every API route in the OpenAPI document (Schemathesis), on SQLite
and PostgreSQL, signed in with an admin token: whatever a client sends, the server never
answers 5xx, and every refusal is a problem document. Bounded examples per operation so it
runs in CI; the counts are printed (`pytest -s`).

The webhook routes (/hooks/…) have their own fuzz suite with each source's signatures."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from hindsight.app import create_app
from hindsight.services import UnitOfWork
from hindsight.services.auth import create_token
from hindsight.services.sample import load_sample
from hindsight.settings import Settings
from tests.api.hooks.signing import SECRETS
from tests.api.server import count_rows
from tests.dbfixtures import migrated_engine

EXAMPLES = 25

pytestmark = pytest.mark.slow


def test_no_api_request_makes_the_server_fail(backend: str, tmp_path: Path) -> None:
    with migrated_engine(backend, tmp_path) as engine:
        slug = load_sample(UnitOfWork(engine))  # something real behind the ids and slugs
        admin, _ = create_token(UnitOfWork(engine), name="fuzz", role="admin", created_by="t")
        trackers = {"gitlab_webhook_token": "gl-token", "jira_webhook_secret": "jira-hmac"}
        app = create_app(Settings(auth="token", **SECRETS, **trackers), engine=engine)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        failures: list[str] = []
        statuses: Counter[int] = Counter()
        per_operation: Counter[str] = Counter()

        def check(case: schemathesis.Case, label: str) -> None:
            response = case.call(headers={"Authorization": f"Bearer {admin}"})
            statuses[response.status_code] += 1
            per_operation[label] += 1
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} → {response.status_code}: "
                    f"{response.text[:300]}"
                )
            elif response.status_code >= 400:
                content = response.headers.get("content-type", [""])
                kind = content[0] if isinstance(content, list) else content
                assert "problem+json" in kind, (case.method, case.path, response.text)

        expected: set[str] = set()
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path.startswith("/hooks/"):
                continue
            expected.add(f"{operation.method.upper()} {operation.path}")

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: schemathesis.Case) -> None:
                label = f"{case.operation.method.upper()} {case.operation.path}"
                check(case, label)
                # The same request against the real incident: past the 404, into the body.
                if case.path_parameters and "ref" in case.path_parameters:
                    case.path_parameters["ref"] = slug
                    check(case, label)

            run()
        calls = sum(statuses.values())
        print(
            f"\n{backend}: {len(per_operation)} API operations, {calls} requests, "
            f"statuses {dict(sorted(statuses.items()))}, "
            f"5xx {sum(n for code, n in statuses.items() if code >= 500)}"
        )
        assert set(per_operation) == expected and len(expected) >= 20, per_operation
        assert calls >= len(expected) * 5, per_operation
        assert any(code < 300 for code in statuses)  # not only rejections
        assert not failures, "\n".join(failures[:10])


# The hostile values that once made servers fail, put in every JSON body the API takes.
HOSTILE_VALUES = {
    "huge integer": b"9" * 5000,
    "lone surrogate": b'"bad \\ud800 text"',
    "NUL in text": b'"a\\u0000b"',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "not UTF-8": b'"\xff\xfe"',
    "overflowing float": b"1e999",
}


def test_hostile_json_bodies_are_4xx_problems_and_store_nothing(
    backend: str, tmp_path: Path
) -> None:
    with migrated_engine(backend, tmp_path) as engine:
        slug = load_sample(UnitOfWork(engine))
        admin, _ = create_token(UnitOfWork(engine), name="fuzz", role="admin", created_by="t")
        app = create_app(Settings(auth="token"), engine=engine)
        headers = {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}
        # (method, path, body with X where the hostile value goes)
        routes = [
            ("POST", "/api/v1/incidents", b'{"title": X}'),
            ("POST", "/api/v1/incidents", b'{"title": "t", "services": [X]}'),
            ("PATCH", f"/api/v1/incidents/{slug}", b'{"title": X}'),
            ("PUT", f"/api/v1/incidents/{slug}/postmortem", b'{"markdown": X}'),
            ("PATCH", f"/api/v1/incidents/{slug}/postmortem/fields", b'{"Status": X}'),
            ("POST", "/api/v1/tokens", b'{"name": X, "role": "viewer"}'),
        ]
        statuses: Counter[int] = Counter()
        with TestClient(app, raise_server_exceptions=False) as client:
            before = count_rows(engine)
            for method, path, template in routes:
                for case, value in HOSTILE_VALUES.items():
                    body = template.replace(b"X", value)
                    etag = client.get(f"/api/v1/incidents/{slug}/postmortem", headers=headers)
                    sent = {**headers, "If-Match": etag.headers.get("etag", '"1"')}
                    response = client.request(method, path, content=body, headers=sent)
                    statuses[response.status_code] += 1
                    where = (case, method, path, response.text[:300])
                    assert 400 <= response.status_code < 500, where
                    assert "problem+json" in response.headers["content-type"], where
            assert count_rows(engine) == before  # nothing stored on refusal
        print(
            f"\n{backend}: {sum(statuses.values())} hostile bodies over {len(routes)} routes, "
            f"statuses {dict(sorted(statuses.items()))}"
        )
