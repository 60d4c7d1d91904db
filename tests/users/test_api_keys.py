"""/api/v1/api-keys: shown once, stored hashed, scoped, revocable, expiring."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.orm import Session

from app.auth.service import secret_hash
from app.core.actor import KeyRole, Role
from app.core.errors import Conflict
from app.core.timestamps import as_utc
from app.models import ApiKey, AuditEvent, Entity
from app.users import api_keys
from tests.accounts import create_entity, create_user
from tests.conftest import session_on

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def admin(anonymous_client: TestClient, headers_for: Headers) -> TestClient:
    anonymous_client.headers.update(headers_for("admin"))
    return anonymous_client


def test_key_roles_are_roles_but_admin() -> None:
    assert set(get_args(KeyRole)) == set(get_args(Role)) - {"admin"}


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        )


def _key(admin: TestClient, **body: Any) -> dict[str, Any]:
    response = admin.post("/api/v1/api-keys", json={"name": "dashboard", "role": "coordinator", **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _bare(client: TestClient) -> dict[str, str]:
    """Headers with the admin's Authorization removed, so the key alone authenticates."""
    client.headers.pop("Authorization")
    return {}


def test_create_returns_the_secret_once_and_stores_only_its_hash(admin: TestClient, engine: Engine) -> None:
    created = _key(admin, name="statistics dashboard")
    key = created["key"]
    assert key.startswith("nrtd_") and len(key) > 40
    assert created["prefix"] == key[:12]
    assert created["scope"] == "read" and created["revoked_at"] is None and created["expires_at"] is None
    assert created["created_by_id"] is not None
    with Session(engine) as session:
        stored = session.get(ApiKey, created["id"])
        assert stored is not None
        assert stored.key_hash == secret_hash(key) and stored.prefix == key[:12]
    listing = admin.get("/api/v1/api-keys")
    assert listing.status_code == 200
    assert key not in listing.text and "key_hash" not in listing.text
    (item,) = listing.json()["items"]
    assert "key" not in item and item["prefix"] == key[:12]
    (event,) = _events(engine, "api_key.create")
    assert event.object_id == created["id"]
    assert event.after is not None and event.after["scope"] == "read" and key not in str(event.after)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "admin"}, "role"),
        ({"role": "focal_point"}, "entity_id"),
        ({"entity_id": 999999}, "entity_id"),
        ({"scope": "all"}, "scope"),
        ({"name": " "}, "name"),
        ({"expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
        # A number was read as a Unix time (4102444800: 2100-01-01): a date or a date-time string only.
        ({"expires_at": 4102444800}, "expires_at"),
        ({"expires_at": 4102444800.5}, "expires_at"),
        ({"expires_at": "4102444800"}, "expires_at"),
        ({"key_hash": "abc"}, "key_hash"),
    ],
)
def test_invalid_keys_are_422(admin: TestClient, body: dict[str, Any], field: str) -> None:
    response = admin.post("/api/v1/api-keys", json={"name": "k", "role": "reader", **body})
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


def test_an_expiry_is_a_date_or_a_date_and_time(admin: TestClient) -> None:
    day = admin.post("/api/v1/api-keys", json={"name": "day", "role": "reader", "expires_at": "2099-05-01"})
    assert day.status_code == 201 and day.json()["expires_at"] == "2099-05-01T00:00:00Z"
    number = admin.post(
        "/api/v1/api-keys", json={"name": "number", "role": "reader", "expires_at": 4102444800}
    )
    assert "a date written YYYY-MM-DD" in number.json()["errors"][0]["reason"]


def _last_used(engine: Engine, key_id: int) -> datetime | None:
    with Session(engine) as session:
        return session.scalar(select(ApiKey.last_used_at).where(ApiKey.id == key_id))


def test_read_key_reads_but_cannot_write(admin: TestClient, engine: Engine) -> None:
    created = _key(admin)
    key, key_id = created["key"], created["id"]
    assert created["last_used_at"] is None
    admin_auth = {"Authorization": admin.headers["Authorization"]}
    _bare(admin)
    assert admin.get("/api/v1/entities", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    # An admin could not tell a key still in use from a forgotten one before revoking it: its last use
    # is now kept, written at most once a minute (the next reads write nothing).
    first = _last_used(engine, key_id)
    assert first is not None and datetime.now(UTC) - as_utc(first) < timedelta(minutes=1)
    assert admin.get("/api/v1/entities", headers={"X-API-Key": key}).status_code == 200
    assert admin.get("/api/v1/public/recommendations", headers={"X-API-Key": key}).status_code == 200
    assert _last_used(engine, key_id) == first
    with engine.begin() as conn:
        conn.execute(update(ApiKey).values(last_used_at=first - timedelta(minutes=2)))
    assert admin.get("/api/v1/public/recommendations", headers={"X-API-Key": key}).status_code == 200
    latest = _last_used(engine, key_id)
    assert latest is not None and as_utc(latest) > as_utc(first)
    (listed,) = [item for item in admin.get("/api/v1/api-keys", headers=admin_auth).json()["items"]]
    assert datetime.fromisoformat(listed["last_used_at"]) == as_utc(latest)
    refused = admin.post("/api/v1/entities", json={"name": "N", "kind": "agency"}, headers={"X-API-Key": key})
    assert refused.status_code == 403
    assert "read-only" in refused.json()["detail"]
    (denied,) = _events(engine, "authz.denied")
    assert denied.actor == "api-key:dashboard"


def test_write_key_writes_what_its_role_allows(admin: TestClient, engine: Engine) -> None:
    coordinator_key = _key(admin, scope="write")["key"]
    reader_key = _key(admin, name="reader", role="reader", scope="write")["key"]
    entity_id = create_entity(engine, "Agency")
    focal_key = _key(admin, name="focal", role="focal_point", entity_id=entity_id, scope="write")
    assert focal_key["entity"]["id"] == entity_id
    _bare(admin)
    body = {"name": "Made by a machine", "kind": "agency"}
    created = admin.post(
        "/api/v1/entities", json=body, headers={"Authorization": f"Bearer {coordinator_key}"}
    )
    assert created.status_code == 201
    (event,) = _events(engine, "entity.create")
    assert event.actor == "api-key:dashboard" and event.actor_api_key_id is not None
    assert event.actor_user_id is None and event.actor_role == "coordinator"
    assert admin.post("/api/v1/entities", json=body, headers={"X-API-Key": reader_key}).status_code == 403
    assert (
        admin.post("/api/v1/entities", json=body, headers={"X-API-Key": focal_key["key"]}).status_code == 403
    )
    # Never administration: keys cannot be admins.
    assert admin.get("/api/v1/users", headers={"X-API-Key": coordinator_key}).status_code == 403


def test_revoked_key_is_401_at_once(admin: TestClient, engine: Engine) -> None:
    created = _key(admin)
    key = created["key"]
    token = admin.headers.pop("Authorization")
    assert admin.get("/api/v1/entities", headers={"X-API-Key": key}).status_code == 200
    admin.headers["Authorization"] = token
    revoked = admin.post(f"/api/v1/api-keys/{created['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert "key" not in revoked.json()
    (event,) = _events(engine, "api_key.revoke")
    assert event.object_id == created["id"] and event.before == {"revoked_at": None}
    again = admin.post(f"/api/v1/api-keys/{created['id']}/revoke")
    assert again.status_code == 200 and again.json()["revoked_at"] == revoked.json()["revoked_at"]
    assert len(_events(engine, "api_key.revoke")) == 1
    assert admin.post("/api/v1/api-keys/99999/revoke").status_code == 404
    # Beside a valid token, the revoked key is not passed over: a request sends one credential.
    both = admin.get("/api/v1/entities", headers={"X-API-Key": key})
    assert both.status_code == 401 and both.json()["detail"] == (
        "send one credential, a bearer token or an API key, not both"
    )
    assert admin.get("/api/v1/public/recommendations", headers={"X-API-Key": key}).status_code == 401
    _bare(admin)
    for headers in ({"X-API-Key": key}, {"Authorization": f"Bearer {key}"}):
        response = admin.get("/api/v1/entities", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"


def test_expired_key_is_401(admin: TestClient, engine: Engine) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    created = _key(admin, expires_at=soon.isoformat())
    assert created["expires_at"] is not None
    _bare(admin)
    assert admin.get("/api/v1/entities", headers={"X-API-Key": created["key"]}).status_code == 200
    with Session(engine) as session, session.begin():
        session.execute(
            update(ApiKey)
            .where(ApiKey.id == created["id"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert admin.get("/api/v1/entities", headers={"X-API-Key": created["key"]}).status_code == 401
    assert admin.get("/api/v1/entities", headers={"X-API-Key": "nrtd_unknown"}).status_code == 401


def test_list_filters_and_pages(admin: TestClient) -> None:
    first = _key(admin, name="one")
    second = _key(admin, name="two")
    third = _key(admin, name="three")
    admin.post(f"/api/v1/api-keys/{second['id']}/revoke")
    page = admin.get("/api/v1/api-keys", params={"limit": 2}).json()
    assert [k["id"] for k in page["items"]] == [first["id"], second["id"]] and page["total"] == 3
    rest = admin.get("/api/v1/api-keys", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [k["id"] for k in rest["items"]] == [third["id"]] and rest["next_cursor"] is None
    live = admin.get("/api/v1/api-keys", params={"revoked": False}).json()
    assert [k["name"] for k in live["items"]] == ["one", "three"]
    dead = admin.get("/api/v1/api-keys", params={"revoked": True}).json()
    assert [k["name"] for k in dead["items"]] == ["two"]


def test_only_admins(anonymous_client: TestClient, engine: Engine, headers_for: Headers) -> None:
    entity_id = create_entity(engine, "Somewhere")
    create_user(engine, "bystander@example.org", "reader")
    body = {"name": "k", "role": "reader"}
    for headers in (headers_for("coordinator"), headers_for("focal_point", entity_id), headers_for("reader")):
        assert anonymous_client.get("/api/v1/api-keys", headers=headers).status_code == 403
        assert anonymous_client.post("/api/v1/api-keys", json=body, headers=headers).status_code == 403
        assert anonymous_client.post("/api/v1/api-keys/1/revoke", headers=headers).status_code == 403
    assert anonymous_client.get("/api/v1/api-keys").status_code == 401
    with Session(engine) as session:
        assert session.scalars(select(ApiKey)).all() == []
        assert session.scalars(select(Entity)).one().name == "Somewhere"


def test_one_admin_gives_one_name_to_one_key_in_use(
    admin: TestClient, anonymous_client: TestClient, headers_for: Headers
) -> None:
    """Two keys of one name could not be told apart in the list; a revoked key's name is free again
    (its replacement takes it), and another admin's keys are theirs."""
    first = _key(admin, name="dashboard")
    again = admin.post("/api/v1/api-keys", json={"name": "dashboard", "role": "reader"})
    assert again.status_code == 409, again.text
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["errors"] == [
        {
            "field": "name",
            "reason": "already the name of another of your API keys: revoke it or choose another name",
        }
    ]
    assert admin.post(f"/api/v1/api-keys/{first['id']}/revoke").status_code == 200
    assert _key(admin, name="dashboard")["id"] != first["id"]
    other_admin = anonymous_client.post(
        "/api/v1/api-keys", json={"name": "dashboard", "role": "reader"}, headers=headers_for("admin")
    )
    assert other_admin.status_code == 201, other_admin.text


def test_a_duplicate_name_the_check_missed_is_refused_naming_the_field(db: Connection) -> None:
    """The same refusal, on either database, when the unique index rather than the check finds it
    (two creates at once on PostgreSQL: tests/core/test_concurrent_duplicates.py)."""
    creator = create_user(db, "keys@example.org", "admin")
    with session_on(db) as session, pytest.raises(Conflict) as refused:
        for _ in range(2):
            session.add(
                ApiKey(
                    name="dashboard",
                    prefix="nrtd_abcdefg"[: api_keys.PREFIX_LENGTH],
                    key_hash=secrets.token_hex(32),
                    role="reader",
                    created_by_id=creator,
                )
            )
            session.flush()
    assert refused.value.errors == [
        {
            "field": "name",
            "reason": "already the name of another of your API keys: revoke it or choose another name",
        }
    ]
