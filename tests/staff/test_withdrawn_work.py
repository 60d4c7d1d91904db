"""Work attached to a recommendation that a later full export withdraws: its staff page says the public
sees nothing of it (as the portal and the public API answer), and the pages of the action that
implements it mark it withdrawn, so the coordinator and the focal point learn that the action's
recommendation left the reports."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine

from tests import accounts
from tests.builder import building
from tests.conftest import MakeApp, ModuleWorld
from tests.factories import ids_by_external_id, import_records, record
from tests.staff.conftest import StaffLogin

# Twelve paragraphs of one document; the second export lacks the last one (1 in 12: under the
# withdrawal guard's share).
KEPT = [record(f"P{n}", f"<p>{n}. Recommendation {n}.</p>", symbol="CRC/C/PER/CO/6") for n in range(1, 12)]
GONE = record("P12", "<p>12. Guarantee bilingual education.</p>", symbol="CRC/C/PER/CO/6")


@dataclass(frozen=True)
class World:
    gone: int
    kept: int
    action: int
    entity: int


def build_world(engine: Engine) -> World:
    import_records(engine, [*KEPT, GONE], full_export=True)
    ids = ids_by_external_id(engine)
    with building(engine) as build:
        entity = build.entity("Ministry of Women", acronym="MIMP").id
        build.local(ids["P12"], priority="high", status="in_progress")  # published as it is
        build.responsible(ids["P12"], entity)
        linked = [ids["P12"], ids["P1"]]
        action = build.action("Schools", recommendations=linked, lead_entity_id=entity, published=True).id
    import_records(engine, KEPT, full_export=True)
    return World(ids["P12"], ids["P1"], action, entity)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(build_world, migrated_engine)


def test_the_page_of_a_withdrawn_recommendation_says_the_public_sees_nothing(
    world: World, staff_login: StaffLogin, make_app: MakeApp
) -> None:
    public = TestClient(make_app())
    assert public.get(f"/api/v1/public/recommendations/{world.gone}").status_code == 404
    page = staff_login("coordinator").get(f"/staff/recommendations/{world.gone}").text
    assert "Withdrawn on" in page
    assert "Nothing: a withdrawn recommendation is not shown on the public portal" in page
    assert "published on" not in page
    assert "Publish the status and priority" not in page
    # A current recommendation's page still says what is published.
    kept = staff_login("coordinator").get(f"/staff/recommendations/{world.kept}").text
    assert "Nothing: a withdrawn recommendation" not in kept


@pytest.mark.parametrize("role", ["coordinator", "focal_point"])
def test_the_action_page_marks_its_withdrawn_recommendation(
    role: str, world: World, staff_login: StaffLogin
) -> None:
    staff = staff_login(role, entity_id=world.entity if role == "focal_point" else None)
    page = staff.get(f"/staff/actions/{world.action}").text
    assert "Withdrawn recommendations: 1." in page
    rows = {
        rec_id: row
        for rec_id in (world.gone, world.kept)
        for row in page.split("<tr>")
        if f'href="/staff/recommendations/{rec_id}"' in row
    }
    assert "Withdrawn" in rows[world.gone]
    assert "Withdrawn" not in rows[world.kept]


def test_the_api_says_which_linked_recommendation_is_withdrawn(
    world: World, make_app: MakeApp, db: Connection
) -> None:
    client = TestClient(make_app())
    answer = client.get(f"/api/v1/actions/{world.action}", headers=accounts.headers_for(db, "coordinator"))
    data = answer.json()
    assert {r["id"]: r["withdrawn"] for r in data["recommendations"]} == {world.gone: True, world.kept: False}
