"""Approving a progress update while another coordinator saves its action.

Approving changes the action too: its status (the update's ``new_status``) and, with
``publish_parents``, its ``published``. On PostgreSQL the approval read the action, a coordinator's
save of the action committed, and the approval's write then found another version: the reviewer was
answered "the resource changed while this request ran" (a 412 on a request that sent no If-Match, and
JSON in place of the workspace's page), and nothing was approved. The action is locked and read again
before it is changed. SQLite's writers hold the database's write lock for their whole request.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from app.core.actor import COORDINATOR, Actor
from app.models import Action
from app.plans.actions.store import load_action
from app.plans.progress import service
from app.plans.progress.schemas import ApproveBody
from tests.plans.test_actions import make_action

ACTOR = Actor(role=COORDINATOR, label="test")


@pytest.fixture(autouse=True)
def _postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers take the write lock first: no other request can come between")


def _saved_elsewhere(engine: Engine, action_id: int) -> None:
    """Another coordinator's save of the action commits (its version moves)."""
    with engine.begin() as conn:
        conn.execute(
            update(Action)
            .where(Action.id == action_id)
            .values(title="Train judges and prosecutors", version=Action.version + 1)
        )


def _submitted(client: TestClient, action_id: int) -> int:
    body: dict[str, Any] = {
        "reported_on": "2025-06-30",
        "narrative": "Two workshops held.",
        "new_status": "in_progress",
        "submit": True,
    }
    response = client.post(f"/api/v1/actions/{action_id}/progress", json=body)
    assert response.status_code == 201, response.text
    progress_id: int = response.json()["id"]
    return progress_id


@pytest.mark.parametrize("publish_parents", [False, True])
def test_an_approval_goes_through_when_the_action_was_saved_meanwhile(
    client: TestClient, engine: Engine, publish_parents: bool
) -> None:
    action_id = make_action(client)["id"]
    progress_id = _submitted(client, action_id)
    body = ApproveBody(publish=True, publish_parents=publish_parents)
    with Session(engine) as session:
        _read = load_action(session, action_id)  # the approval read the action (and holds it)...
        _saved_elsewhere(engine, action_id)  # ...then the other save committed
        service.approve(session, ACTOR, progress_id, body, None)
        session.commit()
    saved = client.get(f"/api/v1/actions/{action_id}").json()
    assert saved["title"] == "Train judges and prosecutors"
    assert saved["status"] == "in_progress"
    assert saved["published"] is publish_parents
    assert client.get(f"/api/v1/progress/{progress_id}").json()["state"] == "approved"
