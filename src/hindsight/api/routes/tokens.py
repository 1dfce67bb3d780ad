"""/api/v1/tokens: admins list, create and revoke API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from hindsight.api.auth import Principal, require
from hindsight.api.context import get_uow
from hindsight.api.problems import PROBLEM_SCHEMA
from hindsight.api.schemas import NewTokenOut, TokenIn, TokenOut
from hindsight.services import UnitOfWork
from hindsight.services.auth import Role, create_token, list_tokens, revoke_token

router = APIRouter(prefix="/api/v1", tags=["tokens"], responses={"default": PROBLEM_SCHEMA})
Uow = Annotated[UnitOfWork, Depends(get_uow)]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]


@router.get("/tokens", response_model=list[TokenOut], summary="Every token (never the secret)")
def list_route(uow: Uow, _: Admin) -> list[TokenOut]:
    return [TokenOut.of(t) for t in list_tokens(uow)]


@router.post(
    "/tokens", status_code=201, response_model=NewTokenOut, summary="Create a token (shown once)"
)
def create_route(body: TokenIn, uow: Uow, who: Admin) -> NewTokenOut:
    token, record = create_token(uow, name=body.name, role=body.role, created_by=who.name)
    return NewTokenOut(token=token, **TokenOut.of(record).model_dump())


@router.delete("/tokens/{token_id}", response_model=TokenOut, summary="Revoke a token")
def revoke_route(
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], uow: Uow, who: Admin
) -> TokenOut:
    return TokenOut.of(revoke_token(uow, token_id, actor=who.name))
