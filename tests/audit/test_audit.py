"""/api/v1/audit: newest first, keyset pages, filters; an object's history; managers only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.models import AuditEvent
from tests.accounts import PASSWORD, bearer, create_entity, create_user, issue_token

Headers = Callable[..., dict[str, str]]
FIELDS = {
    "id",
    "at",
    "actor",
    "actor_user_id",
    "actor_api_key_id",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
    "client_ip",
}


@pytest.fixture
def coordinator_id(engine: Engine) -> int:
    return create_user(engine, "coordinator@example.org", "coordinator")


@pytest.fixture
def staff(anonymous_client: TestClient, engine: Engine, coordinator_id: int) -> TestClient:
    anonymous_client.headers.update(bearer(issue_token(engine, coordinator_id)))
    return anonymous_client


def _audit(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/audit", params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def _actions(client: TestClient, **params: Any) -> list[str]:
    return [item["action"] for item in _audit(client, **params)["items"]]


def _entity(client: TestClient, name: str, request_id: str | None = None) -> int:
    headers = {"X-Request-ID": request_id} if request_id else {}
    response = client.post("/api/v1/entities", json={"name": name, "kind": "agency"}, headers=headers)
    assert response.status_code == 201
    entity_id: int = response.json()["id"]
    return entity_id


def test_items_carry_every_field(staff: TestClient, coordinator_id: int) -> None:
    entity_id = _entity(staff, "Agency A", request_id="req-42")
    staff.patch(f"/api/v1/entities/{entity_id}", json={"acronym": "AA"}, headers={"If-Match": '"1"'})
    page = _audit(staff)
    assert page["total"] == 2 and page["next_cursor"] is None
    newest, oldest = page["items"]
    assert set(newest) == FIELDS
    assert newest["id"] > oldest["id"]
    assert newest["action"] == "entity.update" and oldest["action"] == "entity.create"
    assert newest["before"] == {"acronym": None} and newest["after"] == {"acronym": "AA"}
    assert oldest["actor"] == "coordinator@example.org"
    assert oldest["actor_user_id"] == coordinator_id and oldest["actor_api_key_id"] is None
    assert oldest["actor_role"] == "coordinator"
    assert oldest["object_type"] == "entity" and oldest["object_id"] == entity_id
    assert oldest["request_id"] == "req-42" and oldest["client_ip"] == "testclient"
    assert oldest["at"].endswith(("Z", "+00:00"))


def test_keyset_pages_newest_first(staff: TestClient) -> None:
    for n in range(5):
        _entity(staff, f"Agency {n}")
    first = _audit(staff, limit=2)
    second = _audit(staff, limit=2, cursor=first["next_cursor"])
    third = _audit(staff, limit=2, cursor=second["next_cursor"])
    ids = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert len(ids) == 5 and ids == sorted(ids, reverse=True)
    assert third["next_cursor"] is None and first["total"] == 5
    objects = [item["after"]["name"] for item in first["items"]]
    assert objects == ["Agency 4", "Agency 3"]


def test_filters(staff: TestClient, engine: Engine, coordinator_id: int, headers_for: Headers) -> None:
    entity_id = _entity(staff, "Agency X", request_id="one-request")
    other_entity = _entity(staff, "Agency Y")
    staff.patch(f"/api/v1/entities/{entity_id}", json={"acronym": "X"}, headers={"If-Match": '"1"'})
    create_user(engine, "someone@example.org", "reader")
    staff.post("/api/v1/auth/token", data={"username": "someone@example.org", "password": "wrong password!"})
    staff.post("/api/v1/auth/token", data={"username": "someone@example.org", "password": PASSWORD})
    admin = headers_for("admin")
    staff.post("/api/v1/entities", json={"name": "By Admin", "kind": "other"}, headers=admin)

    assert _actions(staff, actor_user_id=coordinator_id) == [
        "entity.update",
        "entity.create",
        "entity.create",
    ]
    assert _actions(staff, actor="SOMEONE@") == ["auth.login", "auth.login_failed"]
    assert _actions(staff, action="auth.login") == ["auth.login"]
    assert _actions(staff, action="auth.") == ["auth.login", "auth.login_failed"]
    assert _actions(staff, action="entity.*") == [
        "entity.create",
        "entity.update",
        "entity.create",
        "entity.create",
    ]
    assert _actions(staff, action="entity") == []
    history = _audit(staff, object_type="entity", object_id=entity_id)
    assert [item["action"] for item in history["items"]] == ["entity.update", "entity.create"]
    assert all(item["object_id"] == entity_id for item in history["items"])
    assert _audit(staff, object_type="entity", object_id=other_entity)["total"] == 1
    assert _actions(staff, request_id="one-request") == ["entity.create"]
    assert _audit(staff, object_type="user")["total"] == 2
    assert _audit(staff, actor="%")["total"] == 0


def test_since_and_until(staff: TestClient, engine: Engine) -> None:
    last_week = datetime.now(UTC) - timedelta(days=7)
    # Events are append-only (a trigger refuses UPDATE): write an old one as it was then.
    with Session(engine) as session, session.begin():
        session.add(
            AuditEvent(at=last_week, action="entity.create", object_type="entity", after={"name": "Old"})
        )
    _entity(staff, "New")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    recent = _audit(staff, since=yesterday)
    assert [item["after"]["name"] for item in recent["items"]] == ["New"]
    older = _audit(staff, until=yesterday)
    assert [item["after"]["name"] for item in older["items"]] == ["Old"]
    # A time without an offset is UTC.
    naive = (datetime.now(UTC) - timedelta(days=1)).replace(tzinfo=None).isoformat()
    assert _audit(staff, since=naive)["total"] == 1
    span = _audit(staff, since=(last_week - timedelta(minutes=1)).isoformat(), until=yesterday)
    assert span["total"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "nonsense"}, "cursor"),
        ({"since": "yesterday"}, "since"),
        # Before the first day of the calendar once in UTC: named, not an overflow (a 500 before).
        ({"since": "0001-01-01T00:00:00+05:00"}, "since"),
        ({"until": "9999-12-31T23:59:59-05:00"}, "until"),
        ({"object_id": "x"}, "object_id"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_filters_are_422(staff: TestClient, params: dict[str, Any], field: str) -> None:
    response = staff.get("/api/v1/audit", params=params)
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]


def test_managers_only(anonymous_client: TestClient, engine: Engine, headers_for: Headers) -> None:
    entity_id = create_entity(engine, "E")
    assert anonymous_client.get("/api/v1/audit", headers=headers_for("admin")).status_code == 200
    assert anonymous_client.get("/api/v1/audit", headers=headers_for("coordinator")).status_code == 200
    focal = anonymous_client.get("/api/v1/audit", headers=headers_for("focal_point", entity_id))
    assert focal.status_code == 403
    assert anonymous_client.get("/api/v1/audit", headers=headers_for("reader")).status_code == 403
    assert anonymous_client.get("/api/v1/audit").status_code == 401
    # The refusals are themselves in the trail.
    page = anonymous_client.get("/api/v1/audit", headers=headers_for("admin"), params={"action": "authz."})
    assert [item["actor_role"] for item in page.json()["items"]] == ["reader", "focal_point"]
