"""The cluster list (keyset pages, the search) and creating a cluster: the form, its refusals with
what was typed kept, in the page's language, and the audit trail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Cluster
from app.staff import clusters as cluster_pages
from tests.builder import building
from tests.staff.cluster_world import (
    World,
    cluster_row,
    coordinator,
    create,
    world,
)
from tests.staff.conftest import StaffLogin

__all__ = ["world"]  # the fixture


def test_list_shows_name_lead_count_and_publication_with_keyset_pages(
    staff_login: StaffLogin, db: Connection, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with building(db) as build:
        build.cluster("Aa first", published=True)
        build.cluster("Zz last")
    staff = coordinator(staff_login)
    page = staff.get("/staff/clusters")
    assert page.status_code == 200
    assert "Clusters found: 3" in page.text
    row = re.search(
        rf'<tr>\s*<th scope="row"><a href="/staff/clusters/{world.cluster}">Detention</a>.*?</tr>',
        page.text,
        re.S,
    )
    assert row, page.text
    assert "Ministry of Justice (MOJ)" in row.group(0) and ">2<" in row.group(0) and ">No<" in row.group(0)
    monkeypatch.setattr(cluster_pages, "CLUSTERS_PER_PAGE", 2)
    first = staff.get("/staff/clusters")
    assert "Aa first" in first.text and "Detention" in first.text and "Zz last" not in first.text
    next_link = re.search(r'href="([^"]*cursor=[^"]*)" rel="next"', first.text)
    assert next_link
    second = staff.get(next_link.group(1).replace("&amp;", "&"))
    assert "Zz last" in second.text and "Aa first" not in second.text and "First page" in second.text
    filtered = staff.get("/staff/clusters", params={"q": "deten"})
    assert "Clusters found: 1" in filtered.text and "Aa first" not in filtered.text
    tampered = staff.get("/staff/clusters", params={"cursor": "not-a-cursor"})
    assert tampered.status_code == 422 and "There is a problem" in tampered.text


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]*)" rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_previous_page_walks_the_cluster_list_back(
    staff_login: StaffLogin, db: Connection, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The "Previous page" link, as on the recommendation list: from the third page to the second, then the
    first, keeping the search; none on the first page."""
    with building(db) as build:
        build.cluster("Aa first")
        build.cluster("Zz last")
    monkeypatch.setattr(cluster_pages, "CLUSTERS_PER_PAGE", 1)
    staff = coordinator(staff_login)
    pages = [staff.get("/staff/clusters", params={"q": "t"}).text]
    assert _link(pages[0], "prev") is None
    while (forward := _link(pages[-1], "next")) is not None:
        pages.append(staff.get(forward).text)
    assert len(pages) == 3 and "Zz last" in pages[2]
    back = _link(pages[2], "prev")
    assert back is not None and "q=t" in back
    second = staff.get(back).text
    assert "Detention" in second and "Zz last" not in second
    back = _link(second, "prev")
    assert back is not None
    first = staff.get(back).text
    assert "Aa first" in first and _link(first, "prev") is None and "First page" not in first


def test_create_a_cluster(staff_login: StaffLogin, db: Connection, world: World) -> None:
    staff = coordinator(staff_login)
    form = staff.get("/staff/clusters/new")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    assert "Ministry of Education" in form.text
    cluster_id = create(
        staff,
        name="  Torture prevention ",
        description="Custody and complaints.",
        lead_entity_id=world.entity,
    )
    stored = cluster_row(db, cluster_id)
    assert (stored.name, stored.description, stored.lead_entity_id, stored.published) == (
        "Torture prevention",
        "Custody and complaints.",
        world.entity,
        False,
    )
    page = staff.get(f"/staff/clusters/{cluster_id}?done=cluster-created")
    assert "The cluster is created." in page.text
    assert "No recommendation is in this cluster yet." in page.text


@pytest.mark.parametrize(
    ("name", "status", "reason"),
    [
        ("   ", 422, "This is required."),
        ("x" * 256, 422, "at most 255 characters"),
        ("DETENTION", 409, "already used by another cluster: Detention"),
        ("détention", 409, "already used by another cluster: Detention"),  # accents aside
    ],
)
def test_create_refused_shows_the_form_again_with_what_was_typed(
    staff_login: StaffLogin, db: Connection, world: World, name: str, status: int, reason: str
) -> None:
    staff = coordinator(staff_login)
    response = staff.post(
        "/staff/clusters",
        {"name": name, "description": "Kept <b>as typed</b>", "lead_entity_id": str(world.other_entity)},
    )
    assert response.status_code == status
    assert "There is a problem" in response.text
    assert re.search(r'<a href="#field-name">Name: [^<]*' + re.escape(reason), response.text)
    assert "Kept &lt;b&gt;as typed&lt;/b&gt;</textarea>" in response.text
    assert f'<option value="{world.other_entity}" selected>' in response.text
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(Cluster)) == 1


def test_a_taken_name_and_an_unknown_lead_are_named_at_once(staff_login: StaffLogin, world: World) -> None:
    staff = coordinator(staff_login)
    response = staff.post("/staff/clusters", {"name": "détention", "lead_entity_id": "999999"})
    assert response.status_code == 409
    assert '<a href="#field-name">Name: already used by another cluster: Detention' in response.text
    assert '<a href="#field-lead_entity_id">Lead entity: entity 999999 does not exist' in response.text
    assert 'value="détention"' in response.text


def test_create_with_an_unknown_lead_entity_names_the_field(staff_login: StaffLogin, world: World) -> None:
    staff = coordinator(staff_login)
    response = staff.post("/staff/clusters", {"name": "Orphan", "lead_entity_id": "999999"})
    assert response.status_code == 422
    assert '<a href="#field-lead_entity_id">Lead entity: entity 999999 does not exist' in response.text
    assert 'value="Orphan"' in response.text


@pytest.mark.parametrize(
    ("name", "lead", "field", "reason"),
    [
        ("DETENTION", None, "name", "Nombre: ya lo usa otro grupo"),  # a service's fixed reason
        ("x" * 256, None, "name", "Nombre: Escriba como máximo 255 caracteres."),  # pydantic's limit
        ("Orphan", "999999", "lead_entity_id", ": la entidad 999999 no existe"),  # a reason with a value
    ],
)
def test_a_refusal_reads_in_the_page_s_language(
    staff_login: StaffLogin, world: World, name: str, lead: str | None, field: str, reason: str
) -> None:
    staff = coordinator(staff_login)
    form = {"name": name, **({"lead_entity_id": lead} if lead else {})}
    response = staff.post("/staff/clusters?lang=es", form)
    assert response.status_code in (409, 422)
    assert re.search(f'<a href="#field-{field}">[^<]*' + re.escape(reason), response.text)
    assert "already used" not in response.text and "at most" not in response.text


def test_audit_records_the_page_edits_as_the_api_does(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = coordinator(staff_login)
    cluster_id = create(staff, name="Audited")
    with Session(db) as session:
        actions = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "cluster", AuditEvent.object_id == cluster_id
            )
        ).all()
    assert list(actions) == ["cluster.create"]
