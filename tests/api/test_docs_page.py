"""`/docs` works offline: Swagger UI's files come from the installed package, under 'self'."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_page_names_only_our_own_files(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "<script>" not in page.text  # no inline script: the CSP would block it
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/docs/assets/") for a in assets), assets
    for asset in assets:
        fetched = client.get(asset)
        assert fetched.status_code == 200, asset
        assert len(fetched.content) > 100
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "http" not in csp and "unsafe" not in csp


def test_redoc_is_gone_and_the_schema_stays(client: TestClient) -> None:
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"] == "Hindsight"
