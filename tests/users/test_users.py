"""/api/v1/users: admins create, list, change, deactivate users; never a hard delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.auth.passwords import verify_password
from app.models import AuditEvent, AuthToken, User
from tests.accounts import PASSWORD, bearer, create_entity, create_user, issue_token

Headers = Callable[..., dict[str, str]]
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def admin_id(engine: Engine) -> int:
    return create_user(engine, "root@example.org", "admin")


@pytest.fixture
def admin(anonymous_client: TestClient, engine: Engine, admin_id: int) -> TestClient:
    anonymous_client.headers.update(bearer(issue_token(engine, admin_id)))
    return anonymous_client


def _events(engine: Engine, action: str, object_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    with Session(engine) as session:
        return list(session.scalars(query))


def _user(engine: Engine, user_id: int) -> User:
    with Session(engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        return user


def _new(admin: TestClient, **body: Any) -> dict[str, Any]:
    response = admin.post("/api/v1/users", json={"password": PASSWORD, "role": "coordinator", **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_admin_creates_a_user_without_exposing_the_hash(admin: TestClient, engine: Engine) -> None:
    entity_id = create_entity(engine, "Ministry of Women", acronym="MIMP")
    response = admin.post(
        "/api/v1/users",
        json={
            "email": "Focal.Point@Example.ORG",
            "full_name": " Rosa Díaz ",
            "role": "focal_point",
            "entity_id": entity_id,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "focal.point@example.org"
    assert body["full_name"] == "Rosa Díaz"
    assert body["entity"] == {"id": entity_id, "name": "Ministry of Women", "acronym": "MIMP"}
    assert body["active"] is True and body["last_login_at"] is None
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"] == f"/api/v1/users/{body['id']}"
    assert "password" not in response.text and "hash" not in response.text
    stored = _user(engine, body["id"])
    assert stored.password_hash.startswith("$argon2id$") and verify_password(stored.password_hash, PASSWORD)
    (event,) = _events(engine, "user.create", body["id"])
    assert event.actor == "root@example.org" and event.actor_role == "admin"
    assert event.after is not None and event.after["role"] == "focal_point"
    assert "password" not in str(event.after) and "argon" not in str(event.after)


def test_duplicate_email_is_409_whatever_the_case(admin: TestClient, engine: Engine) -> None:
    _new(admin, email="someone@example.org")
    response = admin.post(
        "/api/v1/users", json={"email": "SOMEONE@example.org", "role": "reader", "password": PASSWORD}
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "email"
    assert len(_events(engine, "user.create")) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": " " * 20}, "password"),
        ({"password": "x" * 1025}, "password"),
        ({"role": "superuser"}, "role"),
        ({"role": "focal_point"}, "entity_id"),
        ({"entity_id": 424242}, "entity_id"),
        ({"full_name": ""}, "full_name"),
        ({"active": False}, "active"),
        ({"password_hash": "x"}, "password_hash"),
    ],
)
def test_invalid_creates_are_422_naming_the_field(
    admin: TestClient, change: dict[str, Any], field: str
) -> None:
    body = {"email": "new@example.org", "role": "coordinator", "password": PASSWORD, **change}
    response = admin.post("/api/v1/users", json=body)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


def test_weak_password_reason_is_given(admin: TestClient) -> None:
    response = admin.post(
        "/api/v1/users", json={"email": "a@example.org", "role": "reader", "password": "short"}
    )
    assert "at least 12 characters" in response.json()["detail"]


def test_archived_entity_is_refused(admin: TestClient, engine: Engine) -> None:
    entity_id = create_entity(engine, "Gone")
    with Session(engine) as session, session.begin():
        from app.models import Entity

        entity = session.get(Entity, entity_id)
        assert entity is not None
        entity.archived = True
    response = admin.post(
        "/api/v1/users",
        json={"email": "x@example.org", "role": "focal_point", "entity_id": entity_id, "password": PASSWORD},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "entity_id", "reason": "the entity is archived"}]


def test_list_filters_and_keyset_pages(admin: TestClient, engine: Engine, admin_id: int) -> None:
    entity_id = create_entity(engine, "Interior")
    focal = create_user(engine, "focal@interior.example.org", "focal_point", entity_id=entity_id)
    reader = create_user(engine, "reader_1@example.org", "reader", active=False)
    coordinator = create_user(engine, "coord@example.org", "coordinator")
    page = admin.get("/api/v1/users", params={"limit": 2}).json()
    assert [u["id"] for u in page["items"]] == [admin_id, focal]
    assert page["total"] == 4 and page["next_cursor"]
    rest = admin.get("/api/v1/users", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [u["id"] for u in rest["items"]] == [reader, coordinator] and rest["next_cursor"] is None

    def ids(**params: Any) -> list[int]:
        response = admin.get("/api/v1/users", params=params)
        assert response.status_code == 200, response.text
        return [u["id"] for u in response.json()["items"]]

    assert ids(role="focal_point") == [focal]
    assert ids(entity_id=entity_id) == [focal]
    assert ids(active=False) == [reader]
    assert ids(active=True) == [admin_id, focal, coordinator]
    assert ids(q="INTERIOR") == [focal]
    assert ids(q="_1") == [reader]  # LIKE wildcards match themselves
    assert admin.get("/api/v1/users", params={"role": "boss"}).status_code == 422
    assert admin.get("/api/v1/users", params={"cursor": "!!"}).status_code == 422
    assert "password" not in admin.get("/api/v1/users").text


def test_get_one_with_etag_and_404(admin: TestClient, admin_id: int) -> None:
    response = admin.get(f"/api/v1/users/{admin_id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    assert response.json()["email"] == "root@example.org"
    assert admin.get("/api/v1/users/99999").status_code == 404
    assert admin.get("/api/v1/users/0").status_code == 422


def test_patch_needs_if_match(admin: TestClient, engine: Engine) -> None:
    user_id = create_user(engine, "p@example.org", "reader")
    url = f"/api/v1/users/{user_id}"
    assert admin.patch(url, json={"full_name": "P"}).status_code == 428
    assert admin.patch(url, json={"full_name": "P"}, headers={"If-Match": '"9"'}).status_code == 412
    assert admin.patch("/api/v1/users/99999", json={}, headers={"If-Match": '"1"'}).status_code == 404
    assert _user(engine, user_id).full_name is None
    response = admin.patch(url, json={"full_name": "P"}, headers={"If-Match": '"1"'})
    assert response.status_code == 200 and response.headers["ETag"] == '"2"'
    (event,) = _events(engine, "user.update", user_id)
    assert event.before == {"full_name": None} and event.after == {"full_name": "P"}
    assert _events(engine, "user.role_changed") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": None}, "role"),
        ({"active": None}, "active"),
        ({"role": "focal_point"}, "entity_id"),
        ({"entity_id": 31337}, "entity_id"),
        ({"password": "tooshort"}, "password"),
        ({"email": "other@example.org"}, "email"),
    ],
)
def test_invalid_patches_are_422(admin: TestClient, engine: Engine, body: dict[str, Any], field: str) -> None:
    user_id = create_user(engine, "v@example.org", "coordinator")
    response = admin.patch(f"/api/v1/users/{user_id}", json=body, headers={"If-Match": '"1"'})
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
    assert _user(engine, user_id).version == 1


def test_role_change_is_audited_and_applies_to_the_next_request(admin: TestClient, engine: Engine) -> None:
    entity_id = create_entity(engine, "Education")
    user_id = create_user(engine, "c@example.org", "coordinator")
    token = bearer(issue_token(engine, user_id))
    assert admin.get("/api/v1/audit", headers=token).status_code == 200
    response = admin.patch(
        f"/api/v1/users/{user_id}",
        json={"role": "focal_point", "entity_id": entity_id},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "focal_point" and response.json()["entity"]["id"] == entity_id
    (changed,) = _events(engine, "user.role_changed", user_id)
    assert changed.before == {"role": "coordinator"} and changed.after == {"role": "focal_point"}
    (update,) = _events(engine, "user.update", user_id)
    assert update.after == {"role": "focal_point", "entity_id": entity_id}
    # The same token, the next request: the new role applies.
    assert admin.get("/api/v1/audit", headers=token).status_code == 403
    me = admin.get("/api/v1/me", headers=token).json()
    assert me["role"] == "focal_point" and me["entity"]["id"] == entity_id


def test_deactivation_applies_to_the_next_request_and_reactivation_restores_login(
    admin: TestClient, engine: Engine
) -> None:
    user_id = create_user(engine, "d@example.org", "coordinator")
    token = bearer(issue_token(engine, user_id))
    assert admin.get("/api/v1/me", headers=token).status_code == 200
    off = admin.patch(f"/api/v1/users/{user_id}", json={"active": False}, headers={"If-Match": '"1"'})
    assert off.status_code == 200 and off.json()["active"] is False
    refused = admin.get("/api/v1/me", headers=token)
    assert refused.status_code == 401
    assert "WWW-Authenticate" in refused.headers
    assert _events(engine, "user.update", user_id)[0].after == {"active": False}
    login = {"username": "d@example.org", "password": PASSWORD}
    assert admin.post("/api/v1/auth/token", data=login).status_code == 401
    on = admin.patch(f"/api/v1/users/{user_id}", json={"active": True}, headers={"If-Match": '"2"'})
    assert on.status_code == 200 and on.json()["active"] is True
    # The old session was ended by the deactivation; logging in again works.
    assert admin.get("/api/v1/me", headers=token).status_code == 401
    fresh = admin.post("/api/v1/auth/token", data=login)
    assert fresh.status_code == 200
    assert admin.get("/api/v1/me", headers=bearer(fresh.json()["access_token"])).status_code == 200


def test_password_reset_revokes_sessions_and_the_new_password_works(
    admin: TestClient, engine: Engine
) -> None:
    user_id = create_user(engine, "r@example.org", "reader")
    token = bearer(issue_token(engine, user_id))
    response = admin.patch(
        f"/api/v1/users/{user_id}", json={"password": NEW_PASSWORD}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert admin.get("/api/v1/me", headers=token).status_code == 401
    with Session(engine) as session:
        assert session.scalars(select(AuthToken.revoked_at).where(AuthToken.user_id == user_id)).one()
    (event,) = _events(engine, "user.update", user_id)
    assert event.after == {"password": "reset"} and NEW_PASSWORD not in str(event.after)
    old = admin.post("/api/v1/auth/token", data={"username": "r@example.org", "password": PASSWORD})
    assert old.status_code == 401
    new = admin.post("/api/v1/auth/token", data={"username": "r@example.org", "password": NEW_PASSWORD})
    assert new.status_code == 200


def test_the_last_active_admin_cannot_deactivate_or_demote_themselves(
    admin: TestClient, engine: Engine, admin_id: int
) -> None:
    url = f"/api/v1/users/{admin_id}"
    for body in ({"active": False}, {"role": "coordinator"}):
        response = admin.patch(url, json=body, headers={"If-Match": '"1"'})
        assert response.status_code == 409, body
        assert "last active admin" in response.json()["detail"]
    # An inactive admin does not count.
    create_user(engine, "sleeping@example.org", "admin", active=False)
    assert admin.patch(url, json={"active": False}, headers={"If-Match": '"1"'}).status_code == 409
    create_user(engine, "second@example.org", "admin")
    demoted = admin.patch(url, json={"role": "coordinator"}, headers={"If-Match": '"1"'})
    assert demoted.status_code == 200
    assert admin.get("/api/v1/users").status_code == 403  # no longer an admin, at once


def test_no_hard_delete(admin: TestClient, engine: Engine) -> None:
    user_id = create_user(engine, "keep@example.org", "reader")
    assert admin.delete(f"/api/v1/users/{user_id}").status_code == 405
    assert _user(engine, user_id).email == "keep@example.org"


def test_only_admins(anonymous_client: TestClient, engine: Engine, headers_for: Headers) -> None:
    user_id = create_user(engine, "target@example.org", "reader")
    entity_id = create_entity(engine, "E")
    body = {"email": "n@example.org", "role": "reader", "password": PASSWORD}
    for headers in (headers_for("coordinator"), headers_for("focal_point", entity_id), headers_for("reader")):
        assert anonymous_client.get("/api/v1/users", headers=headers).status_code == 403
        assert anonymous_client.get(f"/api/v1/users/{user_id}", headers=headers).status_code == 403
        assert anonymous_client.post("/api/v1/users", json=body, headers=headers).status_code == 403
        patch = anonymous_client.patch(
            f"/api/v1/users/{user_id}", json={"role": "admin"}, headers={**headers, "If-Match": '"1"'}
        )
        assert patch.status_code == 403
    assert len(_events(engine, "authz.denied")) == 12
    assert anonymous_client.get("/api/v1/users").status_code == 401
    assert _user(engine, user_id).role == "reader"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        # Long enough, and among the most common passwords.
        ({"password": "password1234"}, "too easy to guess (this is a very common password)"),
        ({"password": "qwertyuiop123"}, "too easy to guess"),
        # Made of the user's own email or name.
        ({"email": "maria.lopez@example.org", "password": "maria.lopez2024!"}, "too easy to guess"),
        ({"full_name": "Wilhelmina Oyelaran", "password": "wilhelmina.oyelaran"}, "too easy to guess"),
        ({"password": "good passphrase\x00 with a NUL"}, "NUL"),
    ],
)
def test_weak_passwords_are_refused_naming_the_field_and_the_reason(
    admin: TestClient, engine: Engine, body: dict[str, Any], reason: str
) -> None:
    response = admin.post("/api/v1/users", json={"email": "weak@example.org", "role": "reader", **body})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error["field"] == "password" and reason in error["reason"]
    assert _events(engine, "user.create") == []


def test_a_reset_to_a_weak_password_is_refused(admin: TestClient, engine: Engine) -> None:
    user_id = create_user(engine, "carla.mendes@example.org", "reader")
    for weak in ("password1234", "carla.mendes.example"):
        response = admin.patch(
            f"/api/v1/users/{user_id}", json={"password": weak}, headers={"If-Match": '"1"'}
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"] == [
            {"field": "password", "reason": response.json()["errors"][0]["reason"]}
        ]
        assert "too easy to guess" in response.json()["errors"][0]["reason"]
    assert verify_password(_user(engine, user_id).password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"full_name": "Ana\x00 Admin"}, "full_name"),
        ({"email": "ana\x00@example.org"}, "email"),
    ],
)
def test_a_nul_in_a_user_field_is_422(
    admin: TestClient, engine: Engine, body: dict[str, Any], field: str
) -> None:
    response = admin.post(
        "/api/v1/users", json={"email": "ana@example.org", "role": "reader", "password": PASSWORD, **body}
    )
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    assert admin.get("/api/v1/users", params={"q": "ana\x00"}).status_code == 422


def test_a_new_api_key_is_never_cached(admin: TestClient) -> None:
    response = admin.post("/api/v1/api-keys", json={"name": "dashboard", "role": "reader"})
    assert response.status_code == 201 and response.json()["key"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"
