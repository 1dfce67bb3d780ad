"""`/docs`: Swagger UI 5 from the installed `swagger-ui-bundle-v2` package, so it works offline.

FastAPI's own docs page loads the viewer from a CDN and starts it with an inline script; ours
serves the package's files under /docs/assets and starts the viewer from a file of our own,
so the page runs under a CSP of 'self' alone (see `security_headers.py`).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

ASSETS = "/docs/assets"
_OWN = Path(__file__).with_name("docs_assets")


def install_docs(app: FastAPI) -> None:
    """Serve /docs (the FastAPI app must be built with docs_url=None, redoc_url=None)."""
    app.mount(f"{ASSETS}/ui", StaticFiles(directory=str(swagger_ui_path)), name="docs-ui")
    app.mount(f"{ASSETS}/own", StaticFiles(directory=str(_OWN)), name="docs-own")
    openapi = app.openapi_url or "/openapi.json"
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(app.title)} API</title>
<link rel="stylesheet" href="{ASSETS}/ui/swagger-ui.css">
</head>
<body data-openapi="{escape(openapi)}">
<main id="swagger-ui"></main>
<script src="{ASSETS}/ui/swagger-ui-bundle.js"></script>
<script src="{ASSETS}/own/init.js"></script>
</body>
</html>
"""

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)
