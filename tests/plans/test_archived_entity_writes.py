"""A focal point whose entity is archived reads as before but writes nothing more through the API: a
403 naming the entity and saying to ask a coordinator (the calendar and the digest already treat them
as having no entity). The workspace: tests/staff/test_archived_entity_pages.py."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from app.models import Entity
from tests.accounts import create_entity
from tests.plans.test_actions import URL, make_action, patch

Headers = Callable[..., dict[str, str]]


def _archive(engine: Engine, entity_id: int) -> None:
    with Session(engine, join_transaction_mode="create_savepoint") as session, session.begin():
        session.execute(update(Entity).where(Entity.id == entity_id).values(archived=True))


def test_the_api_refuses_their_writes_naming_the_entity(
    client: TestClient, engine: Engine, headers_for: Headers
) -> None:
    justice = create_entity(engine, "Ministry of Justice")
    action = make_action(client, lead_entity_id=justice)
    focal = headers_for("focal_point", entity_id=justice)
    _archive(engine, justice)
    url = f"{URL}/{action['id']}"
    assert client.get(url, headers=focal).status_code == 200  # reads unchanged
    assert client.get(f"{url}/progress", headers=focal).status_code == 200
    refused = patch(client, url, {"status": "delayed"}, **focal)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    detail = refused.json()["detail"]
    assert "Ministry of Justice is archived" in detail and "ask a coordinator" in detail
    report = {"reported_on": "2025-06-30", "narrative": "Two workshops held."}
    assert client.post(f"{url}/progress", json=report, headers=focal).status_code == 403
    # Their own account is still theirs: the digest's settings, for one.
    assert client.get("/api/v1/me", headers=focal).status_code == 200
