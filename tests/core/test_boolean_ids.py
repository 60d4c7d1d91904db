"""`true` where a body takes an id was read as the id 1 (pydantic's lax mode takes a boolean for an
integer): `{"ids": [true]}` put recommendation 1 in a cluster, `"lead_entity_id": true` made entity 1
the lead. An id in a body is a number; a boolean is a 422 naming the field, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import ids_by_external_id, import_records, record

Headers = Callable[..., dict[str, str]]
REASON = "Input should be a valid integer, not a boolean (true or false)"


def _refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    assert {"field": field, "reason": REASON} in response.json()["errors"], response.text


def test_a_boolean_is_no_id_in_any_body(client: TestClient, engine: Engine, headers_for: Headers) -> None:
    import_records(engine, [record("B1"), record("B2")])
    first = min(ids_by_external_id(engine).values())
    entity = client.post("/api/v1/entities", json={"name": "Ministry B", "kind": "ministry"}).json()
    cluster = client.post("/api/v1/clusters", json={"name": "Booleans"})
    assert cluster.status_code == 201, cluster.text
    members = f"/api/v1/clusters/{cluster.json()['id']}/recommendations"

    _refused(client.post(members, json={"ids": [True]}), "ids.0")
    assert client.get(members).json()["items"] == [], "nothing was added"
    _refused(client.post("/api/v1/clusters", json={"name": "Led", "lead_entity_id": True}), "lead_entity_id")
    _refused(
        client.post("/api/v1/actions", json={"title": "T", "recommendation_ids": [True]}),
        "recommendation_ids.0",
    )
    _refused(client.post("/api/v1/actions", json={"title": "T", "lead_entity_id": True}), "lead_entity_id")
    _refused(
        client.post("/api/v1/deadlines", json={"title": "Report", "due_on": "2027-01-01", "entity_id": True}),
        "entity_id",
    )
    _refused(
        client.post(
            "/api/v1/users",
            json={
                "email": "b@example.org",
                "role": "focal_point",
                "entity_id": True,
                "password": "a long passphrase b",
            },
            headers=headers_for("admin"),
        ),
        "entity_id",
    )
    # Numbers are still ids, and so are numbers written as strings, as before.
    added = client.post(members, json={"ids": [first, str(first + 1)]})
    assert added.status_code == 200 and added.json()["added"] == 2, added.text
    assert entity["id"] >= 1
