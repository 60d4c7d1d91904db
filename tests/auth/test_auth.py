"""Login, throttling, logout, token expiry, /me, and credentials on every /api/v1 route."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.config import Settings
from app.main import create_app
from app.models import AuditEvent, LoginFailure, User
from app.users.service import unlock_user
from tests.accounts import PASSWORD, bearer, create_entity, create_user, issue_token

# Routes anyone may call: login (and, later, the public API).
# The calendar feed's credential is the token in its URL (tests/deadlines/test_feed.py).
OPEN_ROUTES = {("POST", "/api/v1/auth/token"), ("GET", "/api/v1/calendar.ics")}
OPEN_PREFIXES = ("/api/v1/public",)


@contextmanager
def app_client(settings: Settings, **limits: int) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update=limits))
    try:
        with TestClient(app) as client:
            yield client
    finally:
        app.state.engine.dispose()


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        )


def _login(client: TestClient, email: str, password: str = PASSWORD) -> int:
    status: int = client.post(
        "/api/v1/auth/token", data={"username": email, "password": password}
    ).status_code
    return status


def test_login_returns_a_working_token_and_is_audited(anonymous_client: TestClient, engine: Engine) -> None:
    user_id = create_user(engine, "staff@example.org", "coordinator")
    response = anonymous_client.post(
        "/api/v1/auth/token", data={"username": " Staff@Example.org ", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert 0 < body["expires_in"] <= 480 * 60
    me = anonymous_client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["kind"] == "user" and me.json()["id"] == user_id and me.json()["role"] == "coordinator"
    (event,) = _events(engine, "auth.login")
    assert event.actor_user_id == user_id and event.object_id == user_id
    with Session(engine) as session:
        user = session.get(User, user_id)
        assert user is not None and user.last_login_at is not None


def test_token_lifetime_follows_the_setting(settings: Settings, engine: Engine) -> None:
    create_user(engine, "ttl@example.org", "reader")
    with app_client(settings, token_ttl_minutes=5) as client:
        response = client.post(
            "/api/v1/auth/token", data={"username": "ttl@example.org", "password": PASSWORD}
        )
    assert 290 <= response.json()["expires_in"] <= 300


@pytest.mark.parametrize(
    ("email", "password", "reason", "active"),
    [
        ("known@example.org", "wrong password!!", "wrong password", True),
        ("nobody@example.org", PASSWORD, "unknown account", True),
        ("known@example.org", PASSWORD, "inactive", False),
    ],
)
def test_failed_login_is_401_and_audited(
    anonymous_client: TestClient, engine: Engine, email: str, password: str, reason: str, active: bool
) -> None:
    create_user(engine, "known@example.org", "coordinator", active=active)
    response = anonymous_client.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    # The same answer whatever went wrong: it must not reveal which accounts exist.
    assert response.json()["detail"] == "wrong email or password, or the account is deactivated"
    (event,) = _events(engine, "auth.login_failed")
    assert event.actor == email and event.after == {"reason": reason}
    assert event.client_ip == "testclient" and event.request_id


def test_missing_form_fields_are_422(anonymous_client: TestClient) -> None:
    response = anonymous_client.post("/api/v1/auth/token", data={"username": "a@example.org"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"


def test_an_account_is_slowed_down_from_the_guessing_address(settings: Settings, engine: Engine) -> None:
    create_user(engine, "target@example.org", "coordinator")
    create_user(engine, "other@example.org", "coordinator")
    with app_client(settings, login_max_failures=3, login_max_failures_per_ip=100) as client:
        for _ in range(3):
            assert _login(client, "target@example.org", "not the password") == 401
        throttled = client.post(
            "/api/v1/auth/token", data={"username": "target@example.org", "password": PASSWORD}
        )
        assert throttled.status_code == 429
        assert throttled.headers["content-type"] == "application/problem+json"
        # The first wait past the free failures is two seconds (it doubles with each failure).
        assert 1 <= int(throttled.headers["Retry-After"]) <= 3
        # Another account from the same address is not affected.
        assert _login(client, "other@example.org") == 200
    # Audited once, by the failure that started the wait; the refused attempt wrote nothing.
    (event,) = _events(engine, "auth.login_throttled")
    assert event.actor == "target@example.org"
    assert event.after == {"per": "account and address", "retry_after": 2}
    assert len(_events(engine, "auth.login_failed")) == 3


def test_a_login_is_never_cached(anonymous_client: TestClient, engine: Engine) -> None:
    create_user(engine, "cached@example.org", "reader")
    response = anonymous_client.post(
        "/api/v1/auth/token", data={"username": "cached@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200 and response.json()["access_token"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"username": "nul\x00@example.org", "password": PASSWORD}, "username"),
        ({"username": "nul@example.org", "password": "a pass\x00word"}, "password"),
    ],
)
def test_a_nul_in_the_login_form_is_422(
    anonymous_client: TestClient, engine: Engine, form: dict[str, str], field: str
) -> None:
    response = anonymous_client.post("/api/v1/auth/token", data=form)
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["field"] == field and "NUL" in error["reason"]
    assert _events(engine, "auth.login_failed") == []


def test_address_is_throttled_across_accounts(settings: Settings, engine: Engine) -> None:
    create_user(engine, "valid@example.org", "reader")
    with app_client(settings, login_max_failures=100, login_max_failures_per_ip=3) as client:
        for n in range(3):
            assert _login(client, f"guess{n}@example.org", "whatever password") == 401
        throttled = client.post(
            "/api/v1/auth/token", data={"username": "valid@example.org", "password": PASSWORD}
        )
        assert throttled.status_code == 429
        assert int(throttled.headers["Retry-After"]) >= 1


def test_throttling_ends_after_the_window(settings: Settings, engine: Engine) -> None:
    create_user(engine, "patient@example.org", "reader")
    with app_client(settings, login_max_failures=1, login_window_seconds=1) as client:
        assert _login(client, "patient@example.org", "wrong password!!") == 401
        assert _login(client, "patient@example.org") == 429
        time.sleep(1.1)
        assert _login(client, "patient@example.org") == 200


def test_success_resets_the_account_counter(settings: Settings, engine: Engine) -> None:
    create_user(engine, "forgetful@example.org", "reader")
    with app_client(settings, login_max_failures=3, login_max_failures_per_ip=100) as client:
        for _ in range(2):
            assert _login(client, "forgetful@example.org", "wrong password!!") == 401
        assert _login(client, "forgetful@example.org") == 200
        for _ in range(2):
            assert _login(client, "forgetful@example.org", "wrong password!!") == 401
        # Four failures in the window, but only two since the success.
        assert _login(client, "forgetful@example.org") == 200


def test_a_password_typed_in_the_email_box_is_not_kept_in_clear(
    anonymous_client: TestClient, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    # The password typed in the email box (then typed again in its own): the audit trail, which every
    # coordinator reads and nobody may change, and the throttle's table must not keep it.
    secret = "Violet Tangerine Marmot 42"
    for _ in range(6):
        response = anonymous_client.post("/api/v1/auth/token", data={"username": secret, "password": secret})
        assert response.status_code in (401, 429)
    failed = _events(engine, "auth.login_failed") + _events(engine, "auth.login_throttled")
    assert failed and {event.actor for event in failed} == {"(not an email address)"}
    with Session(engine) as session:
        assert set(session.scalars(select(LoginFailure.account))) == {"(not an email address)"}
    assert secret.lower() not in caplog.text.lower()


def test_the_address_an_account_was_made_with_signs_in_as_typed(
    anonymous_client: TestClient, engine: Engine
) -> None:
    # An address is stored as its canonical form (a domain in Unicode, a composed accent); typed again
    # at sign-in as the admin typed it (the ASCII "xn--" form an IT department gives, an accent a Mac
    # sends decomposed), it is the same account.
    admin = bearer(issue_token(engine, create_user(engine, "root@example.org", "admin")))
    for typed in ("ana@xn--educacin-13a.gob.pe", "jose\u0301@minjus.gob.pe"):
        created = anonymous_client.post(
            "/api/v1/users",
            json={"email": typed, "full_name": "Ana Torres", "role": "reader", "password": PASSWORD},
            headers=admin,
        )
        assert created.status_code == 201, created.text
        login = anonymous_client.post("/api/v1/auth/token", data={"username": typed, "password": PASSWORD})
        assert login.status_code == 200, (typed, login.text)


def test_unlocking_an_address_typed_in_its_ascii_form(anonymous_client: TestClient, engine: Engine) -> None:
    # nrtd users unlock, given the address as the operator has it ("xn--"), finds the account stored with
    # its domain in Unicode and forgets the failures its logins counted.
    create_user(engine, "ana@educación.gob.pe", "reader")
    typed = "ana@xn--educacin-13a.gob.pe"
    for _ in range(2):
        wrong = anonymous_client.post(
            "/api/v1/auth/token", data={"username": typed, "password": "not it at all"}
        )
        assert wrong.status_code == 401
    with Session(engine) as session:
        assert unlock_user(session, Actor(role="admin", label="cli:operator"), typed) == 2
        session.commit()


def test_logout_revokes_the_token(anonymous_client: TestClient, engine: Engine) -> None:
    create_user(engine, "leaving@example.org", "focal_point", entity_id=create_entity(engine, "E"))
    token = anonymous_client.post(
        "/api/v1/auth/token", data={"username": "leaving@example.org", "password": PASSWORD}
    ).json()["access_token"]
    other = anonymous_client.post(
        "/api/v1/auth/token", data={"username": "leaving@example.org", "password": PASSWORD}
    ).json()["access_token"]
    assert anonymous_client.post("/api/v1/auth/logout", headers=bearer(token)).status_code == 204
    after = anonymous_client.get("/api/v1/me", headers=bearer(token))
    assert after.status_code == 401 and after.headers["WWW-Authenticate"] == "Bearer"
    assert anonymous_client.post("/api/v1/auth/logout", headers=bearer(token)).status_code == 401
    # Only that session ends.
    assert anonymous_client.get("/api/v1/me", headers=bearer(other)).status_code == 200
    assert len(_events(engine, "auth.logout")) == 1


def test_logging_out_with_an_api_key_is_refused_not_ignored(
    anonymous_client: TestClient, engine: Engine
) -> None:
    # A script ending its work with a logout must not believe its key revoked while it still opens the API.
    admin = bearer(issue_token(engine, create_user(engine, "keys@example.org", "admin")))
    key = anonymous_client.post(
        "/api/v1/api-keys",
        json={"name": "nightly sync", "role": "coordinator", "scope": "write"},
        headers=admin,
    ).json()
    refused = anonymous_client.post("/api/v1/auth/logout", headers={"X-API-Key": key["key"]})
    assert refused.status_code == 403, refused.text
    assert f"/api/v1/api-keys/{key['id']}/revoke" in refused.json()["detail"]
    denied = _events(engine, "authz.denied")
    assert [(e.object_type, e.object_id) for e in denied] == [("api_key", key["id"])]
    assert _events(engine, "auth.logout") == []


def test_expired_and_unknown_tokens_are_401(anonymous_client: TestClient, engine: Engine) -> None:
    user_id = create_user(engine, "old@example.org", "coordinator")
    expired = issue_token(engine, user_id, ttl=timedelta(seconds=-1))
    response = anonymous_client.get("/api/v1/me", headers=bearer(expired))
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    assert anonymous_client.get("/api/v1/me", headers=bearer("made-up")).status_code == 401


def test_me_for_a_user_and_an_api_key(anonymous_client: TestClient, engine: Engine) -> None:
    entity_id = create_entity(engine, "Ministry of Health", acronym="MINSA")
    user_id = create_user(engine, "fp@example.org", "focal_point", entity_id=entity_id)
    me = anonymous_client.get("/api/v1/me", headers=bearer(issue_token(engine, user_id))).json()
    assert me == {
        "kind": "user",
        "id": user_id,
        "email": "fp@example.org",
        "name": None,
        "role": "focal_point",
        "entity": {"id": entity_id, "name": "Ministry of Health", "acronym": "MINSA"},
        "read_only": False,
    }
    admin = bearer(issue_token(engine, create_user(engine, "root@example.org", "admin")))
    key = anonymous_client.post(
        "/api/v1/api-keys",
        json={"name": "dashboard", "role": "focal_point", "entity_id": entity_id},
        headers=admin,
    ).json()
    for headers in ({"X-API-Key": key["key"]}, bearer(key["key"])):
        key_me = anonymous_client.get("/api/v1/me", headers=headers)
        assert key_me.status_code == 200, key_me.text
        assert key_me.json() == {
            "kind": "api_key",
            "id": key["id"],
            "email": None,
            "name": "dashboard",
            "role": "focal_point",
            "entity": {"id": entity_id, "name": "Ministry of Health", "acronym": "MINSA"},
            "read_only": True,
        }


def _api_routes() -> list[tuple[str, str]]:
    """Every /api/v1 operation of the app, from its OpenAPI document (the routers are nested)."""
    document = create_app(Settings(database_url="sqlite:///:memory:")).openapi()
    routes = []
    for path, operations in document["paths"].items():
        if not path.startswith("/api/v1") or path.startswith(OPEN_PREFIXES):
            continue
        for method in sorted(operations):
            if (method.upper(), path) not in OPEN_ROUTES:
                routes.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path)))
    return routes


def test_the_route_list_covers_this_issues_routes() -> None:
    routes = _api_routes()
    for expected in [
        ("GET", "/api/v1/me"),
        ("POST", "/api/v1/auth/logout"),
        ("GET", "/api/v1/users"),
        ("PATCH", "/api/v1/users/1"),
        ("POST", "/api/v1/api-keys/1/revoke"),
        ("GET", "/api/v1/entities"),
        ("GET", "/api/v1/audit"),
        ("GET", "/api/v1/recommendations"),
    ]:
        assert expected in routes


@pytest.mark.parametrize(("method", "path"), _api_routes())
def test_every_api_route_needs_credentials(anonymous_client: TestClient, method: str, path: str) -> None:
    response = anonymous_client.request(method, path)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["type"] == "https://nrtd.dev/problems/unauthorized"
