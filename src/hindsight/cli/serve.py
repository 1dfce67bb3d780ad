"""`hindsight serve`: the REST API, the webhooks (and the web UI when installed) on uvicorn."""

from __future__ import annotations

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.settings import load_settings


@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    sample: bool = typer.Option(
        False, "--sample", help="Load the built-in sample incident (idempotent)."
    ),
    log_level: str = typer.Option("info", "--log-level", help="debug, info, warning, error."),
) -> None:
    """Serve the API and webhooks. Settings come from HINDSIGHT_* (see docs/config.md)."""
    import uvicorn

    from hindsight.api.logs import configure_logging
    from hindsight.app import check_bind, create_app

    settings = load_settings()
    if sample:
        settings = settings.model_copy(update={"load_sample": True})
    check_bind(settings, host)
    configure_logging(settings.log_json, log_level)
    app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    mode = "no sign-in (local mode)" if settings.auth == "none" else "API tokens"
    console.err.print(f"Hindsight on http://{shown}:{port}/  ({mode}; API docs at /docs)")
    config = uvicorn.Config(
        app, host=host, port=port, log_config=None, access_log=False, log_level=log_level
    )
    uvicorn.Server(config).run()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
