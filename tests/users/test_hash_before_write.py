"""A new password is hashed before the request's write transaction opens: Argon2 takes a core for a
few hundred milliseconds, and a write request holds the process's write turn (and, on SQLite, the
database's write lock) from its unit of work's start to its commit. Hashed in the service, a password
change kept every other writer waiting for it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select

from app.auth import passwords
from app.auth.passwords import verify_password
from app.core.write_turns import WriteTurns
from app.models import AuditEvent, User
from tests import accounts
from tests.conftest import MakeApp
from tests.staff.conftest import StaffClient

NEW_PASSWORD = "violet tangerine ocean marmot"


class _WatchingHasher:
    """The tests' Argon2 hasher, noting each password it hashes or verifies and whether a write turn of
    the app was held meanwhile (the test's own accounts are hashed outside any request)."""

    def __init__(self, inner: Any, turns: WriteTurns) -> None:
        self.inner, self.turns = inner, turns
        self.hashed: list[tuple[str | bytes, bool]] = []
        self.verified: list[tuple[str | bytes, bool]] = []

    def hash(self, password: str | bytes, **kwargs: Any) -> str:
        self.hashed.append((password, self.turns.taken() > 0))
        hashed: str = self.inner.hash(password, **kwargs)
        return hashed

    def verify(self, password_hash: str | bytes, password: str | bytes) -> bool:
        self.verified.append((password, self.turns.taken() > 0))
        verified: bool = self.inner.verify(password_hash, password)
        return verified

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture
def app(make_app: MakeApp) -> FastAPI:
    return make_app()


@pytest.fixture
def watching(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> Iterator[_WatchingHasher]:
    watcher = _WatchingHasher(passwords._hasher, app.state.write_turns)
    monkeypatch.setattr(passwords, "_hasher", watcher)
    yield watcher


def _api(app: FastAPI, db: Connection, role: str, **user: Any) -> tuple[TestClient, int]:
    user_id = accounts.create_user(db, f"{role}-{len(str(user))}@example.org", role, **user)
    client = TestClient(app)
    client.headers.update(accounts.bearer(accounts.issue_token(db, user_id)))
    return client, user_id


def _staff(app: FastAPI, db: Connection, role: str, **user: Any) -> StaffClient:
    user_id = accounts.create_user(db, f"{role}-staff-{len(str(user))}@example.org", role, **user)
    secret, csrf = accounts.issue_session(db, user_id)
    return StaffClient(TestClient(app, follow_redirects=False), secret, csrf, user_id)


def _hash_of(db: Connection, user_id: int) -> str | None:
    return db.scalar(select(User.password_hash).where(User.id == user_id))


def test_api_changes_hash_outside_the_write_turn(
    app: FastAPI, db: Connection, watching: _WatchingHasher
) -> None:
    admin, _admin_id = _api(app, db, "admin")
    created = admin.post(
        "/api/v1/users",
        json={"email": "new@example.org", "role": "reader", "password": NEW_PASSWORD},
    )
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    reset = admin.patch(
        f"/api/v1/users/{user_id}",
        json={"password": NEW_PASSWORD + " again"},
        headers={"If-Match": created.headers["ETag"]},
    )
    assert reset.status_code == 200, reset.text
    assert verify_password(_hash_of(db, user_id), NEW_PASSWORD + " again")

    own, own_id = _api(app, db, "coordinator", must_change_password=True)  # a first sign-in's change
    changed = own.post(
        "/api/v1/me/password", json={"current_password": accounts.PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 204, changed.text
    assert verify_password(_hash_of(db, own_id), NEW_PASSWORD)
    assert [entry for entry in watching.hashed if entry[0] != accounts.PASSWORD] == [
        (NEW_PASSWORD, False),
        (NEW_PASSWORD + " again", False),
        (NEW_PASSWORD, False),
    ]


def test_staff_pages_hash_outside_the_write_turn(
    app: FastAPI, db: Connection, watching: _WatchingHasher
) -> None:
    admin = _staff(app, db, "admin")
    invited = admin.post(
        "/staff/users",
        {"email": "invited@example.org", "role": "reader", "password": NEW_PASSWORD},
    )
    assert invited.status_code == 303, invited.text
    user_id = int(invited.headers["location"].split("/")[-1].split("?")[0])
    page = admin.get(f"/staff/users/{user_id}")
    match = re.search(r'name="etag" value="([^"]*)"', page.text)
    assert match, "the user's page has no ETag"
    reset = admin.post(
        f"/staff/users/{user_id}/password",
        {"password": NEW_PASSWORD + " again", "etag": html.unescape(match.group(1))},
    )
    assert reset.status_code == 303, reset.text
    assert verify_password(_hash_of(db, user_id), NEW_PASSWORD + " again")

    first = _staff(app, db, "coordinator", must_change_password=True)  # an invitation's first sign-in
    chosen = first.post(
        "/staff/password",
        {
            "current_password": accounts.PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert chosen.status_code == 303, chosen.text
    assert verify_password(_hash_of(db, first.user_id), NEW_PASSWORD)
    assert [entry for entry in watching.hashed if entry[0] != accounts.PASSWORD] == [
        (NEW_PASSWORD, False),
        (NEW_PASSWORD + " again", False),
        (NEW_PASSWORD, False),
    ]


def test_a_caller_whose_role_may_not_use_the_route_has_nothing_hashed(
    app: FastAPI, db: Connection, watching: _WatchingHasher
) -> None:
    """The early hash ran once the credentials were valid, before the route's role check: any signed-in
    user could have the server spend a core on Argon2 for an administrators' route (and hammer it).
    The role is checked first now, by the route's own rule; the refusal is as before (403, audited)."""
    coordinator, _coordinator_id = _api(app, db, "coordinator")
    refused = coordinator.post(
        "/api/v1/users", json={"email": "nope@example.org", "role": "reader", "password": NEW_PASSWORD}
    )
    assert refused.status_code == 403, refused.text
    target = accounts.create_user(db, "target@example.org", "reader")
    reset = coordinator.patch(
        f"/api/v1/users/{target}", json={"password": NEW_PASSWORD}, headers={"If-Match": '"1"'}
    )
    assert reset.status_code == 403, reset.text
    staff = _staff(app, db, "focal_point")
    page = staff.post(
        "/staff/users", {"email": "nope@example.org", "role": "reader", "password": NEW_PASSWORD}
    )
    assert page.status_code == 403, page.text
    page_reset = staff.post(f"/staff/users/{target}/password", {"password": NEW_PASSWORD, "etag": '"1"'})
    assert page_reset.status_code == 403, page_reset.text
    assert [entry for entry in watching.hashed if entry[0] != accounts.PASSWORD] == []
    denied = db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "authz.denied")
    )
    assert denied == 4


def test_the_current_password_is_verified_outside_the_write_turn(
    app: FastAPI, db: Connection, watching: _WatchingHasher
) -> None:
    """A password change verified the current password (Argon2, 50-100 ms) inside its transaction: on
    SQLite, with the database's write lock held. It is verified before now; a wrong one is refused
    as before (422 naming current_password; its count by the login throttle and its audit event:
    tests/staff/test_password_guessing.py)."""
    own, own_id = _api(app, db, "coordinator")
    wrong = own.post("/api/v1/me/password", json={"current_password": "not it", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 422, wrong.text
    assert wrong.json()["errors"] == [
        {"field": "current_password", "reason": "does not match your current password"}
    ]
    changed = own.post(
        "/api/v1/me/password", json={"current_password": accounts.PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 204, changed.text
    staff = _staff(app, db, "focal_point")
    typed = {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    refused = staff.post("/staff/password", {"current_password": "not it", **typed})
    assert refused.status_code == 422, refused.text
    chosen = staff.post("/staff/password", {"current_password": accounts.PASSWORD, **typed})
    assert chosen.status_code == 303, chosen.text
    assert watching.verified == [
        ("not it", False),
        (accounts.PASSWORD, False),
        ("not it", False),
        (accounts.PASSWORD, False),
    ]
    assert verify_password(_hash_of(db, own_id), NEW_PASSWORD)
    assert verify_password(_hash_of(db, staff.user_id), NEW_PASSWORD)
