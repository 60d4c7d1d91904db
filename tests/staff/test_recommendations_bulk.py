"""The staff recommendation list's bulk edits: ticked rows or all matching, written all or nothing
through the API's services (priority, entities, clusters, status)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select

from app.models import AuditEvent, ClusterRecommendation
from app.models.local import RecommendationEntity, RecommendationLocal
from app.recommendations import bulk
from tests.builder import building
from tests.conftest import ModuleWorld
from tests.staff.conftest import StaffLogin, assert_refusal_reaches_its_fields
from tests.staff.recommendations_list_world import (
    URL,
    WATER,
    World,
    build_world,
    locals_of,
    updates,
)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(build_world, migrated_engine)


def test_ticked_rows_get_priority_and_rationale(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    staff = staff_login("coordinator")
    chosen = [world.ids["W01"], world.ids["W02"]]
    form = {
        "scope": "selected",
        "ids": chosen,
        "action": "update",
        "set_priority": "high",
        "set_priority_rationale": "Water first",
    }
    response = staff.post(f"{URL}?theme=Water&limit=10", form)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{URL}?theme=Water&limit=10&done=recommendations-updated"
    assert locals_of(db) == {rec_id: ("high", "Water first", "not_started") for rec_id in chosen}
    assert "The chosen recommendations are updated." in staff.get(response.headers["location"]).text


def test_all_matching_rows_change_in_one_step(staff_login: StaffLogin, world: World, db: Connection) -> None:
    staff = staff_login("coordinator")
    form = {
        "scope": "all",
        "expected": str(WATER),
        "action": "update",
        "set_priority": "medium",
        "set_status": "in_progress",
        "set_status_note": "Started in 2024",
        "set_lead_entity_id": str(world.health),
        "supporting_change": "replace",
        "set_supporting_entity_ids": [str(world.justice)],
    }
    response = staff.post(f"{URL}?q=water&theme=Water", form)
    assert response.status_code == 303, response.text
    assert locals_of(db) == {rec_id: ("medium", None, "in_progress") for rec_id in world.water}
    links = db.execute(
        select(RecommendationEntity.entity_id, func.count()).group_by(RecommendationEntity.entity_id)
    )
    assert dict(links.all()) == {world.health: WATER, world.justice: WATER}
    assert updates(db) == WATER
    listed = staff.get(URL, params={"priority": "medium", "status": "in_progress"})
    assert "Matching recommendations: 32" in listed.text


def test_all_matching_is_refused_when_the_filter_now_matches_another_number(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    form = {"scope": "all", "expected": "31", "action": "update", "set_priority": "high"}
    page = staff_login("coordinator").post(f"{URL}?theme=Water", form)
    assert page.status_code == 422
    assert "The filter now matches 32 recommendations, not 31" in page.text
    assert locals_of(db) == {} and updates(db) == 0


def test_all_matching_is_refused_when_a_one_value_filter_is_given_twice(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    """The bulk edit of all that match read the last of a repeated one-value filter, as the list did:
    it is refused as the list refuses it, naming the field, and nothing is changed."""
    form = {"scope": "all", "expected": str(WATER), "action": "update", "set_priority": "high"}
    page = staff_login("coordinator").post(f"{URL}?theme=Water&withdrawn=true&withdrawn=false", form)
    assert page.status_code == 422
    assert "This field takes one value: the address gives it several." in html.unescape(page.text)
    assert locals_of(db) == {} and updates(db) == 0


def test_a_filter_matching_too_many_is_named_where_the_page_shows_the_choice(
    staff_login: StaffLogin, world: World, db: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refusal of "all that match" (more than one bulk edit may change) is beside the choice of
    which recommendations, and its entry in the error summary links there (it linked to no field)."""
    monkeypatch.setattr(bulk, "MAX_BULK_MATCHES", 3)
    form = {"scope": "all", "expected": str(WATER), "action": "update", "set_priority": "high"}
    page = staff_login("coordinator").post(f"{URL}?theme=Water", form)
    assert page.status_code == 422
    summary = page.text.split('class="error-summary"')[1].split("</div>")[0]
    link = re.search(r'<a href="#([^"]+)">Recommendations: matches 32 recommendations', summary)
    assert link, summary
    assert f'id="{link.group(1)}"' in page.text
    assert "more than the 3" in page.text.split('id="error-ids"')[1].split("</p>")[0]
    assert locals_of(db) == {} and updates(db) == 0


@pytest.mark.parametrize(
    ("form", "named", "kept"),
    [
        ({"scope": "selected", "action": "update", "set_priority": "high"}, "Recommendations", []),
        ({"scope": "all", "expected": "32", "action": "update"}, "Changes", []),
        (
            {"scope": "all", "expected": "32", "action": "update", "set_status_note": "Because"},
            "Why this status",
            [">Because</textarea>"],
        ),
        (
            {
                "scope": "all",
                "expected": "32",
                "action": "update",
                "set_priority": "high",
                "set_priority_rationale": "x" * 10_001,
            },
            "Why this priority",
            [],
        ),
        (
            {"scope": "all", "expected": "32", "action": "update", "set_lead_entity_id": "999999"},
            "Lead entity",
            [],
        ),
        ({"scope": "all", "expected": "32", "action": "cluster"}, "Cluster to add them to", []),
        ({"scope": "all", "expected": "32"}, "", []),
    ],
)
def test_refused_bulk_forms_name_the_field_keep_the_values_and_write_nothing(
    staff_login: StaffLogin, world: World, db: Connection, form: dict[str, Any], named: str, kept: list[str]
) -> None:
    page = staff_login("coordinator").post(f"{URL}?theme=Water", form)
    assert page.status_code == 422, page.text
    summary = page.text.split('class="error-summary"')[1].split("</div>")[0]
    assert f"{named}:" in summary if named else "Choose what to do" in summary
    assert_refusal_reaches_its_fields(page.text)
    assert all(value in page.text for value in kept)
    assert "Matching recommendations: 32" in page.text  # the list is shown again, with its filter
    assert locals_of(db) == {} and updates(db) == 0


def test_one_row_that_cannot_take_the_change_stops_them_all(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    led = sorted(world.water)[-5:]
    with building(db) as build:
        for rec_id in led:
            build.responsible(rec_id, world.justice, "lead")
    form = {
        "scope": "all",
        "expected": str(WATER),
        "action": "update",
        "set_priority": "high",
        "supporting_change": "replace",
        "set_supporting_entity_ids": [str(world.justice)],
    }
    page = staff_login("coordinator").post(f"{URL}?theme=Water", form)
    assert page.status_code == 422
    # Named as the workspace names them, each affected recommendation counted, not the first alone.
    named = "Ministry of Justice is the lead of 5 of these recommendations; it cannot also be supporting"
    assert named in html.unescape(page.text)
    assert f"#{led[0]}, #{led[1]}, #{led[2]} and 2 more" in html.unescape(page.text)
    assert locals_of(db) == {} and updates(db) == 0


def test_the_same_entity_chosen_as_lead_and_supporting_is_named(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    form = {
        "scope": "all",
        "expected": str(WATER),
        "action": "update",
        "set_lead_entity_id": str(world.justice),
        "supporting_change": "replace",
        "set_supporting_entity_ids": [str(world.justice)],
    }
    page = staff_login("coordinator").post(f"{URL}?theme=Water", form)
    assert page.status_code == 422
    assert "Ministry of Justice is the lead; it cannot also be supporting" in page.text
    assert f"entity {world.justice}" not in page.text
    assert locals_of(db) == {} and updates(db) == 0


def test_every_cluster_and_entity_is_a_choice_not_the_first_200(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    """The cluster filter, the bulk form's clusters and entities: past one API page of 200 too."""
    with building(db) as build:
        for n in range(201):
            build.cluster(f"Zz cluster {n:03}")
            build.entity(f"Zz entity {n:03}")
        build.cluster("Zzz last cluster")
        build.entity("Zzz last entity")
    page = staff_login("coordinator").get(URL).text
    assert page.count(">Zzz last cluster</option>") == 2  # the filter and the bulk form
    assert page.count(">Zzz last entity</option>") == 2  # the filter and the lead
    assert page.count(">Zzz last entity</label>") == 1  # the supporting ones' boxes


def test_ticked_or_all_matching_rows_join_a_cluster(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    staff = staff_login("coordinator")
    ticked = {
        "scope": "selected",
        "ids": [str(world.ids["S0"])],
        "action": "cluster",
        "cluster_id": str(world.cluster),
    }
    assert staff.post(f"{URL}?q=school", ticked).status_code == 303
    form = {"scope": "all", "expected": str(WATER), "action": "cluster", "cluster_id": str(world.cluster)}
    response = staff.post(f"{URL}?theme=Water", form)
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith("done=recommendations-clustered")
    members = db.execute(
        select(ClusterRecommendation.recommendation_id).where(
            ClusterRecommendation.cluster_id == world.cluster
        )
    ).scalars()
    assert sorted(members) == sorted([*world.water, world.ids["S0"]])
    missing = {**form, "cluster_id": "999999"}
    assert staff.post(f"{URL}?theme=Water", missing).status_code == 422


def test_a_cluster_archived_meanwhile_is_named_in_the_cluster_box(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    with building(db) as build:
        archived = build.cluster("Closed", archived=True).id
    form = {
        "scope": "selected",
        "ids": [str(world.ids["S0"])],
        "action": "cluster",
        "cluster_id": str(archived),
    }
    page = staff_login("coordinator").post(URL, form)
    assert page.status_code == 409
    assert '<a href="#field-cluster_id">Cluster to add them to: the cluster is archived</a>' in page.text


def test_a_bulk_post_without_the_csrf_token_changes_nothing(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    form = {"scope": "all", "expected": str(WATER), "action": "update", "set_priority": "high"}
    staff = staff_login("coordinator")
    assert staff.post(f"{URL}?theme=Water", form, csrf="").status_code == 403
    assert staff.post(f"{URL}?theme=Water", form, csrf="another-sessions-token").status_code == 403
    assert locals_of(db) == {}


def test_all_matching_rows_have_their_status_published(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    """The bulk form's publish step is the API's bulk publish: the working values go public."""
    staff = staff_login("coordinator")
    update = {"scope": "all", "expected": str(WATER), "action": "update", "set_status": "in_progress"}
    assert staff.post(f"{URL}?theme=Water", update).status_code == 303
    published = select(RecommendationLocal.published_status).where(
        RecommendationLocal.published_status.is_not(None)
    )
    assert db.execute(published).all() == []  # saved, not yet public
    stale = {"scope": "all", "expected": str(WATER + 1), "action": "publish"}
    assert staff.post(f"{URL}?theme=Water", stale).status_code == 422
    assert db.execute(published).all() == []
    response = staff.post(f"{URL}?theme=Water", {"scope": "all", "expected": str(WATER), "action": "publish"})
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith("done=recommendations-published")
    assert list(db.execute(published).scalars()) == ["in_progress"] * WATER
    events = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "recommendation.publish")
    assert db.execute(events).scalar_one() == WATER


def test_the_choice_of_all_matching_says_when_they_are_too_many_before_the_click(
    staff_login: StaffLogin, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unfiltered at a State's scale, "All that match the filters, on every page: 100,000" was offered
    as any other choice, the limit said only once the change was refused."""
    staff = staff_login("coordinator")
    hint = "more than the 3 one change may cover: narrow the filters first"
    assert hint not in staff.get(f"{URL}?theme=Water").text
    monkeypatch.setattr(bulk, "MAX_BULK_MATCHES", 3)
    page = staff.get(f"{URL}?theme=Water").text
    assert f"All that match the filters, on every page: 32 ({hint})" in html.unescape(page)
