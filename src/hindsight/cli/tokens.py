"""`hindsight token create|list|revoke`: API tokens for the server."""

from __future__ import annotations

import json

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.cli.store_session import session
from hindsight.services.auth import ROLES, create_token, list_tokens, parse_role, revoke_token

token_app = typer.Typer(
    name="token", help="API tokens: create, list, revoke.", no_args_is_help=True
)


@token_app.command("create")
@handle_errors
def create(
    role: str = typer.Option(..., "--role", help=f"One of: {', '.join(ROLES)}."),
    name: str = typer.Option("cli", "--name", help="Who or what uses the token."),
) -> None:
    """Create a token; it is printed once (only its hash is stored)."""
    checked = parse_role(role)
    with session() as s:
        token, record = create_token(s.uow, name=name, role=checked, created_by=s.settings.user)
    console.err.print(
        f"token {record.id} ({record.name}, {record.role}); shown once, keep it safe:",
        markup=False,
    )
    console.out.print(token, markup=False)


@token_app.command("list")
@handle_errors
def list_(format: str = typer.Option("text", "--format", help="text or json.")) -> None:
    """Every token: id, name, role, created, revoked (never the token)."""
    with session() as s:
        found = list_tokens(s.uow)
    if format == "json":
        rows = [
            {
                "id": t.id,
                "name": t.name,
                "role": t.role,
                "created_at": t.created_at.isoformat(),
                "created_by": t.created_by,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in found
        ]
        console.out.print(json.dumps(rows, indent=2), markup=False)
        return
    for t in found:
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
        console.out.print(f"{t.id}\t{t.role}\t{t.name}\t{state}", markup=False)


@token_app.command("revoke")
@handle_errors
def revoke(token_id: int = typer.Argument(..., help="The token's id (see `token list`).")) -> None:
    """Revoke a token: it stops working at once."""
    with session() as s:
        record = revoke_token(s.uow, token_id, actor=s.settings.user)
    console.out.print(f"token {record.id} ({record.name}) revoked", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(token_app)
