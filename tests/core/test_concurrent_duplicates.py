"""Two creates of one unique value at once (a cluster's name, an entity's, a user's email): on
PostgreSQL both pass the service's check, which cannot see the other's uncommitted row, and the second
fails on the column's unique constraint. Its client got a bare 409 naming no field; it gets the very
answer a create sent after the first had committed gets, naming the field."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from app.clusters.schemas import ClusterCreate
from app.clusters.service import create_cluster
from app.core.actor import Actor
from app.core.errors import Conflict
from app.entities.schemas import EntityCreate
from app.entities.service import create_entity
from app.models import User
from app.recommendations.manual import create_manual
from app.recommendations.write_schemas import ManualCreate
from app.users.api_keys import create_api_key
from app.users.schemas import ApiKeyCreate, UserCreate
from app.users.service import create_user
from tests import accounts
from tests.conftest import MakeApp, session_on

ACTOR = Actor(role="admin", label="test:race")
RECOMMENDATIONS = "/api/v1/recommendations"
CLUSTER = {"name": "Access to justice"}
ENTITY = {"name": "Ministry of Justice", "kind": "ministry"}
USER = {"email": "same@example.org", "role": "reader", "password": "a long enough passphrase"}
Create = Callable[[Session], object]

CASES = [
    (
        "/api/v1/clusters",
        CLUSTER,
        "coordinator",
        lambda s: create_cluster(s, ACTOR, ClusterCreate(**CLUSTER)),
    ),
    ("/api/v1/entities", ENTITY, "coordinator", lambda s: create_entity(s, ACTOR, EntityCreate(**ENTITY))),
    ("/api/v1/users", USER, "admin", lambda s: create_user(s, ACTOR, UserCreate(**USER))),
]


def _problem(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 409, response.text
    body: dict[str, Any] = response.json()
    return {name: body.get(name) for name in ("type", "title", "status", "detail", "errors")}


def _sent_while_first_holds_its_row(
    engine: Engine, first: Session, send: Callable[[], httpx.Response]
) -> httpx.Response:
    """``send()``'s answer, sent from a thread while ``first`` holds its written, uncommitted row:
    ``first`` commits once the request waits for it (its INSERT waits for the first transaction's end)."""
    answers: list[httpx.Response] = []
    second = threading.Thread(target=lambda: answers.append(send()))
    second.start()
    deadline = time.monotonic() + 10
    while not _waits_for_a_lock(engine):
        assert time.monotonic() < deadline and second.is_alive(), answers and answers[0].text
        time.sleep(0.02)
    first.commit()
    second.join(30)
    return answers[0]


def _waits_for_a_lock(engine: Engine) -> bool:
    with engine.connect() as conn:
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            )
        ).scalar()
    return bool(waiting)


@pytest.mark.parametrize(("path", "body", "role", "first_create"), CASES, ids=["cluster", "entity", "user"])
def test_the_loser_of_a_race_is_answered_as_a_later_duplicate_is(
    make_app: MakeApp, engine: Engine, path: str, body: dict[str, str], role: str, first_create: Create
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers take turns: the second create's check sees the first's row")
    client = TestClient(make_app())
    client.headers.update(accounts.headers_for(engine, role))
    with Session(engine) as first:
        first_create(first)  # the row is written, not committed: the request's check cannot see it
        answer = _sent_while_first_holds_its_row(engine, first, lambda: client.post(path, json=body))
    raced = _problem(answer)
    later = _problem(client.post(path, json=body))
    assert raced == later
    assert [error["field"] for error in raced["errors"]] == ["email" if "email" in body else "name"]


def test_two_recommendations_naming_one_new_theme_at_once_share_it(make_app: MakeApp, engine: Engine) -> None:
    """A theme is no refusal: a recommendation naming a theme another just created uses that one. The
    second of two naming one new theme at once failed (409) on the terms' unique (kind, key)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers take turns: the second's lookup finds the first's theme")
    client = TestClient(make_app())
    client.headers.update(accounts.headers_for(engine, "coordinator"))
    mechanism = {
        "mechanism": "iachr",
        "mechanism_name": "Inter-American Commission",
        "mechanism_family": "regional",
    }
    assert client.post(RECOMMENDATIONS, json={"text": "1. Ratify it.", **mechanism}).status_code == 201
    with Session(engine) as first:
        create_manual(first, ACTOR, ManualCreate(text="2. Fund it.", mechanism="IACHR", themes=["Water"]))
        body = {"text": "3. Report on it.", "mechanism": "IACHR", "themes": ["Water"]}
        answer = _sent_while_first_holds_its_row(
            engine, first, lambda: client.post(RECOMMENDATIONS, json=body)
        )
    assert answer.status_code == 201, answer.text
    themed = client.get(RECOMMENDATIONS, params={"theme": "Water"}).json()
    assert themed["total"] == 2


def test_a_duplicate_the_check_missed_is_refused_naming_the_field(db: Connection) -> None:
    """The same refusal, on either database, when the constraint rather than the check finds it."""
    accounts.create_user(db, "taken@example.org", "reader")
    with session_on(db) as session, pytest.raises(Conflict) as refused:
        session.add(User(email="taken@example.org", role="reader", password_hash=accounts.password_hash()))
        session.flush()
    assert refused.value.detail == "a user with the email taken@example.org already exists"
    assert refused.value.errors == [{"field": "email", "reason": "already used by another user"}]


def test_the_loser_of_a_race_for_an_api_key_name_is_answered_as_a_later_duplicate_is(
    make_app: MakeApp, engine: Engine
) -> None:
    """One admin's two keys of one name at once: the unique index (created_by_id, name) finds the
    second, refused as the service's check refuses a later one, naming `name`."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers take turns: the second create's check sees the first's row")
    admin = accounts.create_user(engine, "keys@example.org", "admin")
    client = TestClient(make_app())
    client.headers.update(accounts.bearer(accounts.issue_token(engine, admin)))
    body = {"name": "dashboard", "role": "reader"}
    with Session(engine) as first:
        create_api_key(
            first, Actor(role="admin", label="keys@example.org", user_id=admin), ApiKeyCreate(**body)
        )
        answer = _sent_while_first_holds_its_row(
            engine, first, lambda: client.post("/api/v1/api-keys", json=body)
        )
    raced = _problem(answer)
    assert raced == _problem(client.post("/api/v1/api-keys", json=body))
    assert [error["field"] for error in raced["errors"]] == ["name"]
