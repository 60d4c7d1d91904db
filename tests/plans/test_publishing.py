"""Parent publishing: approving or publishing an update says what keeps it from the public, and can
publish that too in the same transaction (app/plans/publishing.py)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.actor import COORDINATOR, Actor
from app.core.catalogue import translated
from app.core.errors import Conflict
from app.plans import publishing
from app.plans.schemas import NotPublicParent
from app.web.i18n import translations
from tests.plans.test_actions import audit_events, make_action

PUBLIC = "/api/v1/public"
REPORT = {"reported_on": "2025-06-30", "narrative": "Two workshops held.", "submit": True}


@pytest.fixture
def action(client: TestClient) -> dict[str, Any]:
    return make_action(client, title="Train judges")


def _submitted(client: TestClient, action_id: int) -> int:
    response = client.post(f"/api/v1/actions/{action_id}/progress", json=REPORT)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _public_progress(client: TestClient, action_id: int) -> list[int] | None:
    response = client.get(f"{PUBLIC}/actions/{action_id}")
    if response.status_code == 404:
        return None
    return [update["id"] for update in response.json()["progress"]]


def test_approving_under_an_unpublished_action_says_so(
    client: TestClient, engine: Engine, action: dict[str, Any]
) -> None:
    progress_id = _submitted(client, action["id"])
    approved = client.post(f"/api/v1/progress/{progress_id}/approve", json={"publish": True})
    assert approved.status_code == 200, approved.text
    data = approved.json()
    assert data["published"] is True and data["public"] is False and data["published_parents"] == []
    assert data["not_public_parents"] == [
        {"kind": "action", "id": action["id"], "title": "Train judges", "reason": "not published"}
    ]
    assert _public_progress(client, action["id"]) is None
    assert [e.action for e in audit_events(engine, "action", action["id"])] == ["action.create"]


def test_approve_with_publish_parents_makes_it_public_in_one_step(
    client: TestClient, engine: Engine, action: dict[str, Any]
) -> None:
    progress_id = _submitted(client, action["id"])
    body = {"publish": True, "publish_parents": True}
    approved = client.post(f"/api/v1/progress/{progress_id}/approve", json=body)
    assert approved.status_code == 200, approved.text
    data = approved.json()
    assert data["public"] is True and data["not_public_parents"] == []
    assert [(p["kind"], p["id"]) for p in data["published_parents"]] == [("action", action["id"])]
    assert _public_progress(client, action["id"]) == [progress_id]
    events = audit_events(engine, "action", action["id"])
    assert [(e.action, e.before, e.after) for e in events[1:]] == [
        ("action.update", {"published": False}, {"published": True})
    ]
    assert client.get(f"/api/v1/actions/{action['id']}").headers["ETag"] == '"2"'


def test_publish_with_publish_parents(client: TestClient, engine: Engine, action: dict[str, Any]) -> None:
    progress_id = _submitted(client, action["id"])
    assert client.post(f"/api/v1/progress/{progress_id}/approve").json()["public"] is False
    published = client.post(f"/api/v1/progress/{progress_id}/publish", json={"publish_parents": True})
    assert published.status_code == 200, published.text
    assert published.json()["public"] is True
    assert _public_progress(client, action["id"]) == [progress_id]
    # Nothing left to publish: a second update under the now public action names no parent.
    other = _submitted(client, action["id"])
    second = client.post(f"/api/v1/progress/{other}/approve", json={"publish": True, "publish_parents": True})
    assert second.json()["not_public_parents"] == [] and second.json()["published_parents"] == []
    assert len(audit_events(engine, "action", action["id"])) == 2  # create, the one publication


def test_a_refused_approval_publishes_no_parent(
    client: TestClient, engine: Engine, action: dict[str, Any]
) -> None:
    progress_id = _submitted(client, action["id"])
    stale = client.post(
        f"/api/v1/progress/{progress_id}/approve", json={"publish_parents": True}, headers={"If-Match": '"9"'}
    )
    assert stale.status_code == 412
    assert client.get(f"/api/v1/actions/{action['id']}").json()["published"] is False
    unknown = client.post(f"/api/v1/progress/{progress_id}/publish", json={"publish_parents": 1, "x": 1})
    assert unknown.status_code == 422


def test_the_parents_of_an_evidence_file(engine: Engine, client: TestClient, action: dict[str, Any]) -> None:
    """For an evidence file the update itself is a parent; one not approved cannot be published."""
    progress_id = _submitted(client, action["id"])
    actor = Actor(role=COORDINATOR, label="test", user_id=None)
    with Session(engine) as session:
        parents = publishing.not_public_parents(session, action["id"], progress_id)
        assert [(p.kind, p.id, p.reason) for p in parents] == [
            ("progress_update", progress_id, "not approved"),
            ("action", action["id"], "not published"),
        ]
        assert parents[0].title == "2025-06-30: Two workshops held."
        with pytest.raises(Conflict):
            publishing.publish_parents(session, actor, parents)
    client.post(f"/api/v1/progress/{progress_id}/approve")
    with Session(engine) as session, session.begin():
        parents = publishing.not_public_parents(session, action["id"], progress_id)
        assert [p.reason for p in parents] == ["approved but not published", "not published"]
        publishing.publish_parents(session, actor, parents)
    with Session(engine) as session:
        assert publishing.not_public_parents(session, action["id"], progress_id) == []
    assert _public_progress(client, action["id"]) == [progress_id]
    kinds = [e.action for e in audit_events(engine, "progress_update", progress_id)]
    assert kinds[-1] == "progress.publish"


def test_a_parent_listed_twice_is_published_once(engine: Engine, action: dict[str, Any]) -> None:
    actor = Actor(role=COORDINATOR, label="test", user_id=None)
    parent = NotPublicParent(kind="action", id=action["id"], title="Train judges", reason="not published")
    with Session(engine) as session, session.begin():
        publishing.publish_parents(session, actor, [parent, parent])
    assert len(audit_events(engine, "action", action["id"])) == 2


def test_an_update_not_approved_is_refused_naming_its_state_in_the_readers_language(
    engine: Engine, client: TestClient, action: dict[str, Any]
) -> None:
    progress_id = _submitted(client, action["id"])
    actor = Actor(role=COORDINATOR, label="test", user_id=None)
    parent = NotPublicParent(kind="progress_update", id=progress_id, title="", reason="not approved")
    with Session(engine) as session, session.begin(), pytest.raises(Conflict) as refused:
        publishing.publish_parents(session, actor, [parent])
    reason = refused.value.errors[0]["reason"]
    assert reason == f"progress update {progress_id} is submitted: only an approved update can be published"
    # The state was the English word inside the French sentence ("est à l'état submitted").
    french = translated(reason, translations("fr").gettext)
    assert french.startswith(f"le rapport d’avancement {progress_id} est soumis"), french  # noqa: RUF001


def _submitted_value(client: TestClient, action_id: int) -> int:
    indicator = client.post(f"/api/v1/actions/{action_id}/indicators", json={"name": "Judges trained"})
    assert indicator.status_code == 201, indicator.text
    body = {"measured_on": "2025-06-30", "value": 40, "submit": True}
    value = client.post(f"/api/v1/indicators/{indicator.json()['id']}/values", json=body)
    assert value.status_code == 201, value.text
    return int(value.json()["id"])


def _public_values(client: TestClient, action_id: int) -> list[float] | None:
    response = client.get(f"{PUBLIC}/actions/{action_id}")
    if response.status_code == 404:
        return None
    return [v["value"] for indicator in response.json()["indicators"] for v in indicator["values"]]


def test_approving_a_value_under_an_unpublished_action_says_so(
    client: TestClient, engine: Engine, action: dict[str, Any]
) -> None:
    value_id = _submitted_value(client, action["id"])
    approved = client.post(f"/api/v1/indicator-values/{value_id}/approve")
    assert approved.status_code == 200, approved.text
    data = approved.json()
    assert (data["state"], data["public"], data["published_parents"]) == ("approved", False, [])
    assert data["not_public_parents"] == [
        {"kind": "action", "id": action["id"], "title": "Train judges", "reason": "not published"}
    ]
    assert _public_values(client, action["id"]) is None
    assert [e.action for e in audit_events(engine, "action", action["id"])] == ["action.create"]


def test_approving_a_value_with_publish_parents_publishes_its_action(
    client: TestClient, engine: Engine, action: dict[str, Any]
) -> None:
    value_id = _submitted_value(client, action["id"])
    stale = client.post(
        f"/api/v1/indicator-values/{value_id}/approve",
        json={"publish_parents": True},
        headers={"If-Match": '"9"'},
    )
    assert stale.status_code == 412
    assert _public_values(client, action["id"]) is None  # nothing was written
    approved = client.post(f"/api/v1/indicator-values/{value_id}/approve", json={"publish_parents": True})
    assert approved.status_code == 200, approved.text
    data = approved.json()
    assert data["public"] is True and data["not_public_parents"] == []
    assert [(p["kind"], p["id"]) for p in data["published_parents"]] == [("action", action["id"])]
    assert _public_values(client, action["id"]) == [40]
    events = audit_events(engine, "action", action["id"])
    assert [(e.action, e.before, e.after) for e in events[1:]] == [
        ("action.update", {"published": False}, {"published": True})
    ]
    assert [e.action for e in audit_events(engine, "indicator_value", value_id)][
        -1
    ] == "indicator_value.approve"
