"""Editing a cluster: PATCH with If-Match (its fields, the version, the audit of what changed, the
refusals naming the field), archiving and unarchiving."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts import create_entity
from tests.clusters.api import (
    URL,
    archive_entity,
    audit_events,
    create,
    delete_members,
    read_etag,
)

# --- edit -------------------------------------------------------------------------------------


def test_patch_needs_if_match(client: TestClient, engine: Engine) -> None:
    cluster = create(client)
    url = f"{URL}/{cluster['id']}"
    response = client.patch(url, json={"name": "Renamed"})
    assert response.status_code == 428
    assert response.json()["errors"][0]["field"] == "If-Match"
    response = client.patch(url, json={"name": "Renamed"}, headers={"If-Match": '"999"'})
    assert response.status_code == 412
    assert client.get(url).json()["name"] == "Torture prevention"
    assert audit_events(engine, "cluster.update") == []


def test_patch_changes_fields_bumps_etag_and_audits_changes_only(client: TestClient, engine: Engine) -> None:
    justice = create_entity(engine, "Ministry of Justice")
    interior = create_entity(engine, "Ministry of Interior", acronym="MININT")
    cluster = create(client, description="old", lead_entity_id=justice)
    url = f"{URL}/{cluster['id']}"
    etag = read_etag(client, cluster["id"])
    response = client.patch(
        url,
        json={"name": "Torture", "description": "old", "lead_entity_id": interior, "published": True},
        headers={"If-Match": etag},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "Torture" and body["published"] is True
    assert body["lead_entity"] == {"id": interior, "name": "Ministry of Interior", "acronym": "MININT"}
    assert response.headers["ETag"] != etag
    assert response.headers["ETag"] == read_etag(client, cluster["id"])
    (event,) = audit_events(engine, "cluster.update", cluster["id"])
    assert event.before == {"name": "Torture prevention", "lead_entity_id": justice, "published": False}
    assert event.after == {"name": "Torture", "lead_entity_id": interior, "published": True}

    # The old ETag is now stale; null clears the lead and an empty description is none.
    assert client.patch(url, json={"lead_entity_id": None}, headers={"If-Match": etag}).status_code == 412
    response = client.patch(
        url, json={"lead_entity_id": None, "description": ""}, headers={"If-Match": response.headers["ETag"]}
    )
    assert response.status_code == 200
    assert response.json()["lead_entity"] is None and response.json()["description"] is None


def test_patch_without_changes_keeps_the_version(client: TestClient, engine: Engine) -> None:
    cluster = create(client)
    etag = read_etag(client, cluster["id"])
    response = client.patch(
        f"{URL}/{cluster['id']}", json={"name": "Torture prevention"}, headers={"If-Match": etag}
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == etag
    assert audit_events(engine, "cluster.update") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"published": None}, "published"),
        ({"archived": None}, "archived"),
        ({"recommendation_count": 3}, "recommendation_count"),
        ({"lead_entity_id": "x"}, "lead_entity_id"),
    ],
)
def test_patch_refuses_invalid_input(client: TestClient, body: dict[str, Any], field: str) -> None:
    cluster = create(client)
    response = client.patch(
        f"{URL}/{cluster['id']}", json=body, headers={"If-Match": read_etag(client, cluster["id"])}
    )
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


def test_patch_refuses_a_taken_name_and_a_bad_lead(client: TestClient, engine: Engine) -> None:
    create(client, "Education")
    cluster = create(client)
    url = f"{URL}/{cluster['id']}"
    etag = read_etag(client, cluster["id"])
    response = client.patch(url, json={"name": "education"}, headers={"If-Match": etag})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "name"
    old = create_entity(engine, "Old ministry")
    archive_entity(engine, old)
    for lead in (old, 424242):
        response = client.patch(url, json={"lead_entity_id": lead}, headers={"If-Match": etag})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "lead_entity_id"
    # Only the case of its own name changes: not a conflict with itself.
    response = client.patch(url, json={"name": "TORTURE PREVENTION"}, headers={"If-Match": etag})
    assert response.status_code == 200
    assert audit_events(engine, "cluster.update", cluster["id"])[0].after == {"name": "TORTURE PREVENTION"}


def test_archive_and_unarchive(client: TestClient, engine: Engine, rec_ids: list[int]) -> None:
    cluster = create(client)
    url = f"{URL}/{cluster['id']}"
    response = client.patch(
        url, json={"archived": True}, headers={"If-Match": read_etag(client, cluster["id"])}
    )
    assert response.status_code == 200 and response.json()["archived"] is True
    assert client.get(URL).json()["total"] == 0
    assert client.get(url).status_code == 200  # archived, never deleted
    # An archived cluster's contents are frozen.
    response = client.post(f"{url}/recommendations", json={"ids": rec_ids[:1]})
    assert response.status_code == 409
    assert (
        delete_members(
            client,
            cluster["id"],
            rec_ids[:1],
            response.headers.get("ETag") or read_etag(client, cluster["id"]),
        ).status_code
        == 409
    )
    response = client.patch(
        url, json={"archived": False}, headers={"If-Match": read_etag(client, cluster["id"])}
    )
    assert response.json()["archived"] is False
    assert [e.after for e in audit_events(engine, "cluster.update", cluster["id"])] == [
        {"archived": True},
        {"archived": False},
    ]
