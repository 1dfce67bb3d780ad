"""`hindsight lsp`: the language server for editors, over stdin/stdout."""

from __future__ import annotations

import typer

from hindsight.cli.console import handle_errors


@handle_errors
def lsp() -> None:
    """Serve the Language Server Protocol on stdin/stdout: diagnostics, hovers, fixes."""
    from hindsight.lsp.server import serve  # pygls only when the server runs

    serve()


def register(app: typer.Typer) -> None:
    app.command()(lsp)
