"""The staff recommendation list: every API filter as a GET form, the total, keyset pages both ways,
the reader's and the focal point's views, and bulk edits (ticked rows or all matching) that write
all or nothing through the API's services."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select, update

from app.models import AuditEvent, ClusterRecommendation, Entity
from app.models.local import RecommendationEntity, RecommendationLocal
from app.recommendations import bulk
from app.recommendations.schemas import RecommendationFilter
from tests.builder import building, imported
from tests.conftest import ModuleWorld
from tests.factories import record
from tests.staff.conftest import StaffLogin, assert_refusal_reaches_its_fields

ROUTES = """
GET    /staff/recommendations          200 200 200 200 303
POST   /staff/recommendations          422 422 403 403 303
"""

URL = "/staff/recommendations"
WATER = 32
ARABIC = "5. توصي اللجنة الدولة الطرف بضمان الحصول على المياه."  # its only text


@dataclass(frozen=True)
class World:
    ids: dict[str, int]
    health: int
    justice: int
    cluster: int

    @property
    def water(self) -> list[int]:
        return [rec_id for key, rec_id in self.ids.items() if key.startswith("W")]


def _build(engine: Engine) -> World:
    day = date(2024, 1, 1)
    water = [
        record(
            f"W{n:02}",
            f"<p>{n}. Ensure access to clean water.</p>",
            themes=["Water"],
            publication_date=day + timedelta(days=n),
        )
        for n in range(WATER)
    ]
    schools = [
        record(
            f"S{n}",
            f"<p>{n}. Build schools.</p>",
            mechanism="UPR",
            themes=["Education"],
            publication_date=day,
        )
        for n in range(4)
    ]
    sanitation = [  # the older one says it three times in fewer words: more relevant
        record("R_OLD", "<p>1. Sanitation, sanitation and sanitation.</p>", publication_date=day),
        record(
            "R_NEW",
            "<p>2. Ensure that every clinic and every prison has sanitation and a safe place to wash.</p>",
            publication_date=day + timedelta(days=90),
        ),
    ]
    arabic = record("AR", texts={"ar": f"<p>{ARABIC}</p>"}, mechanism="CESCR", publication_date=day)
    ids = imported(engine, [*water, *schools, *sanitation, arabic])
    with building(engine) as build:
        health = build.entity("Ministry of Health", acronym="MOH").id
        justice = build.entity("Ministry of Justice", acronym="MOJ").id
        cluster = build.cluster("Water and sanitation").id
    return World(ids, health, justice, cluster)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(_build, migrated_engine)


def _row_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<a href="/staff/recommendations/(\d+)">', html)]


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _locals(db: Connection) -> dict[int, tuple[Any, ...]]:
    rows = db.execute(
        select(
            RecommendationLocal.recommendation_id,
            RecommendationLocal.priority,
            RecommendationLocal.priority_rationale,
            RecommendationLocal.status,
        )
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def _updates(db: Connection) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "recommendation.update")
    return db.execute(query).scalar_one()


def test_the_list_shows_the_total_the_rows_and_a_bulk_form(staff_login: StaffLogin, world: World) -> None:
    page = staff_login("coordinator").get(URL, params={"theme": "water", "limit": "25"})
    assert page.status_code == 200
    assert "Matching recommendations: 32" in page.text
    rows = _row_ids(page.text)
    assert len(rows) == 25 and set(rows) <= set(world.water)
    assert rows[0] == world.ids["W31"]  # newest first
    assert page.text.count('name="ids"') == 25
    assert "All that match the filters, on every page: 32" in page.text
    assert _link(page.text, "next") is not None and _link(page.text, "prev") is None


def test_every_filter_of_the_api_is_a_field_of_the_form(staff_login: StaffLogin, world: World) -> None:
    html = staff_login("admin").get(URL).text
    missing = [name for name in RecommendationFilter.model_fields if f'name="{name}"' not in html]
    assert missing == []


def test_the_label_fields_suggest_the_labels_in_the_data(staff_login: StaffLogin, world: World) -> None:
    """A theme is matched by its label, which a coordinator cannot guess ("Water" or "Right to water"?):
    each label field offers the labels some current recommendation has, as the browser's suggestions."""
    html = staff_login("focal_point").get(URL).text
    theme = html.split('id="field-theme"', 1)[1].split("</div>", 1)[0]
    assert 'list="suggest-theme">' in theme
    options = '<option value="Education"></option><option value="Water"></option>'
    assert f'<datalist id="suggest-theme">{options}' in theme
    assert '<datalist id="suggest-region"></datalist>' not in html  # no empty list where the data has none
    assert 'list="suggest-region"' not in html


def test_search_and_filters_combine(staff_login: StaffLogin, world: World) -> None:
    staff = staff_login("coordinator")
    schools = staff.get(URL, params={"q": "school"})
    assert "Matching recommendations: 4" in schools.text
    assert set(_row_ids(schools.text)) == {world.ids[f"S{n}"] for n in range(4)}
    narrowed = staff.get(
        URL, params=[("q", "water"), ("mechanism", "CRC, UPR"), ("published_from", "2024-01-30")]
    )
    assert "Matching recommendations: 3" in narrowed.text
    assert 'value="CRC, UPR"' in narrowed.text  # what was typed, as typed
    assert "No recommendation matches these filters." in staff.get(URL, params={"q": "zebra"}).text


def test_the_order_is_chosen_in_the_form_and_named_in_the_caption(
    staff_login: StaffLogin, world: World
) -> None:
    staff = staff_login("coordinator")
    older, newer = world.ids["R_OLD"], world.ids["R_NEW"]
    ranked = staff.get(URL, params={"q": "sanitation"})
    assert _row_ids(ranked.text) == [older, newer]  # relevance, the default with words
    assert "Recommendations 1 to 2 of 2, most relevant first" in ranked.text
    assert '<option value="relevance" selected>' in ranked.text
    newest = staff.get(URL, params={"q": "sanitation", "sort": "newest"})
    assert _row_ids(newest.text) == [newer, older]
    assert "Recommendations 1 to 2 of 2, newest first" in newest.text
    assert '<option value="newest" selected>' in newest.text
    oldest = staff.get(URL, params={"theme": "water", "sort": "oldest", "limit": "25"})
    assert _row_ids(oldest.text)[:2] == [world.ids["W00"], world.ids["W01"]]
    assert "Recommendations 1 to 25 of 32, oldest first" in oldest.text
    next_page = _link(oldest.text, "next")
    assert next_page is not None and "sort=oldest" in next_page
    assert _row_ids(staff.get(next_page).text)[0] == world.ids["W25"]
    # Without words, the most relevant first is the newest first, and the caption says so.
    unranked = staff.get(URL, params={"theme": "water", "sort": "relevance", "limit": "25"})
    assert _row_ids(unranked.text)[0] == world.ids["W31"]
    assert "Recommendations 1 to 25 of 32, newest first" in unranked.text
    # The reports of these recommendations do not depend on their order.
    link = re.search(r'href="(/staff/reports\?[^"]*)"', oldest.text)
    assert link is not None and "sort" not in link.group(1)


def test_the_reports_of_the_listed_recommendations_are_one_link_away(
    staff_login: StaffLogin, world: World
) -> None:
    staff = staff_login("coordinator")
    listed = staff.get(URL, params=[("q", "water"), ("mechanism", "CRC"), ("limit", "25")])
    link = re.search(r'href="(/staff/reports\?[^"]*)"', listed.text)
    assert link is not None
    url = html.unescape(link.group(1))
    assert "q=water" in url and "mechanism=CRC" in url and "limit" not in url
    reports = staff.get(url)
    assert reports.status_code == 200 and 'value="water"' in reports.text
    assert "/staff/reports" not in staff_login("reader").get(URL).text.split("</nav>", 2)[-1]


def test_previous_and_next_walk_the_keyset_pages_both_ways(staff_login: StaffLogin, world: World) -> None:
    staff = staff_login("coordinator")
    url: str | None = f"{URL}?theme=Water&limit=10"
    pages: list[tuple[str, list[int]]] = []
    while url:
        html = staff.get(url).text
        pages.append((url, _row_ids(html)))
        url = _link(html, "next")
    assert [len(ids) for _, ids in pages] == [10, 10, 10, 2]
    walked = [rec_id for _, ids in pages for rec_id in ids]
    assert sorted(walked) == sorted(world.water) and len(set(walked)) == WATER
    assert "Recommendations 31 to 32 of 32" in staff.get(pages[-1][0]).text
    # Back from the last page, one page at a time, to the first.
    back = _link(staff.get(pages[-1][0]).text, "prev")
    for _, ids in reversed(pages[:-1]):
        assert back is not None
        html = staff.get(back).text
        assert _row_ids(html) == ids
        back = _link(html, "prev")
    assert back is None


@pytest.mark.parametrize(
    ("params", "named", "kept"),
    [
        ({"cycle": "0", "q": "water"}, "UPR cycle", ['value="0"', 'value="water"']),
        ({"published_from": "2024-13-01"}, "Published on or after", ['value="2024-13-01"']),
        ({"sdg": "99"}, "SDG goal or target", ['value="99"']),
        ({"responsibility": "lead"}, "Responsibility", ['<option value="lead" selected>']),
        ({"priority": "urgent"}, "Priority", []),
        ({"cursor": "not-a-cursor"}, "Page", []),
        ({"sort": "best", "q": "water"}, "Order", ['value="water"']),
    ],
)
def test_invalid_filters_name_the_field_and_keep_what_was_typed(
    staff_login: StaffLogin, world: World, params: dict[str, str], named: str, kept: list[str]
) -> None:
    page = staff_login("coordinator").get(URL, params=params)
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    summary = page.text.split('class="error-summary"')[1].split("</div>")[0]
    assert f"{named}:" in summary
    assert all(value in page.text for value in kept)


def test_the_reason_beside_a_ticked_filter_is_in_the_page_language(
    staff_login: StaffLogin, world: World
) -> None:
    """The summary said it in Spanish, the Status and Priority boxes in English."""
    page = staff_login("coordinator").get(URL, params={"status": "done", "priority": "urgent", "lang": "es"})
    assert page.status_code == 422
    beside = re.findall(r'<p class="error-message" id="error-(status|priority)">(.*?)</p>', page.text, re.S)
    assert [name for name, _ in beside] == ["priority", "status"]
    assert all("Elija una de las opciones." in reason for _, reason in beside), beside


def test_a_limit_in_a_reason_is_written_the_page_languages_way(staff_login: StaffLogin, world: World) -> None:
    """'Saisissez au plus 10000 caractères': the limit is now grouped as French writes it."""
    form = {
        "scope": "all",
        "expected": str(WATER),
        "action": "update",
        "set_priority_rationale": "y" * 10_001,
    }
    page = staff_login("coordinator").post(f"{URL}?theme=Water&lang=fr", form)
    assert page.status_code == 422
    summary = page.text.split('class="error-summary"')[1].split("</div>")[0]
    assert "Écrivez au plus 10\u202f000 caractères" in summary, summary


def test_a_later_page_emptied_by_a_change_says_so_and_leads_back(
    staff_login: StaffLogin, world: World
) -> None:
    """Page 2's rows given a status the filter excludes: the page came back saying "Matching
    recommendations: 25" and "No recommendation matches these filters."."""
    staff = staff_login("coordinator")
    first = staff.get(URL, params={"theme": "Water", "status": "not_started", "limit": "25"}).text
    second_url = _link(first, "next")
    assert second_url
    second = staff.get(second_url).text
    ids = [str(rec_id) for rec_id in _row_ids(second)]
    assert len(ids) == WATER - 25
    form = {"scope": "selected", "ids": ids, "action": "update", "set_status": "in_progress"}
    answer = staff.post(html.unescape(second_url), form)
    assert answer.status_code == 303
    page = staff.get(answer.headers["location"]).text
    assert "Matching recommendations: 25" in page and _row_ids(page) == []
    assert "No recommendation matches these filters." not in page
    assert "the others are on the pages before it." in page and _link(page, "prev")


def test_a_filter_on_an_archived_entity_is_shown_and_kept(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    """An archived entity still leading recommendations, the list filtered on it by its address: the
    Responsible entity box read "Any", so the next "Apply the filters" dropped it and listed all."""
    first = world.water[0]
    with building(db) as build:
        build.responsible(first, world.justice, "lead")
    db.execute(update(Entity).where(Entity.id == world.justice).values(archived=True))
    page = staff_login("coordinator").get(URL, params={"entity": world.justice, "responsibility": "lead"})
    assert page.status_code == 200 and _row_ids(page.text) == [first]
    entity_box = page.text.split('<select id="field-entity"')[1].split("</select>")[0]
    assert f'<option value="{world.justice}" selected>Ministry of Justice (archived)</option>' in entity_box
    lead_box = page.text.split('<select id="field-set_lead_entity_id"')[1].split("</select>")[0]
    assert f'value="{world.justice}"' not in lead_box  # an archived entity cannot be given new work


def test_a_reader_gets_the_public_view_and_no_bulk_form(staff_login: StaffLogin, world: World) -> None:
    reader = staff_login("reader")
    page = reader.get(URL, params={"theme": "Water"})
    assert page.status_code == 200 and "Matching recommendations: 32" in page.text
    assert 'name="ids"' not in page.text and 'name="action"' not in page.text
    assert 'name="needs_review"' not in page.text and 'name="withdrawn"' not in page.text
    assert reader.get(URL, params={"needs_review": "true"}).status_code == 403
    refused = reader.post(f"{URL}?theme=Water", {"scope": "all", "action": "update", "set_priority": "high"})
    assert refused.status_code == 403


def test_a_focal_point_reads_the_list_but_cannot_edit_in_bulk(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    focal = staff_login("focal_point", entity_id=world.health)
    page = focal.get(URL, params={"theme": "Water"})
    assert page.status_code == 200 and len(_row_ids(page.text)) == WATER
    assert 'name="ids"' not in page.text
    form = {"scope": "all", "expected": "32", "action": "update", "set_priority": "high"}
    assert focal.post(f"{URL}?theme=Water", form).status_code == 403
    assert _locals(db) == {}


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
    assert _locals(db) == {rec_id: ("high", "Water first", "not_started") for rec_id in chosen}
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
    assert _locals(db) == {rec_id: ("medium", None, "in_progress") for rec_id in world.water}
    links = db.execute(
        select(RecommendationEntity.entity_id, func.count()).group_by(RecommendationEntity.entity_id)
    )
    assert dict(links.all()) == {world.health: WATER, world.justice: WATER}
    assert _updates(db) == WATER
    listed = staff.get(URL, params={"priority": "medium", "status": "in_progress"})
    assert "Matching recommendations: 32" in listed.text


def test_all_matching_is_refused_when_the_filter_now_matches_another_number(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    form = {"scope": "all", "expected": "31", "action": "update", "set_priority": "high"}
    page = staff_login("coordinator").post(f"{URL}?theme=Water", form)
    assert page.status_code == 422
    assert "The filter now matches 32 recommendations, not 31" in page.text
    assert _locals(db) == {} and _updates(db) == 0


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
    assert _locals(db) == {} and _updates(db) == 0


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
    assert _locals(db) == {} and _updates(db) == 0


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
    assert _locals(db) == {} and _updates(db) == 0


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
    assert _locals(db) == {} and _updates(db) == 0


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
    assert _locals(db) == {}


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


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_arabic_text_is_shown_right_to_left(staff_login: StaffLogin, world: World, lang: str) -> None:
    staff = staff_login("coordinator")
    for params in ({"mechanism": "CESCR"}, {"q": "المياه"}):
        page = staff.get(URL, params={**params, "lang": lang}).text
        assert _row_ids(page) == [world.ids["AR"]]
        assert '<p class="snippet" lang="ar" dir="rtl">' in page, params
