"""Clients of the staff workspace: a browser-like HTTP client signed in as a role, whose POSTs carry
the session's CSRF token the way the pages' forms do."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine

from app.staff.session import SESSION_COOKIE
from tests import accounts
from tests.conftest import MakeApp


class StaffClient:
    """A TestClient with a staff session cookie; ``post`` adds the CSRF token unless told otherwise."""

    def __init__(self, client: TestClient, secret: str, csrf: str, user_id: int) -> None:
        self.client, self.secret, self.csrf, self.user_id = client, secret, csrf, user_id
        client.cookies.set(SESSION_COOKIE, secret)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: str | None = None, **kwargs: Any
    ) -> Any:
        form = dict(data or {})
        form.setdefault("csrf_token", self.csrf if csrf is None else csrf)
        return self.client.post(path, data=form, **kwargs)


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


StaffLogin = Callable[..., StaffClient]


def _signer(app_of: Callable[[], Any], bind: Engine | Connection) -> StaffLogin:
    def sign_in(
        role: str, *, entity_id: int | None = None, email: str | None = None, **user: Any
    ) -> StaffClient:
        email = email or f"{role}-{secrets.token_hex(4)}@example.org"
        user_id = accounts.create_user(bind, email, role, entity_id=entity_id, **user)
        secret, csrf = accounts.issue_session(bind, user_id)
        client = TestClient(app_of(), follow_redirects=False)
        return StaffClient(client, secret, csrf, user_id)

    return sign_in


@pytest.fixture
def staff_login(make_app: MakeApp, db: Connection) -> StaffLogin:
    """``staff_login(role, entity_id=None)``: a signed-in client on the test's rolled-back connection."""
    return _signer(make_app, db)


@pytest.fixture
def committed_staff_login(make_app: MakeApp, engine: Engine) -> StaffLogin:
    """The same, in committed mode (for what opens connections of its own: sign-in, imports)."""
    return _signer(make_app, engine)
