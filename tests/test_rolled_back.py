"""The rolled-back mode itself (tests/conftest.py): a test sees its own writes, the app's requests
included, nobody else does, and the next test starts without them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, func, select

from app.models import Entity, User
from tests import accounts
from tests.conftest import MakeApp

EMAIL = "rolled-back-probe@example.org"
ENTITY = "Ministry of Rolled-back Probes"


def _counts(conn: Connection) -> tuple[int, int]:
    users = conn.scalar(select(func.count()).select_from(User).where(User.email == EMAIL))
    entities = conn.scalar(select(func.count()).select_from(Entity).where(Entity.name == ENTITY))
    return users or 0, entities or 0


def test_a_test_sees_its_own_writes_and_nobody_else_does(
    db: Connection, make_app: MakeApp, migrated_engine: Engine
) -> None:
    headers = accounts.headers_for(db, "coordinator", email=EMAIL)
    with TestClient(make_app()) as client:
        created = client.post("/api/v1/entities", json={"name": ENTITY, "kind": "ministry"}, headers=headers)
        assert created.status_code == 201, created.text
        # The request's commit was a savepoint: the app's next request and the test see the entity.
        assert client.get(f"/api/v1/entities/{created.json()['id']}", headers=headers).status_code == 200
    assert _counts(db) == (1, 1)
    with migrated_engine.connect() as other:
        assert _counts(other) == (0, 0)


def test_the_next_test_does_not_see_them(db: Connection, migrated_engine: Engine) -> None:
    assert _counts(db) == (0, 0)
    with migrated_engine.connect() as other:
        assert _counts(other) == (0, 0)
