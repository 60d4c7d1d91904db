"""Changing one's own password asks for the current one; guessing it is throttled as a login is.

Before: whoever held a token or a signed-in browser (a stolen token, a workstation left open) could
try current passwords at POST /api/v1/me/password or the staff password page without any limit,
and the first right guess made the account theirs (every other session of the owner revoked). Now a
wrong current password counts as a failed login of the account from that address; after
NRTD_LOGIN_MAX_FAILURES the change is refused with 429 and Retry-After, the right password included.
"""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select

from app.auth.passwords import verify_password
from app.core.config import Settings
from app.models import AuditEvent, LoginFailure, User
from app.web.i18n import translations
from tests import accounts
from tests.conftest import MakeApp
from tests.staff.conftest import StaffLogin
from tests.staff.test_sessions import FRENCH_WAIT

NEW_PASSWORD = "a brand new walrus passphrase 42"
GUESS = "not the password, a guess"


def _failures(db: Connection, email: str) -> int:
    return db.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.account == email)) or 0


def _password_unchanged(db: Connection, user_id: int) -> bool:
    return verify_password(db.scalar(select(User.password_hash).where(User.id == user_id)), accounts.PASSWORD)


def test_guessing_the_current_password_through_the_api_is_throttled(
    make_app: MakeApp, db: Connection, settings: Settings
) -> None:
    email = "owner@example.org"
    user_id = accounts.create_user(db, email, "focal_point", entity_id=accounts.create_entity(db, "Justice"))
    token = accounts.bearer(accounts.issue_token(db, user_id))
    client = TestClient(make_app())
    for _ in range(settings.login_max_failures):
        wrong = client.post(
            "/api/v1/me/password",
            json={"current_password": GUESS, "new_password": NEW_PASSWORD},
            headers=token,
        )
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "current_password"
    assert _failures(db, email) == settings.login_max_failures
    audited = db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "auth.login_failed", AuditEvent.object_id == user_id)
    )
    assert audited == settings.login_max_failures
    # The right password too waits now, as a login from this address would.
    right = client.post(
        "/api/v1/me/password",
        json={"current_password": accounts.PASSWORD, "new_password": NEW_PASSWORD},
        headers=token,
    )
    assert right.status_code == 429, right.text
    assert int(right.headers["Retry-After"]) >= 1
    assert _password_unchanged(db, user_id)
    assert client.get("/api/v1/me", headers=token).status_code == 200  # the token itself still works


def test_guessing_the_current_password_on_the_staff_page_is_throttled(
    staff_login: StaffLogin, db: Connection, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = staff_login("coordinator")
    email = db.scalar(select(User.email).where(User.id == staff.user_id))
    assert email is not None
    for _ in range(settings.login_max_failures):
        form = {"current_password": GUESS, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
        page = staff.post("/staff/password", form)
        assert page.status_code == 422
    assert _failures(db, email) == settings.login_max_failures
    form = {
        "current_password": accounts.PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    for message, french in FRENCH_WAIT.items():
        monkeypatch.setitem(vars(translations("fr"))["_catalog"], message, french)
    refused = staff.post("/staff/password?lang=fr", form)
    assert refused.status_code == 429 and "Trop de connexions échouées" in refused.text
    # The wait the throttle asks for, not "a few minutes".
    wait = refused.headers["Retry-After"]
    assert f"Attendez {wait} s, puis réessayez." in html.unescape(refused.text)
    assert _password_unchanged(db, staff.user_id)


def test_the_right_password_clears_the_count_of_its_address(make_app: MakeApp, db: Connection) -> None:
    email = "reader-owner@example.org"
    user_id = accounts.create_user(db, email, "reader")
    token = accounts.bearer(accounts.issue_token(db, user_id))
    client = TestClient(make_app())
    wrong = client.post(
        "/api/v1/me/password", json={"current_password": GUESS, "new_password": NEW_PASSWORD}, headers=token
    )
    assert wrong.status_code == 422 and _failures(db, email) == 1
    changed = client.post(
        "/api/v1/me/password",
        json={"current_password": accounts.PASSWORD, "new_password": NEW_PASSWORD},
        headers=token,
    )
    assert changed.status_code == 204 and _failures(db, email) == 0
