"""The id filters of the staff lists (actions, progress updates, indicator values, clusters, users)
refuse an id that names nothing with a 422 naming the parameter and the value, as the
recommendations' filters do; an id that exists still filters (an empty list when nothing matches it)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts import create_entity
from tests.factories import ids_by_external_id, import_records, record
from tests.plans.test_actions import create_cluster

UNKNOWN = 987654

LISTS = {
    "/api/v1/actions": ("lead_entity_id", "entity_id", "recommendation_id", "cluster_id"),
    "/api/v1/progress": ("entity_id", "action_id"),
    "/api/v1/indicator-values": ("entity_id", "action_id", "indicator_id"),
    "/api/v1/clusters": ("lead_entity_id",),
}


@pytest.mark.parametrize(("url", "name"), [(url, name) for url, names in LISTS.items() for name in names])
def test_an_unknown_id_is_a_422_naming_the_parameter_and_the_value(
    client: TestClient, url: str, name: str
) -> None:
    response = client.get(url, params={name: UNKNOWN})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    (error,) = response.json()["errors"]
    assert error["field"] == name
    assert str(UNKNOWN) in error["reason"] and "is not a known" in error["reason"]


def test_known_ids_still_filter(client: TestClient, engine: Engine) -> None:
    import_records(engine, [record("F1")])
    entity = create_entity(engine, "Ministry of Filters")
    cluster = create_cluster(engine, "Filtered cluster")
    recommendation = ids_by_external_id(engine)["F1"]
    action = client.post("/api/v1/actions", json={"title": "Filtered", "lead_entity_id": entity}).json()["id"]
    known = {
        "entity_id": entity,
        "lead_entity_id": entity,
        "recommendation_id": recommendation,
        "cluster_id": cluster,
        "action_id": action,
    }
    for url, names in LISTS.items():
        for name in names:
            if name in known:
                response = client.get(url, params={name: known[name]})
                assert response.status_code == 200, (url, name, response.text)
    assert client.get("/api/v1/actions", params={"entity_id": entity}).json()["total"] == 1


def test_the_users_list_refuses_an_unknown_entity_and_still_filters_by_a_known_one(
    anonymous_client: TestClient, engine: Engine, headers_for: Callable[..., dict[str, str]]
) -> None:
    admin = headers_for("admin")
    response = anonymous_client.get("/api/v1/users", params={"entity_id": UNKNOWN}, headers=admin)
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["field"] == "entity_id"
    assert str(UNKNOWN) in error["reason"] and "is not a known entity id" in error["reason"]
    entity = create_entity(engine, "Ministry of Listed Users")
    known = anonymous_client.get("/api/v1/users", params={"entity_id": entity}, headers=admin)
    assert known.status_code == 200 and known.json()["items"] == []
