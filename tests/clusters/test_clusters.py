"""/api/v1/clusters: staff read, managers create them; every write audited (editing and archiving:
test_cluster_edit.py)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts import create_entity
from tests.clusters.api import (
    URL,
    Headers,
    archive_entity,
    audit_events,
    create,
    delete_members,
    member_ids,
    read_etag,
)

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
    events = audit_events(engine, "cluster.create", body["id"])
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
    assert audit_events(engine, "cluster.create") == []


def test_create_refuses_an_unknown_or_archived_lead_entity(client: TestClient, engine: Engine) -> None:
    response = client.post(URL, json={"name": "A", "lead_entity_id": 999_999})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "lead_entity_id", "reason": "entity 999999 does not exist"}
    ]
    archived = create_entity(engine, "Old ministry")
    archive_entity(engine, archived)
    response = client.post(URL, json={"name": "A", "lead_entity_id": archived})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lead_entity_id"
    assert response.json()["errors"][0]["reason"] == "Old ministry is archived"  # by its name, not its id
    assert client.get(URL).json()["total"] == 0


def test_create_refuses_a_taken_name_whatever_its_case(client: TestClient, engine: Engine) -> None:
    create(client, "Torture prevention")
    response = client.post(URL, json={"name": "TORTURE prevention"})
    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"field": "name", "reason": "already used by another cluster: Torture prevention"}
    ]
    assert len(audit_events(engine, "cluster.create")) == 1


def test_a_taken_name_and_an_archived_lead_are_named_at_once(client: TestClient, engine: Engine) -> None:
    """Not one per attempt: still 409 (the name is taken), the archived lead named beside it."""
    taken = create(client, "Torture prevention")
    archived = create_entity(engine, "Old ministry")
    archive_entity(engine, archived)
    body = {"name": "torture prevention", "lead_entity_id": archived}
    response = client.post(URL, json=body)
    assert response.status_code == 409
    assert [error["field"] for error in response.json()["errors"]] == ["name", "lead_entity_id"]
    other = create(client, "Detention")
    renamed = client.patch(f"{URL}/{other['id']}", json=body, headers={"If-Match": '"1"'})
    assert renamed.status_code == 409
    assert [error["field"] for error in renamed.json()["errors"]] == ["name", "lead_entity_id"]
    assert client.get(f"{URL}/{taken['id']}").json()["name"] == "Torture prevention"


def test_names_in_other_scripts_are_compared_and_searched_whatever_their_case(
    client: TestClient, engine: Engine
) -> None:
    # SQLite's own lower() folds ASCII letters only: "ÉDUCATION" was a new name there (not on
    # PostgreSQL), the same name twice a 409 naming no field, and "образ" found no "Образование".
    create(client, "Éducation pour tous")
    create(client, "Образование")
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
    renamed = create(client, "Educación")
    refused = client.patch(
        f"{URL}/{renamed['id']}", json={"name": "EDUCATION POUR TOUS"}, headers={"If-Match": '"1"'}
    )
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["reason"] == "already used by another cluster: Éducation pour tous"
    for q, name in (("образ", "Образование"), ("ÉDUCATION", "Éducation pour tous")):
        assert [item["name"] for item in client.get(URL, params={"q": q}).json()["items"]] == [name]
    assert len(audit_events(engine, "cluster.create")) == 3
    # Searched accents aside too, as they are compared: "educacion" typed without its accent.
    for q, names in (("educacion", ["Educación"]), ("ÉDUCATION", ["Éducation pour tous"]), ("duc", None)):
        found = [item["name"] for item in client.get(URL, params={"q": q}).json()["items"]]
        assert found == (names or ["Educación", "Éducation pour tous"]), q


def test_a_typographic_apostrophe_is_the_one_typed(client: TestClient, engine: Engine) -> None:
    """French and Italian names hold apostrophes, which a word processor writes U+2019 and a keyboard
    "'": "Accès à l'éducation" typed beside the same name pasted from a decree made two clusters
    nobody could tell apart, and searching "l'education" found neither of the other kind."""
    pasted = "Accès à l\u2019éducation"
    create(client, pasted)
    response = client.post(URL, json={"name": "Acces a l'education"})
    assert response.status_code == 409, response.text
    assert response.json()["errors"][0]["reason"] == f"already used by another cluster: {pasted}"
    for q in ("l'education", "l\u2019éducation", "L`EDUCATION"):
        assert [item["name"] for item in client.get(URL, params={"q": q}).json()["items"]] == [pasted], q
    assert len(audit_events(engine, "cluster.create")) == 1


def test_invisible_characters_pasted_with_a_name_make_no_other_name(
    client: TestClient, engine: Engine
) -> None:
    """A name pasted from a web page, a CSV saved with its byte order mark or a right-to-left text
    carries characters nobody sees (a zero-width space, U+FEFF, a direction mark): "Educación rural"
    so pasted was a second cluster that read exactly as the first, and searching it found neither."""
    create(client, "Educación rural")
    for pasted in (
        "Educación rural\u200b",
        "\ufeffEducación rural",
        "Educación\u200e rural",
        "Educa\u00adción rural",
    ):
        response = client.post(URL, json={"name": pasted})
        assert response.status_code == 409, repr(pasted)
        assert response.json()["errors"][0]["reason"] == "already used by another cluster: Educación rural"
    found = client.get(URL, params={"q": "\ufeffeducacion\u200b rural"}).json()["items"]
    assert [item["name"] for item in found] == ["Educación rural"]
    assert len(audit_events(engine, "cluster.create")) == 1


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
    cluster = create(client)
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
    assert delete_members(client, cluster["id"], rec_ids[:1], '"1"', **reader).status_code == 403
    assert len(audit_events(engine, "authz.denied")) == 7
    assert client.get(url).json()["name"] == "Torture prevention"


def test_focal_point_reads_but_cannot_write(
    client: TestClient, engine: Engine, headers_for: Headers, rec_ids: list[int]
) -> None:
    entity_id = create_entity(engine, "Ministry of Justice")
    cluster = create(client, lead_entity_id=entity_id)
    focal = headers_for("focal_point", entity_id)  # even the lead entity's focal point
    url = f"{URL}/{cluster['id']}"
    assert client.get(URL, headers=focal).json()["total"] == 1
    assert client.get(url, headers=focal).status_code == 200
    assert client.get(f"{url}/recommendations", headers=focal).status_code == 200
    assert client.post(URL, json={"name": "B"}, headers=focal).status_code == 403
    etag = read_etag(client, cluster["id"])
    assert client.patch(url, json={"name": "B"}, headers={**focal, "If-Match": etag}).status_code == 403
    response = client.post(f"{url}/recommendations", json={"ids": rec_ids[:1]}, headers=focal)
    assert response.status_code == 403
    assert delete_members(client, cluster["id"], rec_ids[:1], etag, **focal).status_code == 403
    assert member_ids(engine, cluster["id"]) == set()
    assert audit_events(engine, "cluster.update") == []


# --- read -------------------------------------------------------------------------------------


def test_get_one_has_etag_lead_and_count(client: TestClient, engine: Engine, rec_ids: list[int]) -> None:
    entity_id = create_entity(engine, "Ministry of Education", acronym=None)
    cluster = create(client, "Education", lead_entity_id=entity_id)
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
    assert delete_members(client, 999999, rec_ids[:1], '"1"').status_code == 404
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
        name: create(client, name, lead_entity_id=justice if "Tort" in name else None) for name in names
    }
    client.post(f"{URL}/{created['Torture']['id']}/recommendations", json={"ids": rec_ids[:2]})
    archived = created["Children"]
    client.patch(
        f"{URL}/{archived['id']}",
        json={"archived": True},
        headers={"If-Match": read_etag(client, archived["id"])},
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
