"""/api/v1/clusters: staff read, managers create, edit, archive and fill them; every write audited."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.models import AuditEvent, ClusterRecommendation, Entity
from tests.accounts import create_entity
from tests.factories import ids_by_external_id, import_records, record

Headers = Callable[..., dict[str, str]]
URL = "/api/v1/clusters"


def _events(engine: Engine, action: str, object_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    with Session(engine) as session:
        return list(session.scalars(query))


def _members(engine: Engine, cluster_id: int) -> set[int]:
    with Session(engine) as session:
        return set(
            session.scalars(
                select(ClusterRecommendation.recommendation_id).where(
                    ClusterRecommendation.cluster_id == cluster_id
                )
            )
        )


def _create(client: TestClient, name: str = "Torture prevention", **body: Any) -> dict[str, Any]:
    response = client.post(URL, json={"name": name, **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _etag(client: TestClient, cluster_id: int) -> str:
    response = client.get(f"{URL}/{cluster_id}")
    assert response.status_code == 200, response.text
    tag: str = response.headers["ETag"]
    return tag


def _delete(
    client: TestClient, cluster_id: int, ids: Any, if_match: str | None = None, **headers: str
) -> Any:
    if if_match is not None:
        headers["If-Match"] = if_match
    return client.request("DELETE", f"{URL}/{cluster_id}/recommendations", json={"ids": ids}, headers=headers)


@pytest.fixture
def rec_ids(engine: Engine) -> list[int]:
    import_records(engine, [record(f"r{n}") for n in range(5)])
    ids = ids_by_external_id(engine)
    return sorted(ids[f"r{n}"] for n in range(5))


def _archive_entity(engine: Engine, entity_id: int) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(Entity).where(Entity.id == entity_id).values(archived=True))


# --- create ---------------------------------------------------------------------------------


def test_coordinator_creates_a_cluster_with_etag_location_and_audit(
    client: TestClient, engine: Engine
) -> None:
    entity_id = create_entity(engine, "Ministry of Justice", acronym="MINJUS")
    response = client.post(
        URL,
        json={"name": "  Torture prevention ", "description": "CAT and UPR", "lead_entity_id": entity_id},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Torture prevention"
    assert body["description"] == "CAT and UPR"
    assert body["lead_entity"] == {"id": entity_id, "name": "Ministry of Justice", "acronym": "MINJUS"}
    assert body["published"] is False and body["archived"] is False
    assert body["recommendation_count"] == 0
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert response.headers["Location"] == f"{URL}/{body['id']}"
    events = _events(engine, "cluster.create", body["id"])
    assert len(events) == 1
    assert events[0].after == {
        "name": "Torture prevention",
        "description": "CAT and UPR",
        "lead_entity_id": entity_id,
        "published": False,
        "archived": False,
    }
    assert events[0].object_type == "cluster"


def test_admin_creates_a_published_cluster_without_lead(
    anonymous_client: TestClient, headers_for: Headers
) -> None:
    response = anonymous_client.post(
        URL, json={"name": "Education", "published": True}, headers=headers_for("admin")
    )
    assert response.status_code == 201, response.text
    assert response.json()["published"] is True
    assert response.json()["lead_entity"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "   "}, "name"),
        ({}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"name": "A", "description": "d" * 10_001}, "description"),
        ({"name": "A", "published": "maybe"}, "published"),
        ({"name": "A", "lead_entity_id": 0}, "lead_entity_id"),
        ({"name": "A", "version": 7}, "version"),
        ({"name": "A", "archived": True}, "archived"),
    ],
)
def test_create_refuses_invalid_input(
    client: TestClient, engine: Engine, body: dict[str, Any], field: str
) -> None:
    response = client.post(URL, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert _events(engine, "cluster.create") == []


def test_create_refuses_an_unknown_or_archived_lead_entity(client: TestClient, engine: Engine) -> None:
    response = client.post(URL, json={"name": "A", "lead_entity_id": 999_999})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "lead_entity_id", "reason": "entity 999999 does not exist"}
    ]
    archived = create_entity(engine, "Old ministry")
    _archive_entity(engine, archived)
    response = client.post(URL, json={"name": "A", "lead_entity_id": archived})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lead_entity_id"
    assert response.json()["errors"][0]["reason"] == "Old ministry is archived"  # by its name, not its id
    assert client.get(URL).json()["total"] == 0


def test_create_refuses_a_taken_name_whatever_its_case(client: TestClient, engine: Engine) -> None:
    _create(client, "Torture prevention")
    response = client.post(URL, json={"name": "TORTURE prevention"})
    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"field": "name", "reason": "already used by another cluster: Torture prevention"}
    ]
    assert len(_events(engine, "cluster.create")) == 1


def test_a_taken_name_and_an_archived_lead_are_named_at_once(client: TestClient, engine: Engine) -> None:
    """Not one per attempt: still 409 (the name is taken), the archived lead named beside it."""
    taken = _create(client, "Torture prevention")
    archived = create_entity(engine, "Old ministry")
    _archive_entity(engine, archived)
    body = {"name": "torture prevention", "lead_entity_id": archived}
    response = client.post(URL, json=body)
    assert response.status_code == 409
    assert [error["field"] for error in response.json()["errors"]] == ["name", "lead_entity_id"]
    other = _create(client, "Detention")
    renamed = client.patch(f"{URL}/{other['id']}", json=body, headers={"If-Match": '"1"'})
    assert renamed.status_code == 409
    assert [error["field"] for error in renamed.json()["errors"]] == ["name", "lead_entity_id"]
    assert client.get(f"{URL}/{taken['id']}").json()["name"] == "Torture prevention"


def test_names_in_other_scripts_are_compared_and_searched_whatever_their_case(
    client: TestClient, engine: Engine
) -> None:
    # SQLite's own lower() folds ASCII letters only: "ÉDUCATION" was a new name there (not on
    # PostgreSQL), the same name twice a 409 naming no field, and "образ" found no "Образование".
    _create(client, "Éducation pour tous")
    _create(client, "Образование")
    for taken, existing in (
        ("ÉDUCATION POUR TOUS", "Éducation pour tous"),
        ("Éducation pour tous", "Éducation pour tous"),
        ("ОБРАЗОВАНИЕ", "Образование"),
        # Accents aside too: two clusters nobody could tell apart in a list.
        ("education pour tous", "Éducation pour tous"),
        ("EDUCATION  POUR TOUS", "Éducation pour tous"),
    ):
        response = client.post(URL, json={"name": taken})
        assert response.status_code == 409, taken
        reason = f"already used by another cluster: {existing}"
        assert response.json()["errors"] == [{"field": "name", "reason": reason}]
    renamed = _create(client, "Educación")
    refused = client.patch(
        f"{URL}/{renamed['id']}", json={"name": "EDUCATION POUR TOUS"}, headers={"If-Match": '"1"'}
    )
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["reason"] == "already used by another cluster: Éducation pour tous"
    for q, name in (("образ", "Образование"), ("ÉDUCATION", "Éducation pour tous")):
        assert [item["name"] for item in client.get(URL, params={"q": q}).json()["items"]] == [name]
    assert len(_events(engine, "cluster.create")) == 3
    # Searched accents aside too, as they are compared: "educacion" typed without its accent.
    for q, names in (("educacion", ["Educación"]), ("ÉDUCATION", ["Éducation pour tous"]), ("duc", None)):
        found = [item["name"] for item in client.get(URL, params={"q": q}).json()["items"]]
        assert found == (names or ["Educación", "Éducation pour tous"]), q


# --- who may do what --------------------------------------------------------------------------


def test_anonymous_gets_401_everywhere(anonymous_client: TestClient) -> None:
    for method, url in [
        ("GET", URL),
        ("POST", URL),
        ("GET", f"{URL}/1"),
        ("PATCH", f"{URL}/1"),
        ("GET", f"{URL}/1/recommendations"),
        ("POST", f"{URL}/1/recommendations"),
        ("DELETE", f"{URL}/1/recommendations"),
    ]:
        assert anonymous_client.request(method, url).status_code == 401, (method, url)


def test_reader_gets_403_on_every_cluster_route(
    client: TestClient, engine: Engine, headers_for: Headers, rec_ids: list[int]
) -> None:
    cluster = _create(client)
    reader = headers_for("reader")
    url = f"{URL}/{cluster['id']}"
    assert client.get(URL, headers=reader).status_code == 403
    assert client.get(url, headers=reader).status_code == 403
    assert client.get(f"{url}/recommendations", headers=reader).status_code == 403
    assert client.post(URL, json={"name": "B"}, headers=reader).status_code == 403
    response = client.patch(url, json={"name": "B"}, headers={**reader, "If-Match": '"1"'})
    assert response.status_code == 403
    response = client.post(f"{url}/recommendations", json={"ids": rec_ids[:1]}, headers=reader)
    assert response.status_code == 403
    assert _delete(client, cluster["id"], rec_ids[:1], '"1"', **reader).status_code == 403
    assert len(_events(engine, "authz.denied")) == 7
    assert client.get(url).json()["name"] == "Torture prevention"


def test_focal_point_reads_but_cannot_write(
    client: TestClient, engine: Engine, headers_for: Headers, rec_ids: list[int]
) -> None:
    entity_id = create_entity(engine, "Ministry of Justice")
    cluster = _create(client, lead_entity_id=entity_id)
    focal = headers_for("focal_point", entity_id)  # even the lead entity's focal point
    url = f"{URL}/{cluster['id']}"
    assert client.get(URL, headers=focal).json()["total"] == 1
    assert client.get(url, headers=focal).status_code == 200
    assert client.get(f"{url}/recommendations", headers=focal).status_code == 200
    assert client.post(URL, json={"name": "B"}, headers=focal).status_code == 403
    etag = _etag(client, cluster["id"])
    assert client.patch(url, json={"name": "B"}, headers={**focal, "If-Match": etag}).status_code == 403
    response = client.post(f"{url}/recommendations", json={"ids": rec_ids[:1]}, headers=focal)
    assert response.status_code == 403
    assert _delete(client, cluster["id"], rec_ids[:1], etag, **focal).status_code == 403
    assert _members(engine, cluster["id"]) == set()
    assert _events(engine, "cluster.update") == []


# --- read -------------------------------------------------------------------------------------


def test_get_one_has_etag_lead_and_count(client: TestClient, engine: Engine, rec_ids: list[int]) -> None:
    entity_id = create_entity(engine, "Ministry of Education", acronym=None)
    cluster = _create(client, "Education", lead_entity_id=entity_id)
    added = client.post(f"{URL}/{cluster['id']}/recommendations", json={"ids": rec_ids[:3]})
    assert added.status_code == 200, added.text
    response = client.get(f"{URL}/{cluster['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["lead_entity"] == {"id": entity_id, "name": "Ministry of Education", "acronym": None}
    assert body["recommendation_count"] == 3
    assert response.headers["ETag"] == f'"{body["version"]}"'


def test_unknown_cluster_is_404(client: TestClient, rec_ids: list[int]) -> None:
    assert client.get(f"{URL}/999999").status_code == 404
    assert client.get(f"{URL}/999999/recommendations").status_code == 404
    assert client.patch(f"{URL}/999999", json={"name": "x"}, headers={"If-Match": '"1"'}).status_code == 404
    assert client.post(f"{URL}/999999/recommendations", json={"ids": rec_ids[:1]}).status_code == 404
    assert _delete(client, 999999, rec_ids[:1], '"1"').status_code == 404
    assert client.get(f"{URL}/0").status_code == 422


def test_list_filters_counts_and_pages(client: TestClient, engine: Engine, rec_ids: list[int]) -> None:
    justice = create_entity(engine, "Ministry of Justice")
    names = [
        "Women's rights",
        "Torture",
        "Detention 100%",
        "Children",
        "Éducation",
        "Torture_in_prisons",
        "water",
    ]
    created = {
        name: _create(client, name, lead_entity_id=justice if "Tort" in name else None) for name in names
    }
    client.post(f"{URL}/{created['Torture']['id']}/recommendations", json={"ids": rec_ids[:2]})
    archived = created["Children"]
    client.patch(
        f"{URL}/{archived['id']}",
        json={"archived": True},
        headers={"If-Match": _etag(client, archived["id"])},
    )

    everything = client.get(URL).json()
    # Alphabetical as a reader expects, alike on SQLite and PostgreSQL: accents and case ignored
    # (code points would put "Éducation" last and "water" after "Women's rights").
    alphabetical = ["Detention 100%", "Éducation", "Torture", "Torture_in_prisons", "water", "Women's rights"]
    assert [item["name"] for item in everything["items"]] == alphabetical
    assert everything["total"] == 6 and everything["next_cursor"] is None
    counts = {item["name"]: item["recommendation_count"] for item in everything["items"]}
    assert counts["Torture"] == 2 and counts["Éducation"] == 0

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(URL, params=params).json()
        assert page["total"] == 6
        seen += [item["name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == alphabetical

    assert [i["name"] for i in client.get(URL, params={"q": "TORT"}).json()["items"]] == [
        "Torture",
        "Torture_in_prisons",
    ]
    assert [i["name"] for i in client.get(URL, params={"q": "100%"}).json()["items"]] == ["Detention 100%"]
    assert [i["name"] for i in client.get(URL, params={"q": "e_in"}).json()["items"]] == [
        "Torture_in_prisons"
    ]
    by_lead = client.get(URL, params={"lead_entity_id": justice}).json()
    assert [i["name"] for i in by_lead["items"]] == ["Torture", "Torture_in_prisons"]
    assert by_lead["items"][0]["lead_entity"]["name"] == "Ministry of Justice"
    assert [i["name"] for i in client.get(URL, params={"archived": True}).json()["items"]] == ["Children"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"x": 1}, "x"),
    ],
)
def test_list_refuses_invalid_parameters(client: TestClient, params: dict[str, Any], field: str) -> None:
    response = client.get(URL, params=params)
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]


# --- edit -------------------------------------------------------------------------------------


def test_patch_needs_if_match(client: TestClient, engine: Engine) -> None:
    cluster = _create(client)
    url = f"{URL}/{cluster['id']}"
    response = client.patch(url, json={"name": "Renamed"})
    assert response.status_code == 428
    assert response.json()["errors"][0]["field"] == "If-Match"
    response = client.patch(url, json={"name": "Renamed"}, headers={"If-Match": '"999"'})
    assert response.status_code == 412
    assert client.get(url).json()["name"] == "Torture prevention"
    assert _events(engine, "cluster.update") == []


def test_patch_changes_fields_bumps_etag_and_audits_changes_only(client: TestClient, engine: Engine) -> None:
    justice = create_entity(engine, "Ministry of Justice")
    interior = create_entity(engine, "Ministry of Interior", acronym="MININT")
    cluster = _create(client, description="old", lead_entity_id=justice)
    url = f"{URL}/{cluster['id']}"
    etag = _etag(client, cluster["id"])
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
    assert response.headers["ETag"] == _etag(client, cluster["id"])
    (event,) = _events(engine, "cluster.update", cluster["id"])
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
    cluster = _create(client)
    etag = _etag(client, cluster["id"])
    response = client.patch(
        f"{URL}/{cluster['id']}", json={"name": "Torture prevention"}, headers={"If-Match": etag}
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == etag
    assert _events(engine, "cluster.update") == []


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
    cluster = _create(client)
    response = client.patch(
        f"{URL}/{cluster['id']}", json=body, headers={"If-Match": _etag(client, cluster["id"])}
    )
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


def test_patch_refuses_a_taken_name_and_a_bad_lead(client: TestClient, engine: Engine) -> None:
    _create(client, "Education")
    cluster = _create(client)
    url = f"{URL}/{cluster['id']}"
    etag = _etag(client, cluster["id"])
    response = client.patch(url, json={"name": "education"}, headers={"If-Match": etag})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "name"
    old = create_entity(engine, "Old ministry")
    _archive_entity(engine, old)
    for lead in (old, 424242):
        response = client.patch(url, json={"lead_entity_id": lead}, headers={"If-Match": etag})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "lead_entity_id"
    # Only the case of its own name changes: not a conflict with itself.
    response = client.patch(url, json={"name": "TORTURE PREVENTION"}, headers={"If-Match": etag})
    assert response.status_code == 200
    assert _events(engine, "cluster.update", cluster["id"])[0].after == {"name": "TORTURE PREVENTION"}


def test_archive_and_unarchive(client: TestClient, engine: Engine, rec_ids: list[int]) -> None:
    cluster = _create(client)
    url = f"{URL}/{cluster['id']}"
    response = client.patch(url, json={"archived": True}, headers={"If-Match": _etag(client, cluster["id"])})
    assert response.status_code == 200 and response.json()["archived"] is True
    assert client.get(URL).json()["total"] == 0
    assert client.get(url).status_code == 200  # archived, never deleted
    # An archived cluster's contents are frozen.
    response = client.post(f"{url}/recommendations", json={"ids": rec_ids[:1]})
    assert response.status_code == 409
    assert (
        _delete(
            client, cluster["id"], rec_ids[:1], response.headers.get("ETag") or _etag(client, cluster["id"])
        ).status_code
        == 409
    )
    response = client.patch(url, json={"archived": False}, headers={"If-Match": _etag(client, cluster["id"])})
    assert response.json()["archived"] is False
    assert [e.after for e in _events(engine, "cluster.update", cluster["id"])] == [
        {"archived": True},
        {"archived": False},
    ]


# --- membership ---------------------------------------------------------------------------------


def test_add_recommendations_is_idempotent_bumps_etag_and_audits(
    client: TestClient, engine: Engine, rec_ids: list[int]
) -> None:
    cluster = _create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    etag = _etag(client, cluster["id"])
    response = client.post(url, json={"ids": rec_ids[:3]})
    assert response.status_code == 200, response.text
    assert response.json() == {"added": 3, "unchanged": 0, "recommendation_count": 3}
    assert response.headers["ETag"] != etag
    assert response.headers["ETag"] == _etag(client, cluster["id"])
    etag = response.headers["ETag"]

    response = client.post(url, json={"ids": [rec_ids[2], rec_ids[3]]}, headers={"If-Match": etag})
    assert response.json() == {"added": 1, "unchanged": 1, "recommendation_count": 4}
    etag = response.headers["ETag"]
    response = client.post(url, json={"ids": rec_ids[:2]})
    assert response.json() == {"added": 0, "unchanged": 2, "recommendation_count": 4}
    assert response.headers["ETag"] == etag  # nothing changed: same version
    assert _members(engine, cluster["id"]) == set(rec_ids[:4])

    events = _events(engine, "cluster.recommendations_added", cluster["id"])
    afters = [event.after or {} for event in events]
    assert [after["ids"] for after in afters] == [rec_ids[:3], [rec_ids[3]], []]
    assert afters[1]["unchanged"] == [rec_ids[2]]


def test_add_with_a_stale_if_match_is_412(client: TestClient, engine: Engine, rec_ids: list[int]) -> None:
    cluster = _create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    etag = _etag(client, cluster["id"])
    client.post(url, json={"ids": rec_ids[:1]})
    response = client.post(url, json={"ids": rec_ids[1:2]}, headers={"If-Match": etag})
    assert response.status_code == 412
    assert _members(engine, cluster["id"]) == {rec_ids[0]}


def test_unknown_recommendations_are_listed_and_nothing_is_written(
    client: TestClient, engine: Engine, rec_ids: list[int]
) -> None:
    cluster = _create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    response = client.post(url, json={"ids": [rec_ids[0], 999_998, 999_999]})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "ids", "reason": "unknown recommendation ids: 999998, 999999"}
    ]
    assert _members(engine, cluster["id"]) == set()
    client.post(url, json={"ids": rec_ids[:1]})
    response = _delete(client, cluster["id"], [rec_ids[0], 999_999], _etag(client, cluster["id"]))
    assert response.status_code == 422
    assert "999999" in response.json()["errors"][0]["reason"]
    assert _members(engine, cluster["id"]) == {rec_ids[0]}
    assert len(_events(engine, "cluster.recommendations_added")) == 1
    assert _events(engine, "cluster.recommendations_removed") == []


@pytest.mark.parametrize(
    "body",
    [
        {"ids": []},
        {"ids": [1, 1]},
        {"ids": list(range(1, 1002))},
        {"ids": [0]},
        {"ids": [2**31]},
        {"ids": ["a"]},
        {},
        {"ids": [1], "extra": True},
    ],
)
def test_membership_bodies_are_validated(client: TestClient, body: dict[str, Any]) -> None:
    cluster = _create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    response = client.post(url, json=body)
    assert response.status_code == 422, response.text
    fields = [error["field"] for error in response.json()["errors"]]
    assert any(field.startswith("ids") or field == "extra" for field in fields), fields
    response = client.request("DELETE", url, json=body, headers={"If-Match": _etag(client, cluster["id"])})
    assert response.status_code == 422


def test_a_thousand_ids_in_one_request(client: TestClient, engine: Engine) -> None:
    import_records(engine, [record(f"bulk-{n}") for n in range(1000)])
    ids = sorted(ids_by_external_id(engine).values())
    cluster = _create(client)
    response = client.post(f"{URL}/{cluster['id']}/recommendations", json={"ids": ids})
    assert response.json() == {"added": 1000, "unchanged": 0, "recommendation_count": 1000}
    response = _delete(client, cluster["id"], ids, response.headers["ETag"])
    assert response.json() == {"removed": 1000, "unchanged": 0, "recommendation_count": 0}


def test_remove_needs_if_match_and_counts_absent_ids(
    client: TestClient, engine: Engine, rec_ids: list[int]
) -> None:
    cluster = _create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    etag = client.post(url, json={"ids": rec_ids[:3]}).headers["ETag"]
    response = _delete(client, cluster["id"], rec_ids[:1])
    assert response.status_code == 428
    response = _delete(client, cluster["id"], rec_ids[:1], '"1"')
    assert response.status_code == 412
    assert _members(engine, cluster["id"]) == set(rec_ids[:3])

    response = _delete(client, cluster["id"], [rec_ids[0], rec_ids[4]], etag)
    assert response.status_code == 200, response.text
    assert response.json() == {"removed": 1, "unchanged": 1, "recommendation_count": 2}
    assert response.headers["ETag"] != etag
    assert _members(engine, cluster["id"]) == set(rec_ids[1:3])
    (event,) = _events(engine, "cluster.recommendations_removed", cluster["id"])
    assert event.after == {"ids": [rec_ids[0]], "unchanged": [rec_ids[4]], "recommendation_count": 2}
    assert client.get(f"{URL}/{cluster['id']}").json()["recommendation_count"] == 2


def test_a_recommendation_sits_in_several_clusters(
    client: TestClient, engine: Engine, rec_ids: list[int]
) -> None:
    first = _create(client, "First")
    second = _create(client, "Second")
    for cluster in (first, second):
        response = client.post(f"{URL}/{cluster['id']}/recommendations", json={"ids": rec_ids[:2]})
        assert response.json()["added"] == 2
    assert _members(engine, first["id"]) == _members(engine, second["id"]) == set(rec_ids[:2])
    _delete(client, first["id"], rec_ids[:1], _etag(client, first["id"]))
    assert _members(engine, second["id"]) == set(rec_ids[:2])


def test_member_ids_are_paged(client: TestClient, rec_ids: list[int]) -> None:
    cluster = _create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    client.post(url, json={"ids": list(reversed(rec_ids))})
    seen: list[int] = []
    cursor = None
    while True:
        page = client.get(url, params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        assert page["total"] == 5
        assert all(item["added_at"].endswith(("Z", "+00:00")) for item in page["items"])
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == rec_ids
    assert client.get(url, params={"cursor": "???"}).status_code == 422
    assert client.get(url, params={"limit": 1001}).status_code == 422


def test_two_clients_racing_on_one_etag(client: TestClient, engine: Engine) -> None:
    cluster = _create(client)
    etag = _etag(client, cluster["id"])
    barrier = threading.Barrier(2)

    def rename(name: str) -> int:
        barrier.wait()
        response = client.patch(f"{URL}/{cluster['id']}", json={"name": name}, headers={"If-Match": etag})
        status: int = response.status_code
        return status

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(rename, ["First", "Second"]))
    assert statuses == [200, 412]
    assert len(_events(engine, "cluster.update", cluster["id"])) == 1
    assert client.get(f"{URL}/{cluster['id']}").json()["name"] in {"First", "Second"}


def test_concurrent_adds_of_the_same_ids_queue(
    client: TestClient, engine: Engine, rec_ids: list[int]
) -> None:
    cluster = _create(client)
    barrier = threading.Barrier(2)

    def add(_: int) -> dict[str, Any]:
        barrier.wait()
        response = client.post(f"{URL}/{cluster['id']}/recommendations", json={"ids": rec_ids})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(add, [1, 2]))
    assert sorted(result["added"] for result in results) == [0, 5]
    assert _members(engine, cluster["id"]) == set(rec_ids)
