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
from tests.staff.report_world import two_recommendations


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


def assert_refusal_reaches_its_fields(html: str) -> None:
    """A refused form's page (in English), for screen-reader and keyboard users: its title starts with
    "Error:" (the first thing read of a page), each error message beside a field has an id a control
    names in its aria-describedby (read when the control takes the focus), and each link of the error
    summary leads to an element that takes the focus (a control, or tabindex=-1)."""
    assert re.search(r"<title>Error: ", html), re.findall(r"<title>.*?</title>", html)
    tags = {match.group("id"): match.group(0) for match in _WITH_ID.finditer(html)}
    messages = re.findall(r'<p class="error-message"(?: id="([^"]*)")?', html)
    described = " ".join(re.findall(r'aria-describedby="([^"]*)"', html)).split()
    assert [message for message in messages if message not in described] == []
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.DOTALL)
    assert summary, "no error summary"
    for field in re.findall(r'href="#([^"]+)"', summary.group(0)):
        tag = tags.get(field, "")
        assert re.match(r"<(input|select|textarea|button)\b", tag) or 'tabindex="-1"' in tag, (field, tag)


_WITH_ID = re.compile(r'<[a-z]+\b[^<>]*\bid="(?P<id>[^"]+)"[^<>]*>')

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


@pytest.fixture
def catalogues(monkeypatch: pytest.MonkeyPatch) -> None:
    """French and Spanish for the import reasons a test reads (tests/staff/import_reasons.py)."""
    from tests.staff.import_reasons import stand_in_catalogues

    stand_in_catalogues(monkeypatch)


@pytest.fixture
def reports_coordinator(committed_staff_login: StaffLogin, engine: Engine) -> StaffClient:
    """A coordinator signed in, the two recommendations of tests/staff/report_world.py committed."""
    two_recommendations(engine)
    return committed_staff_login("coordinator")
