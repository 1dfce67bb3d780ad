"""Property-based fuzzing of the whole OpenAPI document (Schemathesis): whatever a client
sends, the server never answers 5xx. Bounded examples per operation so it runs in CI."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from hindsight.api.sample import load_sample
from hindsight.app import create_app
from hindsight.services import UnitOfWork
from hindsight.settings import Settings
from tests.api.hooks.signing import SECRETS
from tests.dbfixtures import migrated_engine

EXAMPLES = 12


def test_no_request_makes_the_server_fail(tmp_path: Path) -> None:
    with migrated_engine("sqlite", tmp_path) as engine:
        load_sample(UnitOfWork(engine))  # something real behind the ids and slugs
        app = create_app(Settings(auth="none", **SECRETS), engine=engine)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        failures: list[str] = []
        operations = 0
        calls: list[int] = []
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: schemathesis.Case) -> None:
                response = case.call()
                calls.append(response.status_code)
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} → {response.status_code}: "
                        f"{response.text[:300]}"
                    )
                else:
                    content = response.headers.get("content-type", [""])
                    kind = content[0] if isinstance(content, list) else content
                    if response.status_code >= 400:
                        assert "problem+json" in kind, (case.method, case.path, response.text)

            run()
        assert operations >= 30 and len(calls) >= operations * 5, (operations, len(calls))
        assert any(code < 300 for code in calls)  # not only rejections
        assert not failures, "\n".join(failures[:10])


pytestmark = pytest.mark.slow
