"""Work attached to a recommendation that a later full export withdraws: its staff page says the public
sees nothing of it (as the portal and the public API answer), the pages of the action that
implements it mark it withdrawn, and the review queue names the work linked to it, so the
coordinator and the focal point learn that the action's recommendation left the reports."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect
from sqlalchemy import Connection, Engine

from app.core.config import Settings
from tests import accounts
from tests.builder import building
from tests.conftest import MakeApp, ModuleWorld
from tests.factories import ids_by_external_id, import_records, record
from tests.live_server import live_server
from tests.staff.browser_support import assert_accessible, signed_in
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
    cluster: int


def build_world(engine: Engine) -> World:
    import_records(engine, [*KEPT, GONE], full_export=True)
    ids = ids_by_external_id(engine)
    with building(engine) as build:
        entity = build.entity("Ministry of Women", acronym="MIMP").id
        build.local(ids["P12"], priority="high", status="in_progress")  # published as it is
        build.responsible(ids["P12"], entity)
        linked = [ids["P12"], ids["P1"]]
        action = build.action("Schools", recommendations=linked, lead_entity_id=entity, published=True).id
        build.progress(action, "published", "Ten schools teach in Quechua.")
        build.progress(action, "draft", "Twenty schools next year.")
        members = [ids["P12"], ids["P1"], ids["P2"]]
        cluster = build.cluster("Bilingual education", members=members, published=True).id
    import_records(engine, KEPT, full_export=True)
    return World(ids["P12"], ids["P1"], action, entity, cluster)


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


def _review_item(page: str, rec_id: int) -> str:
    start = page.index(f'<input type="hidden" name="shown" value="{rec_id}">')
    return page[start : page.index('class="review-row-actions"', start)]


def test_the_review_queue_names_the_work_linked_to_a_withdrawn_recommendation(
    world: World, staff_login: StaffLogin
) -> None:
    """Marking it reviewed without knowing would let the action drop out of every report unnoticed."""
    page = staff_login("coordinator").get("/staff/review").text
    item = _review_item(page, world.gone)
    assert "Withdrawn by an import" in item
    assert "Work is linked to this withdrawn recommendation" in item
    assert "no longer counts in them through it" in item
    assert f'<a href="/staff/actions/{world.action}">Schools</a>' in item
    assert "progress updates: 2" in item
    assert f'<a href="/staff/clusters/{world.cluster}">Bilingual education</a>' in item


@pytest.mark.slow
@pytest.mark.database_run("sqlite")
def test_the_linked_work_warning_is_accessible(
    world: World, browser: Browser, settings: Settings, migrated_engine: Engine
) -> None:
    user = accounts.create_user(migrated_engine, "reviewer@example.org", "coordinator")
    secret, _ = accounts.issue_session(migrated_engine, user)
    with live_server(settings) as base_url:
        page = signed_in(browser, base_url, secret).new_page()
        page.goto("/staff/review")
        item = page.locator(".review-item", has=page.locator(f'input[name="ids"][value="{world.gone}"]'))
        expect(item.locator(".linked-work")).to_contain_text(
            "Work is linked to this withdrawn recommendation"
        )
        expect(item.get_by_role("link", name="Schools")).to_have_attribute(
            "href", f"/staff/actions/{world.action}"
        )
        assert_accessible(page)


def test_the_cluster_pages_say_how_many_of_their_recommendations_are_withdrawn(
    world: World, staff_login: StaffLogin, make_app: MakeApp, db: Connection
) -> None:
    """The staff count includes the withdrawn member (as the API documents); the list of its
    recommendations and the public page leave it out, so the staff pages say how many that is."""
    staff = staff_login("coordinator")
    listed = staff.get("/staff/clusters").text
    row = next(row for row in listed.split("<tr>") if f'href="/staff/clusters/{world.cluster}"' in row)
    assert '<td class="numeric">3, 1 withdrawn</td>' in row
    detail = staff.get(f"/staff/clusters/{world.cluster}").text
    assert "<dd>3, 1 withdrawn" in detail
    assert "the recommendation list, reports and the public portal leave them out" in detail
    # The numbers the other pages give: 3 - 1.
    members = staff.get(f"/staff/recommendations?cluster={world.cluster}").text
    assert "Matching recommendations: 2" in members
    public = TestClient(make_app()).get("/clusters").text
    assert ">2</td>" in next(row for row in public.split("<tr>") if "Bilingual education" in row)
    api = TestClient(make_app()).get(
        f"/api/v1/clusters/{world.cluster}", headers=accounts.headers_for(db, "coordinator")
    )
    assert (api.json()["recommendation_count"], api.json()["withdrawn_count"]) == (3, 1)
