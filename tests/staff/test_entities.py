"""Entities in the staff workspace (coordinators and admins, like the API's writes): the list and its
filters, creating, editing and archiving through app/entities/service.py."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from app.models import Entity
from tests import accounts
from tests.staff.conftest import StaffLogin
from tests.staff.recommendation_world import etag_of
from tests.staff.route_table import check_object_routes

ROUTES = """
GET    /staff/entities                 200 200 403 403 303
GET    /staff/entities/new             200 200 403 403 303
POST   /staff/entities                 422 422 403 403 303
GET    /staff/entities/{id}            200 200 403 403 303
POST   /staff/entities/{id}            422 422 403 403 303
POST   /staff/entities/{id}/archive    428 428 403 403 303
"""


def _entity(db: Connection, entity_id: int) -> Any:
    return db.execute(select(Entity.__table__).where(Entity.id == entity_id)).one()


@pytest.mark.parametrize("role", ["admin", "coord", "fp", "reader", "anon"])
def test_an_entity_page_answers_each_role_as_listed(
    role: str, staff_login: StaffLogin, db: Connection
) -> None:
    entity = accounts.create_entity(db, "Ministry of roles")
    assert check_object_routes(ROUTES, role, entity, staff_login, entity) == []
    assert _entity(db, entity).archived is False


def test_the_list_filters_and_pages(staff_login: StaffLogin, db: Connection) -> None:
    accounts.create_entity(db, "Ministry of Water", acronym="MOW")
    accounts.create_entity(db, "Water Agency", kind="agency")
    accounts.create_entity(db, "Parliament of Water", kind="parliament")
    coordinator = staff_login("coordinator")
    agencies = coordinator.get("/staff/entities", params={"kind": "agency", "q": "water"}).text
    assert "Water Agency" in agencies and "Ministry of Water" not in agencies
    # A kind in capitals is read as the API reads it, and shown chosen in the filter.
    shouted = coordinator.get("/staff/entities", params={"kind": " AGENCY", "q": "water"}).text
    assert "Water Agency" in shouted and "Ministry of Water" not in shouted
    assert '<option value="agency" selected>' in shouted
    assert "MOW" in coordinator.get("/staff/entities?q=mow").text
    accounts.create_entity(db, "Ministerio de Educación", kind="ministry")
    assert "Ministerio de Educación" in coordinator.get("/staff/entities?q=Ministerio de Educacion").text
    first = coordinator.get("/staff/entities?q=water&limit=2").text
    assert "Ministry of Water" in first and "Parliament of Water" in first and "Water Agency" not in first
    next_link = re.search(r'href="([^"]+)" rel="next"', first)
    assert next_link
    second = coordinator.get(next_link.group(1).replace("&amp;", "&")).text
    assert "Water Agency" in second and "Ministry of Water" not in second
    assert coordinator.get("/staff/entities?kind=planet").status_code == 422


def test_creating_an_entity(staff_login: StaffLogin, db: Connection) -> None:
    coordinator = staff_login("coordinator")
    form = {
        "name": "Ministry of Roads",
        "acronym": "MOR",
        "kind": "ministry",
        "contact_name": "Rhoda Lane",
        "contact_email": "rhoda@example.org",
        "contact_phone": "",
    }
    response = coordinator.post("/staff/entities", form)
    assert response.status_code == 303
    entity_id = int(response.headers["location"].split("/")[-1].split("?")[0])
    entity = _entity(db, entity_id)
    assert (entity.name, entity.acronym, entity.contact_email, entity.contact_phone) == (
        "Ministry of Roads",
        "MOR",
        "rhoda@example.org",
        None,
    )
    assert "The entity is created" in coordinator.get(response.headers["location"]).text


@pytest.mark.parametrize(
    ("changes", "field", "status"),
    [
        ({"name": ""}, "name", 422),
        ({"kind": ""}, "kind", 422),
        ({"contact_email": "nobody"}, "contact_email", 422),
        ({"name": "ministry of TAKEN"}, "name", 409),
    ],
)
def test_a_refused_entity_names_the_field_and_keeps_what_was_typed(
    changes: dict[str, str], field: str, status: int, staff_login: StaffLogin, db: Connection
) -> None:
    accounts.create_entity(db, "Ministry of Taken")
    coordinator = staff_login("coordinator")
    before = db.scalar(select(func.count()).select_from(Entity))
    form = {"name": "Ministry of Typing", "acronym": "MOT", "kind": "ministry", **changes}
    response = coordinator.post("/staff/entities", form)
    assert response.status_code == status
    assert f'href="#field-{field}"' in response.text and 'value="MOT"' in response.text
    assert db.scalar(select(func.count()).select_from(Entity)) == before


def test_editing_and_archiving_with_theetag_of(staff_login: StaffLogin, db: Connection) -> None:
    entity_id = accounts.create_entity(db, "Ministry of Edits")
    accounts.create_entity(db, "Ministry of Others")
    admin = staff_login("admin")
    etag = etag_of(admin.get(f"/staff/entities/{entity_id}").text)
    form = {"name": "Ministry of Edits", "acronym": "MOE", "kind": "agency", "contact_name": "", "etag": etag}
    assert admin.post(f"/staff/entities/{entity_id}", form).status_code == 303
    assert (_entity(db, entity_id).acronym, _entity(db, entity_id).kind) == ("MOE", "agency")
    clash = admin.post(f"/staff/entities/{entity_id}", {**form, "name": "Ministry of Others"})
    assert clash.status_code == 412  # the version shown was replaced by the save above
    etag = etag_of(admin.get(f"/staff/entities/{entity_id}").text)
    clash = admin.post(f"/staff/entities/{entity_id}", {**form, "name": "Ministry of Others", "etag": etag})
    assert clash.status_code == 409 and 'value="Ministry of Others"' in clash.text
    no_csrf = admin.post(f"/staff/entities/{entity_id}/archive", {"archived": "true", "etag": etag}, csrf="")
    assert no_csrf.status_code == 403 and _entity(db, entity_id).archived is False
    archived = admin.post(f"/staff/entities/{entity_id}/archive", {"archived": "true", "etag": etag})
    assert archived.status_code == 303 and _entity(db, entity_id).archived is True
    assert "Ministry of Edits" not in admin.get("/staff/entities").text
    assert "Ministry of Edits" in admin.get("/staff/entities?archived=true").text
    stale = admin.post(f"/staff/entities/{entity_id}/archive", {"archived": "false", "etag": etag})
    assert stale.status_code == 412 and _entity(db, entity_id).archived is True
    assert admin.get("/staff/entities/999999").status_code == 404


@pytest.mark.parametrize(
    ("lang", "reasons"),
    [
        ("en", ["Write at most 255 characters", "Write at most 32 characters", "not an email address"]),
        ("fr", ["Écrivez au plus 255 caractères", "Écrivez au plus 32 caractères", "pas une adresse"]),
        ("es", ["Escriba como máximo 255 caracteres", "Escriba como máximo 32", "Esto no es un correo"]),
    ],
)
def test_a_too_long_name_or_a_wrong_email_is_refused_in_the_page_language(
    lang: str, reasons: list[str], staff_login: StaffLogin, db: Connection
) -> None:
    """A length and an email address were refused in pydantic's English on every page."""
    form = {"name": "M" * 256, "acronym": "A" * 33, "kind": "ministry", "contact_email": "dh.example.org"}
    response = staff_login("coordinator").post(f"/staff/entities?lang={lang}", form)
    assert response.status_code == 422
    summary = html.unescape(response.text.split('class="error-summary"')[1].split("</div>")[0])
    assert all(reason in summary for reason in reasons), summary
    # Each field's label, then the page's colon (a space before it in French), then the reason.
    assert (" : " if lang == "fr" else ": ") + reasons[0] in summary, summary
    assert "String should" not in summary and "valid email" not in summary
    assert db.scalar(select(func.count()).select_from(Entity)) == 0


def test_the_conflict_page_names_the_fields_and_values_as_the_form_does(
    staff_login: StaffLogin, db: Connection
) -> None:
    """It listed 'contact_name', 'kind agency' and, after Archive, 'archived true' as typed."""
    entity_id = accounts.create_entity(db, "Ministry of Clashes")
    admin = staff_login("admin")
    etag = etag_of(admin.get(f"/staff/entities/{entity_id}").text)
    form = {
        "name": "Ministry of Clashes",
        "acronym": "MOC",
        "kind": "agency",
        "contact_name": "",
        "etag": etag,
    }
    assert admin.post(f"/staff/entities/{entity_id}", form).status_code == 303
    stale = admin.post(f"/staff/entities/{entity_id}?lang=es", {**form, "contact_name": "Rosa"})
    assert stale.status_code == 412
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", stale.text))
    assert "Sigla" in text and "Tipo Agencia" in text and "Persona de contacto Rosa" in text, text
    assert "contact_name" not in text and "agency" not in text
    button = admin.post(f"/staff/entities/{entity_id}/archive", {"archived": "true", "etag": etag})
    assert button.status_code == 412 and "What you typed" not in button.text
    assert _entity(db, entity_id).archived is False


def test_the_archive_button_says_what_it_does(staff_login: StaffLogin, db: Connection) -> None:
    """The button was labelled with the section's noun, "Archive", which French and Spanish translate
    as "Archivage" and "Archivo" (a file): a button that read as a heading, or as a link to a file. It
    now says what it does, as a cluster's does ("Archive this cluster")."""
    entity_id = accounts.create_entity(db, "Ministry of Archives")
    page = staff_login("admin").get(f"/staff/entities/{entity_id}").text
    form = page.split(f'action="/staff/entities/{entity_id}/archive"')[1].split("</form>")[0]
    assert re.search(r'<button type="submit"[^>]*>Archive this entity</button>', form), form


def test_an_empty_list_says_there_is_none_yet_rather_than_none_matching(
    staff_login: StaffLogin, db: Connection
) -> None:
    """On a new instance, the first page an administrator opens said "No entity matches these filters."
    though none was set: it now says there is none yet, and how to add one; a filter that finds none
    still says so."""
    admin = staff_login("admin")
    empty = admin.get("/staff/entities").text
    assert "No entity yet" in empty and "matches these filters" not in empty
    accounts.create_entity(db, "Ministry of Health")
    assert "No entity matches these filters." in admin.get("/staff/entities?q=justice").text
    assert "No entity matches these filters." in admin.get("/staff/entities?archived=true").text


def test_a_coordinator_is_not_led_to_the_users_list_they_may_not_open(
    staff_login: StaffLogin, db: Connection
) -> None:
    """An entity's page offered a coordinator "Users of this entity", a link to a list only admins may
    open: it led to a 403 page. The link is shown to admins only; its history stays for both."""
    entity_id = accounts.create_entity(db, "Ministry of Links")
    users = f'href="/staff/users?entity_id={entity_id}"'
    history = f'href="/staff/audit?object_type=entity&amp;object_id={entity_id}"'
    coordinator = staff_login("coordinator")
    page = coordinator.get(f"/staff/entities/{entity_id}").text
    assert users not in page and history in page
    assert coordinator.get(f"/staff/users?entity_id={entity_id}").status_code == 403
    page = staff_login("admin").get(f"/staff/entities/{entity_id}").text
    assert users in page and history in page
