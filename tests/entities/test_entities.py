"""/api/v1/entities: staff read, managers create, edit and archive; every write audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.models import AuditEvent
from tests.accounts import create_entity

Headers = Callable[..., dict[str, str]]


def _events(engine: Engine, action: str, object_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    with Session(engine) as session:
        return list(session.scalars(query))


def _create(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/entities", json={"kind": "ministry", **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_coordinator_creates_an_entity_with_etag_location_and_audit(
    client: TestClient, engine: Engine
) -> None:
    response = client.post(
        "/api/v1/entities",
        json={
            "name": "  Ministry of Justice ",
            "acronym": "MINJUS",
            "kind": "ministry",
            "contact_name": "Ana Pérez",
            "contact_email": "ana@minjus.example.org",
            "contact_phone": "+51 1 000 0000",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Ministry of Justice"
    assert body["archived"] is False and body["archived_at"] is None
    assert response.headers["ETag"] == '"1"' and body["version"] == 1
    assert response.headers["Location"] == f"/api/v1/entities/{body['id']}"
    events = _events(engine, "entity.create", body["id"])
    assert len(events) == 1
    assert events[0].after is not None and events[0].after["name"] == "Ministry of Justice"
    assert events[0].actor_role == "coordinator"


def test_duplicate_name_is_409_whatever_the_case(client: TestClient, engine: Engine) -> None:
    _create(client, name="Ministry of Health")
    response = client.post("/api/v1/entities", json={"name": "MINISTRY OF HEALTH", "kind": "agency"})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "name"
    assert len(_events(engine, "entity.create")) == 1


def test_a_name_that_only_looks_different_is_a_duplicate(client: TestClient, engine: Engine) -> None:
    """ "Ministère de la Santé" typed with a combining accent (as macOS and some PDFs give it) or with
    two spaces made a second ministry that every page showed exactly as the first (a browser draws
    both alike); its name is now stored composed (NFC) with single spaces, and compared so."""
    created = _create(client, name="Ministère  de la\tSanté ")
    assert created["name"] == "Ministère de la Santé"
    for twin in ("Ministe\u0300re de la Sante\u0301", "MINISTÈRE DE LA  SANTÉ", "ministère de la santé"):
        response = client.post("/api/v1/entities", json={"name": twin, "kind": "ministry"})
        assert response.status_code == 409, (twin, response.text)
        assert response.json()["errors"][0]["field"] == "name"
    other = _create(client, name="Ministerio de Salud")
    renamed = client.patch(
        f"/api/v1/entities/{other['id']}",
        json={"name": "Ministe\u0300re de la Sante\u0301"},
        headers={"If-Match": '"1"'},
    )
    assert renamed.status_code == 409, renamed.text
    assert len(_events(engine, "entity.create")) == 2
    # A name stored before the rule, decomposed and with two spaces, is a duplicate too.
    create_entity(engine, "Defensori\u0301a  del Pueblo", kind="nhri")
    stored_before = client.post("/api/v1/entities", json={"name": "Defensoría del Pueblo", "kind": "nhri"})
    assert stored_before.status_code == 409, stored_before.text


def test_a_name_written_without_its_accents_is_a_duplicate(client: TestClient, engine: Engine) -> None:
    """French and Spanish often write capitals without their accents ("MINISTERE DE L'ECONOMIE"), and
    a form typed in a hurry drops them: "Ministère de l'Économie" and "ministere de l'economie" made two
    ministries nobody could tell apart in a list, as clusters already are not. The refusal names the
    entity that holds the name, which the one typed only resembles."""
    _create(client, name="Ministère de l'Économie")
    _create(client, name="Ministerio de Educación")
    for twin in ("MINISTERE DE L'ECONOMIE", "ministere de l'economie", "Ministerio de Educacion"):
        response = client.post("/api/v1/entities", json={"name": twin, "kind": "ministry"})
        assert response.status_code == 409, (twin, response.text)
        error = response.json()["errors"][0]
        assert error["field"] == "name"
        assert error["reason"].startswith("already used by another entity: Minis"), error
    assert len(_events(engine, "entity.create")) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "kind": "ministery"}, "kind"),
        ({"name": "   ", "kind": "ministry"}, "name"),
        ({"kind": "ministry"}, "name"),
        ({"name": "X" * 256, "kind": "ministry"}, "name"),
        ({"name": "X", "kind": "ministry", "acronym": "A" * 33}, "acronym"),
        ({"name": "X", "kind": "ministry", "contact_email": "not an email"}, "contact_email"),
        ({"name": "X", "kind": "ministry", "archived": True}, "archived"),
        ({"name": "X", "kind": "ministry", "id": 5}, "id"),
    ],
)
def test_invalid_bodies_are_422_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = client.post("/api/v1/entities", json=body)
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]


def test_get_one_with_etag_and_404(client: TestClient, engine: Engine) -> None:
    entity_id = create_entity(engine, "Congress", kind="parliament", acronym="CR")
    response = client.get(f"/api/v1/entities/{entity_id}")
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert response.json()["kind"] == "parliament" and response.json()["acronym"] == "CR"
    assert client.get(f"/api/v1/entities/{entity_id + 1000}").status_code == 404


def test_list_in_name_order_with_filters_and_keyset_pages(client: TestClient, engine: Engine) -> None:
    for name, kind, acronym in [
        ("Delta Agency", "agency", "DA"),
        ("Ministère de l'Économie", "ministry", "ME"),
        ("Alpha Ministry", "ministry", "AM"),
        ("Charlie Ministry", "ministry", "CM"),
        ("bravo Court", "judiciary", "BC"),
        ("Ministry of Water", "ministry", "MW"),
    ]:
        create_entity(engine, name, kind=kind, acronym=acronym)
    # Alphabetical as a reader expects, alike on SQLite and PostgreSQL, page after page: case and
    # accents ignored (code points would put "bravo Court" and "Ministère" last).
    first = client.get("/api/v1/entities", params={"limit": 3}).json()
    assert [e["name"] for e in first["items"]] == ["Alpha Ministry", "bravo Court", "Charlie Ministry"]
    assert first["total"] == 6 and first["next_cursor"]
    second = client.get("/api/v1/entities", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [e["name"] for e in second["items"]] == [
        "Delta Agency",
        "Ministère de l'Économie",
        "Ministry of Water",
    ]
    assert second["next_cursor"] is None
    kinds = client.get("/api/v1/entities", params={"kind": "ministry"}).json()
    assert [e["name"] for e in kinds["items"]] == [
        "Alpha Ministry",
        "Charlie Ministry",
        "Ministère de l'Économie",
        "Ministry of Water",
    ]
    assert kinds["total"] == 4
    by_acronym = client.get("/api/v1/entities", params={"q": "bc"}).json()
    assert [e["name"] for e in by_acronym["items"]] == ["bravo Court"]
    by_name = client.get("/api/v1/entities", params={"q": "MINISTRY"}).json()
    assert by_name["total"] == 3
    assert client.get("/api/v1/entities", params={"q": "%"}).json()["total"] == 0
    # Accents and case aside, as the recommendations' and clusters' searches ("economie", "ÉCONOMIE").
    for q in ("economie", "ÉCONOMIE", "Économie", "l'economie"):
        found = client.get("/api/v1/entities", params={"q": q}).json()
        assert [e["name"] for e in found["items"]] == ["Ministère de l'Économie"], q
    bad = client.get("/api/v1/entities", params={"cursor": "garbage"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"
    assert client.get("/api/v1/entities", params={"kind": "club"}).status_code == 422


def test_patch_changes_fields_needs_if_match_and_audits(client: TestClient, engine: Engine) -> None:
    entity_id = create_entity(engine, "Ministry of Labour", acronym="MTPE")
    url = f"/api/v1/entities/{entity_id}"
    missing = client.patch(url, json={"acronym": "ML"})
    assert missing.status_code == 428
    stale = client.patch(url, json={"acronym": "ML"}, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    assert client.get(url).json()["acronym"] == "MTPE"
    response = client.patch(
        url, json={"acronym": "ML", "contact_email": "info@ml.example.org"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"2"'
    assert response.json()["acronym"] == "ML"
    (event,) = _events(engine, "entity.update", entity_id)
    assert event.before == {"acronym": "MTPE", "contact_email": None}
    assert event.after == {"acronym": "ML", "contact_email": "info@ml.example.org"}
    again = client.patch(url, json={"acronym": "MX"}, headers={"If-Match": '"1"'})
    assert again.status_code == 412
    cleared = client.patch(url, json={"acronym": None}, headers={"If-Match": '"2"'})
    assert cleared.status_code == 200 and cleared.json()["acronym"] is None


def test_patch_validation_conflict_and_404(client: TestClient, engine: Engine) -> None:
    create_entity(engine, "Ombudsman")
    entity_id = create_entity(engine, "Statistics Institute", kind="statistics_office")
    url = f"/api/v1/entities/{entity_id}"
    taken = client.patch(url, json={"name": "ombudsman"}, headers={"If-Match": '"1"'})
    assert taken.status_code == 409 and taken.json()["errors"][0]["field"] == "name"
    for body, field in [({"name": None}, "name"), ({"kind": "x"}, "kind"), ({"version": 3}, "version")]:
        response = client.patch(url, json=body, headers={"If-Match": '"1"'})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == field
    assert client.patch("/api/v1/entities/99999", json={}, headers={"If-Match": '"1"'}).status_code == 404
    # Renaming to its own name in another case is no clash with itself.
    same = client.patch(url, json={"name": "STATISTICS INSTITUTE"}, headers={"If-Match": '"1"'})
    assert same.status_code == 200
    assert _events(engine, "entity.update", entity_id)[0].after == {"name": "STATISTICS INSTITUTE"}


def test_archive_keeps_the_entity_and_hides_it_from_the_default_list(
    client: TestClient, engine: Engine
) -> None:
    entity_id = create_entity(engine, "Old Commission", kind="agency")
    url = f"/api/v1/entities/{entity_id}"
    archived = client.patch(url, json={"archived": True}, headers={"If-Match": '"1"'})
    assert archived.status_code == 200
    assert archived.json()["archived"] is True and archived.json()["archived_at"] is not None
    assert client.get("/api/v1/entities").json()["total"] == 0
    assert [e["id"] for e in client.get("/api/v1/entities", params={"archived": True}).json()["items"]] == [
        entity_id
    ]
    assert client.get(url).status_code == 200
    (event,) = _events(engine, "entity.update", entity_id)
    assert event.before == {"archived": False} and event.after == {"archived": True}
    restored = client.patch(url, json={"archived": False}, headers={"If-Match": '"2"'})
    assert restored.json()["archived"] is False and restored.json()["archived_at"] is None
    # No DELETE: archive instead.
    assert client.delete(url).status_code == 405


def test_a_patch_that_changes_nothing_writes_nothing(client: TestClient, engine: Engine) -> None:
    entity_id = create_entity(engine, "Judiciary", kind="judiciary")
    response = client.patch(
        f"/api/v1/entities/{entity_id}", json={"kind": "judiciary"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    assert _events(engine, "entity.update", entity_id) == []


def test_roles(anonymous_client: TestClient, engine: Engine, headers_for: Headers) -> None:
    own = create_entity(engine, "Own Ministry")
    focal = headers_for("focal_point", own)
    reader = headers_for("reader")
    admin = headers_for("admin")
    url = f"/api/v1/entities/{own}"
    assert anonymous_client.get("/api/v1/entities", headers=focal).status_code == 200
    assert anonymous_client.get(url, headers=focal).status_code == 200
    assert anonymous_client.get("/api/v1/entities", headers=reader).status_code == 403
    assert anonymous_client.get(url, headers=reader).status_code == 403
    assert anonymous_client.get("/api/v1/entities").status_code == 401
    body = {"name": "New", "kind": "agency"}
    assert anonymous_client.post("/api/v1/entities", json=body, headers=focal).status_code == 403
    assert anonymous_client.post("/api/v1/entities", json=body, headers=reader).status_code == 403
    patch = anonymous_client.patch(url, json={"acronym": "O"}, headers={**focal, "If-Match": '"1"'})
    assert patch.status_code == 403
    assert len(_events(engine, "authz.denied")) == 5
    assert anonymous_client.post("/api/v1/entities", json=body, headers=admin).status_code == 201
