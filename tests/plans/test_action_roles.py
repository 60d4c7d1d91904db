"""/api/v1/actions by role: a focal point changes the actions of its entity only (and not what only a
manager may), a reader and an anonymous client are refused, an admin manages as a coordinator does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.plans.test_actions import URL, audit_actions, audit_events, make_action, patch, world

__all__ = ["world"]  # the fixture, used by name

Headers = Callable[..., dict[str, str]]


def test_focal_point_edits_own_actions_only(
    client: TestClient, engine: Engine, headers_for: Headers, world: dict[str, int]
) -> None:
    led = make_action(client, lead_entity_id=world["a"])
    supported = make_action(client, lead_entity_id=world["b"], supporting_entity_ids=[world["a"]])
    foreign = make_action(client, lead_entity_id=world["b"])
    focal = headers_for("focal_point", entity_id=world["a"])

    for action in (led, supported):
        url = f"{URL}/{action['id']}"
        body = {
            "title": "Renamed",
            "description": "More",
            "start_date": "2025-01-01",
            "due_date": "2026-01-01",
            "status": "delayed",
            "budget": {"amount": 5, "currency": "EUR", "source": None},
        }
        response = patch(client, url, body, **focal)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "delayed"
        events = audit_events(engine, "action", action["id"])
        assert events[-1].action == "action.update" and events[-1].actor_role == "focal_point"

    url = f"{URL}/{led['id']}"
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"published": True}, "published"),
        ({"lead_entity_id": world["b"]}, "lead_entity_id"),
        ({"title": "x", "cluster_ids": []}, "cluster_ids"),
        ({"supporting_entity_ids": []}, "supporting_entity_ids"),
    ]
    for body, named in refusals:
        refused = patch(client, url, body, **focal)
        assert refused.status_code == 403, body
        assert named in refused.json()["detail"]
        # Named in `errors` too, as every refusal of a field is, for a client that reads the fields.
        assert [error["field"] for error in refused.json()["errors"]] == [named], refused.json()
    assert client.get(url).json()["title"] == "Renamed"
    assert client.get(url).json()["published"] is False

    refused = patch(client, f"{URL}/{foreign['id']}", {"title": "Mine now"}, **focal)
    assert refused.status_code == 403
    assert "does not belong to your entity" in refused.json()["detail"]
    assert audit_actions(engine, "action", foreign["id"]) == ["action.create", "authz.denied"]

    # Focal points read every action, create none; one without an entity writes nothing.
    assert client.get(URL, headers=focal).json()["total"] == 3
    assert client.get(f"{URL}/{foreign['id']}", headers=focal).status_code == 200
    assert client.post(URL, json={"title": "Mine"}, headers=focal).status_code == 403
    nobody = headers_for("focal_point")
    assert patch(client, url, {"title": "x"}, **nobody).status_code == 403


def test_reader_and_anonymous_are_refused(
    client: TestClient, anonymous_client: TestClient, headers_for: Headers
) -> None:
    action = make_action(client)
    url = f"{URL}/{action['id']}"
    tag = client.get(url).headers["ETag"]
    reader = headers_for("reader")
    assert client.get(URL, headers=reader).status_code == 403
    assert client.get(url, headers=reader).status_code == 403
    assert client.post(URL, json={"title": "x"}, headers=reader).status_code == 403
    assert client.patch(url, json={"title": "x"}, headers={**reader, "If-Match": tag}).status_code == 403
    anonymous = anonymous_client.get(url, headers={"Authorization": ""})
    assert anonymous.status_code == 401


def test_admin_is_a_manager(client: TestClient, headers_for: Headers) -> None:
    response = client.post(URL, json={"title": "By an admin"}, headers=headers_for("admin"))
    assert response.status_code == 201
