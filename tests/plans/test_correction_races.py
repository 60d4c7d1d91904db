"""Two coordinators approving two corrections of one indicator value at the same moment (PostgreSQL).

Both approvals checked that the corrected value was still current before either committed; the
second then waited at its write of that value for the first's commit, found its version moved, and
was answered "the resource changed while this request ran" (a JSON 412 on a request that may have
sent no If-Match) instead of the 409 naming ``corrects_id`` that a second approval sent after the
first gets. The corrected value is locked and read again before it is checked. SQLite's writers hold
the database's write lock for their whole request.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.actor import COORDINATOR, Actor
from app.core.errors import Conflict
from app.plans.indicators import values
from tests.lock_waits import until_a_lock_is_awaited
from tests.plans.test_actions import make_action

ACTOR = Actor(role=COORDINATOR, label="test")
VALUES = "/api/v1/indicator-values"


@pytest.fixture(autouse=True)
def _postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers take the write lock first: no other request can come between")


def _submitted(client: TestClient, url: str, body: dict[str, Any]) -> int:
    response = client.post(url, json={"measured_on": "2025-06-30", "submit": True, **body})
    assert response.status_code == 201, response.text
    value_id: int = response.json()["id"]
    return value_id


def test_the_second_of_two_corrections_approved_at_once_is_the_409_naming_corrects_id(
    client: TestClient, engine: Engine
) -> None:
    action = make_action(client)
    indicator = client.post(f"/api/v1/actions/{action['id']}/indicators", json={"name": "Judges trained"})
    wrong = _submitted(client, f"/api/v1/indicators/{indicator.json()['id']}/values", {"value": 9999})
    assert client.post(f"{VALUES}/{wrong}/approve").status_code == 200
    fix = _submitted(client, f"{VALUES}/{wrong}/corrections", {"value": 199})
    rival = _submitted(client, f"{VALUES}/{wrong}/corrections", {"value": 198})
    with Session(engine) as first, Session(engine) as second, ThreadPoolExecutor(max_workers=1) as pool:
        values.approve(first, ACTOR, fix, None)  # supersedes the wrong value, not committed yet
        racing = pool.submit(values.approve, second, ACTOR, rival, None)
        until_a_lock_is_awaited(engine)  # the second waits for the wrong value's row
        first.commit()
        with pytest.raises(Conflict) as refused:
            racing.result(timeout=30)
        second.rollback()
    assert refused.value.status == 409
    assert [error["field"] for error in refused.value.errors or []] == ["corrects_id"]
    assert client.get(f"{VALUES}/{wrong}").json()["superseded_by_id"] == fix
    assert client.get(f"{VALUES}/{rival}").json()["state"] == "submitted"
