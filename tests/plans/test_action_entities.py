"""/api/v1/actions: the lead and supporting entities an action may be given, refused by the one rule
the recommendations and clusters follow, each entity named by its name (its id in the detail)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts import create_entity
from tests.clusters.api import archive_entity
from tests.plans.test_actions import URL, make_action, patch, problem_fields, world

__all__ = ["world"]  # the fixture, used by name


def test_an_entity_is_lead_or_supporting_not_both(client: TestClient, world: dict[str, int]) -> None:
    both = {"title": "Train judges", "lead_entity_id": world["a"], "supporting_entity_ids": [world["a"]]}
    refused = client.post(URL, json=both)
    assert refused.status_code == 422 and problem_fields(refused) == ["supporting_entity_ids"]
    assert client.get(URL).json()["total"] == 0
    action = make_action(client, lead_entity_id=world["a"], supporting_entity_ids=[world["b"]])
    url = f"{URL}/{action['id']}"
    assert problem_fields(patch(client, url, {"supporting_entity_ids": [world["a"]]})) == [
        "supporting_entity_ids"
    ]
    same = {"lead_entity_id": world["b"], "supporting_entity_ids": [world["b"]]}
    assert problem_fields(patch(client, url, same)) == ["supporting_entity_ids"]
    # The supporting entity made the lead, the list not sent: it stops being supporting.
    promoted = patch(client, url, {"lead_entity_id": world["b"]})
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["lead_entity_id"] == world["b"] and promoted.json()["supporting_entity_ids"] == []


def _refusal(response: Any) -> tuple[str, str]:
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    return error["reason"], response.json()["detail"]


def test_a_refused_entity_is_named_by_its_name(
    client: TestClient, engine: Engine, world: dict[str, int]
) -> None:
    """Not "entity 7": its name, as the staff pages show the same service's reason; the id stays in
    the detail, for a client that sent several."""
    old = create_entity(engine, "Ministry of Mines")
    archive_entity(engine, old)
    justice = world["a"]

    both = {"title": "Train judges", "lead_entity_id": justice, "supporting_entity_ids": [justice]}
    reason, detail = _refusal(client.post(URL, json=both))
    assert reason == "Ministry of Justice is the lead; it cannot also be supporting"
    assert detail == f"supporting_entity_ids: {reason} (entity {justice})"

    reason, detail = _refusal(client.post(URL, json={"title": "Mine", "lead_entity_id": old}))
    assert reason == "Ministry of Mines is archived"
    assert detail == f"lead_entity_id: Ministry of Mines is archived (entity {old})"
    reason, detail = _refusal(client.post(URL, json={"title": "Mine", "supporting_entity_ids": [old]}))
    assert reason == "Ministry of Mines is archived"
    assert detail == f"supporting_entity_ids: Ministry of Mines is archived (entity {old})"

    action = make_action(client, lead_entity_id=world["b"])
    url = f"{URL}/{action['id']}"
    reason, _detail = _refusal(patch(client, url, {"supporting_entity_ids": [world["b"]]}))
    assert reason == "Ministry of Labour is the lead; it cannot also be supporting"
    reason, _detail = _refusal(patch(client, url, {"lead_entity_id": old}))
    assert reason == "Ministry of Mines is archived"

    # The same rule, the same words, wherever an entity is made responsible.
    rec = f"/api/v1/recommendations/{world['r1']}"
    tag = client.get(rec).headers["ETag"]
    on_rec = client.patch(rec, json={"lead_entity_id": old}, headers={"If-Match": tag})
    on_cluster = client.post("/api/v1/clusters", json={"name": "Mining", "lead_entity_id": old})
    assert _refusal(on_rec)[0] == _refusal(on_cluster)[0] == "Ministry of Mines is archived"
