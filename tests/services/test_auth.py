"""Web sessions in the store, on SQLite and PostgreSQL: a random id that is not a token, an
expiry, ended by sign-out and by revoking the token it was made from."""

from __future__ import annotations

import datetime as dt

import pytest

from hindsight.services.auth import (
    authenticate,
    create_token,
    end_session,
    revoke_token,
    session_principal,
    start_session,
)
from hindsight.store.unit_of_work import UnitOfWork, utc_now


def _signed_in(uow: UnitOfWork, lifetime_s: float = 3600) -> tuple[str, str, int]:
    token, record = create_token(uow, name="ana", role="editor", created_by="test")
    principal = authenticate(uow, token)
    assert principal is not None
    return token, start_session(uow, principal, lifetime_s=lifetime_s), record.id


def test_a_session_names_its_token_and_is_not_a_token(uow: UnitOfWork) -> None:
    token, session, token_id = _signed_in(uow)
    found = session_principal(uow, session)
    assert found is not None and found.name == "ana" and found.token_id == token_id
    assert token not in session
    assert authenticate(uow, session) is None  # the cookie is no bearer token
    assert session_principal(uow, token) is None  # nor is a token a session


def test_a_session_ends_at_its_expiry(uow: UnitOfWork) -> None:
    _, session, _ = _signed_in(uow, lifetime_s=600)
    soon = utc_now() + dt.timedelta(seconds=590)
    later = utc_now() + dt.timedelta(seconds=601)
    assert session_principal(uow, session, now=soon) is not None
    assert session_principal(uow, session, now=later) is None


def test_sign_out_ends_only_that_session(uow: UnitOfWork) -> None:
    token, session, _ = _signed_in(uow)
    principal = authenticate(uow, token)
    assert principal is not None
    other = start_session(uow, principal, lifetime_s=3600)
    end_session(uow, session)
    assert session_principal(uow, session) is None
    assert session_principal(uow, other) is not None


def test_revoking_the_token_ends_its_sessions(uow: UnitOfWork) -> None:
    _, session, token_id = _signed_in(uow)
    revoke_token(uow, token_id, actor="admin")
    assert session_principal(uow, session) is None


@pytest.mark.parametrize("cookie", ["", "hss_", "hss_" + "x" * 500, "hs_abc", "garbage"])
def test_malformed_session_ids_are_nobody(uow: UnitOfWork, cookie: str) -> None:
    assert session_principal(uow, cookie) is None
    end_session(uow, cookie)  # and signing them out is harmless
