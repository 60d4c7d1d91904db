"""Who may open the cluster pages (the ROUTES table, each role), what a focal point and a reader
see, the CSRF token on every form and post, and the not-found page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app.models import Cluster
from tests.staff.cluster_world import (
    World,
    audit_count,
    cluster_row,
    coordinator,
    etag,
    members_of,
    world,
)
from tests.staff.conftest import StaffLogin

__all__ = ["world"]  # the fixture


ROUTES = """
GET    /staff/clusters                              200 200 200 403 303
GET    /staff/clusters/new                          200 200 403 403 303
POST   /staff/clusters                              422 422 403 403 303
GET    /staff/clusters/{id}                         200 200 200 403 303
POST   /staff/clusters/{id}                         422 422 403 403 303
POST   /staff/clusters/{id}/publish                 422 422 403 403 303
POST   /staff/clusters/{id}/archive                 422 422 403 403 303
POST   /staff/clusters/{id}/recommendations/add     422 422 403 403 303
POST   /staff/clusters/{id}/recommendations/remove  422 422 403 403 303
GET    /staff/clusters/{id}/add                     200 200 403 403 303
GET    /staff/clusters/{id}/suggestions             200 200 200 403 303
"""


ROLES = {"admin": "admin", "coord": "coordinator", "fp": "focal_point", "reader": "reader"}


@pytest.mark.parametrize("column", ["admin", "coord", "fp", "reader", "anon"])
def test_pages_of_one_cluster_answer_each_role_as_listed(
    column: str, staff_login: StaffLogin, db: Connection, world: World
) -> None:
    """The matrix test leaves {id} routes to their area: here they are, with a real cluster. A bare
    POST (the CSRF token only) is refused by the roles marked 403 and changes nothing."""
    staff = staff_login(ROLES.get(column, "reader"), entity_id=world.entity)
    if column == "anon":
        staff.client.cookies.clear()
    before = (cluster_row(db, world.cluster).version, members_of(db, world.cluster), audit_count(db))
    failures = []
    for line in ROUTES.strip().splitlines():
        method, template, *codes = line.split()
        if "{id}" not in template:
            continue
        expected = int(codes[["admin", "coord", "fp", "reader", "anon"].index(column)])
        path = template.replace("{id}", str(world.cluster))
        response = staff.get(path) if method == "GET" else staff.post(path, {})
        if response.status_code != expected:
            failures.append(f"{method} {template}: {response.status_code}, expected {expected}")
    assert failures == []
    after = (cluster_row(db, world.cluster).version, members_of(db, world.cluster), audit_count(db))
    assert after == before


def test_reader_has_no_clusters_in_the_menu_and_gets_the_refusal_page(
    staff_login: StaffLogin, world: World
) -> None:
    reader = staff_login("reader")
    home = reader.get("/staff/")
    assert 'href="/staff/clusters"' not in home.text
    page = reader.get(f"/staff/clusters/{world.cluster}")
    assert page.status_code == 403
    assert "You may not do this" in page.text and "Detention" not in page.text
    coordinator = staff_login("coordinator")
    assert 'href="/staff/clusters"' in coordinator.get("/staff/").text


def test_focal_point_reads_clusters_without_forms(staff_login: StaffLogin, world: World) -> None:
    focal = staff_login("focal_point", entity_id=world.other_entity)
    listing = focal.get("/staff/clusters")
    assert listing.status_code == 200 and "Detention" in listing.text
    assert "Create a cluster" not in listing.text
    page = focal.get(f"/staff/clusters/{world.cluster}")
    assert page.status_code == 200
    assert "CAT/C/XX/CO/1" in page.text
    assert 'method="post" action="/staff/clusters/' not in page.text
    assert 'name="ids"' not in page.text and "Publish" not in page.text
    suggestions = focal.get(f"/staff/clusters/{world.cluster}/suggestions")
    assert suggestions.status_code == 200 and "CAT/C/XX/CO/2" in suggestions.text
    assert 'name="ids"' not in suggestions.text


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = coordinator(staff_login)
    tag = etag(staff.get(f"/staff/clusters/{world.cluster}").text)
    before = cluster_row(db, world.cluster)
    forms: list[tuple[str, dict[str, Any]]] = [
        ("/staff/clusters", {"name": "Forged"}),
        (f"/staff/clusters/{world.cluster}", {"name": "Forged", "etag": tag}),
        (f"/staff/clusters/{world.cluster}/publish", {"published": "true", "etag": tag}),
        (
            f"/staff/clusters/{world.cluster}/recommendations/remove",
            {"ids": world.ids["source"], "etag": tag},
        ),
    ]
    for path, form in forms:
        for token in ("", "another-sessions-token"):
            response = staff.post(path, form, csrf=token)
            assert response.status_code == 403, path
            assert "security token" in response.text
    after = cluster_row(db, world.cluster)
    assert (after.name, after.published, after.version) == (before.name, before.published, before.version)
    assert members_of(db, world.cluster) == {world.ids["source"], world.ids["cousin"]}
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(Cluster).where(Cluster.name == "Forged")) == 0


def test_every_form_carries_the_sessions_csrf_token(staff_login: StaffLogin, world: World) -> None:
    """The test client adds the token itself: here the pages' own forms are read, as a browser posts them."""
    staff = coordinator(staff_login)
    base = f"/staff/clusters/{world.cluster}"
    pages = [
        "/staff/clusters/new",
        base,
        f"{base}/add?find=CAT/C/XX/CO/2",
        f"{base}/suggestions",
    ]
    for path in pages:
        html = staff.get(path).text
        forms = re.findall(r'<form method="post"(?! action="/staff/logout").*?</form>', html, re.S)
        assert forms, path
        for form in forms:
            assert f'name="csrf_token" value="{staff.csrf}"' in form, (path, form[:200])


def test_unknown_cluster_is_the_not_found_page(staff_login: StaffLogin, world: World) -> None:
    staff = coordinator(staff_login)
    for path in (
        "/staff/clusters/999999",
        "/staff/clusters/999999/suggestions",
        "/staff/clusters/999999/add",
    ):
        response = staff.get(path)
        assert response.status_code == 404 and "Page not found" in response.text
