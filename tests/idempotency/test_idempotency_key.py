"""``Idempotency-Key`` on every create route of the JSON API: a retry with the same key and body is
answered the first answer again and creates nothing; with another body it is a 422; a bad key is a 422
naming the header; a key is its sender's and its route's; a request that failed does not keep it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from app.models import Cluster, IdempotencyRecord
from app.models.base import utcnow
from tests import accounts
from tests.idempotency.world import CHANGED, CREATES, World, build_world
from tests.plans.test_actions import problem_fields

KEY = "5b0f8a7e-2c1d-4e3f-9a8b-7c6d5e4f3a2b"
CLUSTERS = "/api/v1/clusters"


@pytest.fixture
def world(client: TestClient, engine: Engine) -> World:
    return build_world(client, engine)


def _clusters(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Cluster)) or 0)


@pytest.mark.parametrize("name", CREATES)
def test_a_create_sent_again_with_its_key_is_answered_again_and_creates_nothing(
    client: TestClient, engine: Engine, world: World, name: str
) -> None:
    create = CREATES[name]
    before = create.count(engine)
    first = create.send(client, world, KEY)
    assert first.status_code == create.status, first.text
    assert "idempotent-replayed" not in first.headers
    again = create.send(client, world, KEY)
    assert again.status_code == create.status, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    for header in ("Location", "ETag"):
        assert again.headers.get(header) == first.headers.get(header)
    assert create.count(engine) == before + 1
    if name == "API key":  # the secret is shown once only: never kept, a replay has none
        assert first.json()["key"] and again.json()["key"] is None
        assert {**first.json(), "key": None} == again.json()
        assert again.headers["Cache-Control"] == "no-store"
    else:
        assert again.content == first.content

    # The same key for another request: refused, nothing created.
    other = create.send(client, world, KEY, **CHANGED[name])
    assert other.status_code == 422, other.text
    assert problem_fields(other) == ["Idempotency-Key"]
    assert "different request" in other.json()["errors"][0]["reason"]
    assert create.count(engine) == before + 1

    # Without a key, a create is a create, as it always was.
    # Not what must be unique: names, and the content of an update's evidence file.
    if name not in ("user", "API key", "entity", "cluster", "evidence file"):
        assert create.send(client, world, None).status_code == create.status
        assert create.count(engine) == before + 2


def test_the_body_is_compared_by_what_it_asks_not_how_it_is_written(
    client: TestClient, engine: Engine, world: World
) -> None:
    headers = {**world.coordinator, "Idempotency-Key": KEY, "Content-Type": "application/json"}
    first = client.post(CLUSTERS, content=b'{"name": "Prisons", "description": "Visits"}', headers=headers)
    again = client.post(CLUSTERS, content=b'{ "description":"Visits",  "name":"Prisons" }', headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.content == first.content
    assert _clusters(engine) == 1


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("x" * 256, "must be 1 to 255 characters long"),
        ("", "must be 1 to 255 characters long"),
        ("clé-1".encode(), "must be printable ASCII characters only (no control or non-ASCII characters)"),
        ("a\tb", "must be printable ASCII characters only (no control or non-ASCII characters)"),
    ],
)
def test_a_bad_key_is_refused_naming_the_header(
    client: TestClient, engine: Engine, world: World, key: str | bytes, reason: str
) -> None:
    headers: dict[str, str | bytes] = {**world.coordinator, "Idempotency-Key": key}  # bytes: sent as UTF-8
    response = client.post(CLUSTERS, json={"name": "Refused"}, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [{"field": "Idempotency-Key", "reason": reason}]
    assert _clusters(engine) == 0


def test_the_longest_key_and_every_printable_character_are_accepted(
    client: TestClient, engine: Engine, world: World
) -> None:
    for number, key in enumerate(["k" * 255, '"quoted sf-string"', "".join(map(chr, range(0x21, 0x7F)))]):
        headers = {**world.coordinator, "Idempotency-Key": key}
        assert client.post(CLUSTERS, json={"name": f"Kept {number}"}, headers=headers).status_code == 201
        again = client.post(CLUSTERS, json={"name": f"Kept {number}"}, headers=headers)
        assert again.headers["Idempotent-Replayed"] == "true"
    assert _clusters(engine) == 3


def test_a_key_is_its_senders_and_its_routes(client: TestClient, engine: Engine, world: World) -> None:
    mine = {**world.coordinator, "Idempotency-Key": KEY}
    theirs = {**accounts.headers_for(engine, "coordinator"), "Idempotency-Key": KEY}
    assert client.post(CLUSTERS, json={"name": "Mine"}, headers=mine).status_code == 201
    # Another user's same key is another key: created, not my answer.
    other = client.post(CLUSTERS, json={"name": "Mine too"}, headers=theirs)
    assert other.status_code == 201 and "idempotent-replayed" not in other.headers
    # An API key's too, even one made by the same admin.
    made = client.post(
        "/api/v1/api-keys", json={"name": "ci", "role": "coordinator", "scope": "write"}, headers=world.admin
    )
    by_key = {"X-API-Key": made.json()["key"], "Idempotency-Key": KEY}
    client.headers.pop("Authorization")  # the key alone
    assert client.post(CLUSTERS, json={"name": "Scripted"}, headers=by_key).status_code == 201
    assert (
        client.post(CLUSTERS, json={"name": "Scripted"}, headers=by_key).headers["Idempotent-Replayed"]
        == "true"
    )
    # The same key on another route is another key.
    action = client.post("/api/v1/actions", json={"title": "Mine"}, headers=mine)
    assert action.status_code == 201 and "idempotent-replayed" not in action.headers
    assert _clusters(engine) == 3


def test_a_request_that_failed_does_not_keep_its_key(
    client: TestClient, engine: Engine, world: World
) -> None:
    headers = {**world.coordinator, "Idempotency-Key": KEY}
    assert client.post(CLUSTERS, json={"name": "Taken"}).status_code == 201
    taken = client.post(CLUSTERS, json={"name": "Taken"}, headers=headers)
    assert taken.status_code == 409, taken.text
    refused = client.post(CLUSTERS, json={"name": ""}, headers=headers)
    assert refused.status_code == 422 and problem_fields(refused) == ["name"]
    # Processed anew, whatever body it now carries: the failures kept nothing.
    created = client.post(CLUSTERS, json={"name": "Free"}, headers=headers)
    assert created.status_code == 201 and "idempotent-replayed" not in created.headers
    assert (
        client.post(CLUSTERS, json={"name": "Free"}, headers=headers).headers["Idempotent-Replayed"] == "true"
    )
    assert _clusters(engine) == 2


def test_a_key_is_forgotten_two_days_after_its_first_use(
    client: TestClient, engine: Engine, world: World
) -> None:
    headers = {**world.coordinator, "Idempotency-Key": KEY}
    assert client.post(CLUSTERS, json={"name": "Old"}, headers=headers).status_code == 201
    with Session(engine) as session, session.begin():
        session.execute(update(IdempotencyRecord).values(created_at=utcnow() - timedelta(days=2, minutes=1)))
    again = client.post(CLUSTERS, json={"name": "Old"}, headers=headers)
    # Processed anew: here refused, the name being taken by the first.
    assert again.status_code == 409 and "idempotent-replayed" not in again.headers
    fresh = client.post(CLUSTERS, json={"name": "New"}, headers=headers)
    assert fresh.status_code == 201
    with Session(engine) as session:
        kept: list[Any] = list(session.scalars(select(IdempotencyRecord.key)))
    assert kept == [KEY]  # the expired row went when the key was next used
