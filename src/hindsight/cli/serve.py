"""`hindsight serve`: the REST API, the webhooks (and the web UI when installed) on uvicorn.

The listening socket is bound here, before uvicorn starts, so an address that does not resolve,
is not this machine's or is taken is a usage error (exit 2, like every other), not uvicorn's
start-up failure (exit 3). `--host [::1]` is taken as `::1`.

`--workers N` runs N server processes on that one socket (uvicorn's supervisor, which
restarts a worker that dies); each builds its own app from the same settings. They are safe
side by side on PostgreSQL (see docs/deployment.md); on SQLite they take turns for its one
write lock, so one process is as fast.
"""

from __future__ import annotations

import inspect
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.core.errors import UserError
from hindsight.settings import Settings, load_settings

if TYPE_CHECKING:
    from fastapi import FastAPI


@dataclass(frozen=True)
class AppFactory:
    """What a worker process builds its app from (picklable: sent to each spawned worker)."""

    settings: Settings
    log_level: str

    def __call__(self) -> FastAPI:
        from hindsight.api.logs import configure_logging
        from hindsight.app import create_app

        configure_logging(self.settings.log_json, self.log_level)
        return create_app(self.settings)


@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    sample: bool = typer.Option(
        False, "--sample", help="Load the built-in sample incident (idempotent)."
    ),
    log_level: str = typer.Option("info", "--log-level", help="debug, info, warning, error."),
    workers: int = typer.Option(
        1, "--workers", min=1, max=256, help="Server processes sharing the port (PostgreSQL)."
    ),
) -> None:
    """Serve the API and webhooks. Settings come from HINDSIGHT_* (see docs/config.md)."""
    import uvicorn

    from hindsight.api.logs import configure_logging
    from hindsight.app import check_bind, create_app

    host = host.strip().removeprefix("[").removesuffix("]")
    settings = load_settings()
    if sample:
        settings = settings.model_copy(update={"load_sample": True})
    check_bind(settings, host)
    shown = f"[{host}]" if ":" in host else host
    listening = _listen(host, port, shown)
    port = int(listening.getsockname()[1])  # the real one, when --port 0 let the system pick
    configure_logging(settings.log_json, log_level)
    mode = "no sign-in (local mode)" if settings.auth == "none" else "API tokens"
    plural = f", {workers} workers" if workers > 1 else ""
    console.err.print(f"Hindsight on http://{shown}:{port}/  ({mode}{plural}; API docs at /docs)")
    if workers > 1 and settings.jobs == "inline":
        console.err.print(
            f"note: each of the {workers} processes runs the background jobs "
            "(HINDSIGHT_JOBS=inline); on PostgreSQL set HINDSIGHT_JOBS=worker and run "
            "`hindsight worker` (docs/deployment.md)",
            markup=False,
        )
    if workers == 1:
        config = uvicorn.Config(
            create_app(settings),
            host=host,
            port=port,
            log_config=None,
            access_log=False,
            log_level=log_level,
        )
        uvicorn.Server(config).run(sockets=[listening])
        return
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        AppFactory(settings, log_level),
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        log_level=log_level,
    )
    if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn before 0.55
        Multiprocess(config, target=uvicorn.Server(config).run, sockets=[listening]).run()  # type: ignore[call-arg]
    else:
        Multiprocess(config, sockets=[listening]).run()


def _listen(host: str, port: int, shown: str) -> socket.socket:
    """A socket bound to host:port, or a `UserError` that says why it cannot be."""
    try:
        found = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE | socket.AI_NUMERICSERV
        )
    except socket.gaierror as error:
        raise UserError(
            f"cannot listen on {host!r}: {error.strerror}",
            where="--host",
            fix="use an address of this machine: 127.0.0.1, ::1, 0.0.0.0 or ::",
        ) from None
    family, kind, protocol, _, address = found[0]
    listening = socket.socket(family, kind, protocol)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
        listening.set_inheritable(True)
    except OSError as error:
        listening.close()
        raise UserError(
            f"cannot listen on {shown}:{port} ({error.strerror})",
            where="--host/--port",
            fix="choose a free --port, or an address of this machine for --host",
        ) from None
    return listening


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
