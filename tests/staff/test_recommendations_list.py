"""The staff recommendation list: every API filter as a GET form, the total, keyset pages both ways,
and the reader's and the focal point's views (its bulk edits: test_recommendations_bulk.py)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Connection, Engine, update

from app.models import Entity
from app.recommendations.schemas import RecommendationFilter
from tests.builder import building
from tests.conftest import ModuleWorld
from tests.staff.conftest import StaffLogin
from tests.staff.recommendations_list_world import (
    URL,
    WATER,
    World,
    build_world,
    locals_of,
    rel_link,
    row_ids,
)

ROUTES = """
GET    /staff/recommendations          200 200 200 200 303
POST   /staff/recommendations          422 422 403 403 303
"""


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(build_world, migrated_engine)


def test_the_list_shows_the_total_the_rows_and_a_bulk_form(staff_login: StaffLogin, world: World) -> None:
    page = staff_login("coordinator").get(URL, params={"theme": "water", "limit": "25"})
    assert page.status_code == 200
    assert "Matching recommendations: 32" in page.text
    rows = row_ids(page.text)
    assert len(rows) == 25 and set(rows) <= set(world.water)
    assert rows[0] == world.ids["W31"]  # newest first
    assert page.text.count('name="ids"') == 25
    assert "All that match the filters, on every page: 32" in page.text
    assert rel_link(page.text, "next") is not None and rel_link(page.text, "prev") is None


def test_every_filter_of_the_api_is_a_field_of_the_form(staff_login: StaffLogin, world: World) -> None:
    html = staff_login("admin").get(URL).text
    missing = [name for name in RecommendationFilter.model_fields if f'name="{name}"' not in html]
    assert missing == []


def test_the_label_fields_suggest_the_labels_in_the_data(staff_login: StaffLogin, world: World) -> None:
    """A theme is matched by its label, which a coordinator cannot guess ("Water" or "Right to water"?):
    each label field offers the labels some current recommendation has, as the browser's suggestions."""
    html = staff_login("focal_point").get(URL).text
    theme = html.split('id="field-theme"', 1)[1].split("</div>", 1)[0]
    assert 'list="suggest-theme"' in theme
    options = '<option value="Education"></option><option value="Water"></option>'
    assert f'<datalist id="suggest-theme">{options}' in theme
    assert '<datalist id="suggest-region"></datalist>' not in html  # no empty list where the data has none
    assert 'list="suggest-region"' not in html


def test_search_and_filters_combine(staff_login: StaffLogin, world: World) -> None:
    staff = staff_login("coordinator")
    schools = staff.get(URL, params={"q": "school"})
    assert "Matching recommendations: 4" in schools.text
    assert set(row_ids(schools.text)) == {world.ids[f"S{n}"] for n in range(4)}
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
    assert row_ids(ranked.text) == [older, newer]  # relevance, the default with words
    assert "Recommendations 1 to 2 of 2, most relevant first" in ranked.text
    assert '<option value="relevance" selected>' in ranked.text
    newest = staff.get(URL, params={"q": "sanitation", "sort": "newest"})
    assert row_ids(newest.text) == [newer, older]
    assert "Recommendations 1 to 2 of 2, newest first" in newest.text
    assert '<option value="newest" selected>' in newest.text
    oldest = staff.get(URL, params={"theme": "water", "sort": "oldest", "limit": "25"})
    assert row_ids(oldest.text)[:2] == [world.ids["W00"], world.ids["W01"]]
    assert "Recommendations 1 to 25 of 32, oldest first" in oldest.text
    # In any letter case, as the list reads it (app.core.letter_case): the caption said "newest first".
    shouted = staff.get(URL, params={"theme": "water", "sort": "OLDEST", "limit": "25"})
    assert row_ids(shouted.text) == row_ids(oldest.text)
    assert "Recommendations 1 to 25 of 32, oldest first" in shouted.text
    assert '<option value="oldest" selected>' in shouted.text
    # So is a filter's choice: chosen in the form, so that sending it again keeps it.
    chosen = staff.get(URL, params={"theme": "water", "status": "NOT_STARTED", "type": "Recommendation"})
    assert chosen.status_code == 200
    assert re.search(r'name="status" value="not_started" checked', chosen.text), chosen.text
    next_page = rel_link(oldest.text, "next")
    assert next_page is not None and "sort=oldest" in next_page
    assert row_ids(staff.get(next_page).text)[0] == world.ids["W25"]
    # Without words, the most relevant first is the newest first, and the caption says so.
    unranked = staff.get(URL, params={"theme": "water", "sort": "relevance", "limit": "25"})
    assert row_ids(unranked.text)[0] == world.ids["W31"]
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
        pages.append((url, row_ids(html)))
        url = rel_link(html, "next")
    assert [len(ids) for _, ids in pages] == [10, 10, 10, 2]
    walked = [rec_id for _, ids in pages for rec_id in ids]
    assert sorted(walked) == sorted(world.water) and len(set(walked)) == WATER
    assert "Recommendations 31 to 32 of 32" in staff.get(pages[-1][0]).text
    # Back from the last page, one page at a time, to the first.
    back = rel_link(staff.get(pages[-1][0]).text, "prev")
    for _, ids in reversed(pages[:-1]):
        assert back is not None
        html = staff.get(back).text
        assert row_ids(html) == ids
        back = rel_link(html, "prev")
    assert back is None


def test_a_tampered_previous_page_in_the_address_is_ignored(staff_login: StaffLogin, world: World) -> None:
    """A ``prev`` that is no cursor of the list (edited, cut short) is ignored: the previous page's link
    leads to the first page, not to a page refused for its cursor."""
    staff = staff_login("coordinator")
    second = rel_link(staff.get(f"{URL}?theme=Water&limit=10").text, "next")
    assert second is not None
    third = rel_link(staff.get(second).text, "next")
    assert third is not None
    query = parse_qs(urlsplit(third).query)
    for prev in (["-", "not-a-cursor"], ["-", query["prev"][-1][:-2]]):
        page = staff.get(URL, params={**query, "prev": prev})
        assert page.status_code == 200
        back = rel_link(page.text, "prev")
        assert back is not None and "cursor" not in back
        assert staff.get(back).status_code == 200


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
    second_url = rel_link(first, "next")
    assert second_url
    second = staff.get(second_url).text
    ids = [str(rec_id) for rec_id in row_ids(second)]
    assert len(ids) == WATER - 25
    form = {"scope": "selected", "ids": ids, "action": "update", "set_status": "in_progress"}
    answer = staff.post(html.unescape(second_url), form)
    assert answer.status_code == 303
    page = staff.get(answer.headers["location"]).text
    assert "Matching recommendations: 25" in page and row_ids(page) == []
    assert "No recommendation matches these filters." not in page
    assert "the others are on the pages before it." in page and rel_link(page, "prev")


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
    assert page.status_code == 200 and row_ids(page.text) == [first]
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
    # UPR Info issues are staff-only: no field (its suggestions listed every label) to be refused for.
    assert 'name="issue"' not in page.text and 'id="suggest-issue"' not in page.text
    assert reader.get(URL, params={"issue": "Water"}).status_code == 403
    assert 'name="issue"' in staff_login("coordinator").get(URL).text
    refused = reader.post(f"{URL}?theme=Water", {"scope": "all", "action": "update", "set_priority": "high"})
    assert refused.status_code == 403


def test_a_focal_point_reads_the_list_but_cannot_edit_in_bulk(
    staff_login: StaffLogin, world: World, db: Connection
) -> None:
    focal = staff_login("focal_point", entity_id=world.health)
    page = focal.get(URL, params={"theme": "Water"})
    assert page.status_code == 200 and len(row_ids(page.text)) == WATER
    assert 'name="ids"' not in page.text
    form = {"scope": "all", "expected": "32", "action": "update", "set_priority": "high"}
    assert focal.post(f"{URL}?theme=Water", form).status_code == 403
    assert locals_of(db) == {}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_arabic_text_is_shown_right_to_left(staff_login: StaffLogin, world: World, lang: str) -> None:
    staff = staff_login("coordinator")
    for params in ({"mechanism": "CESCR"}, {"q": "المياه"}):
        page = staff.get(URL, params={**params, "lang": lang}).text
        assert row_ids(page) == [world.ids["AR"]]
        assert '<p class="snippet" lang="ar" dir="rtl">' in page, params


def test_several_values_of_a_filter_are_all_searched(staff_login: StaffLogin, world: World) -> None:
    """The API takes several values of a filter (any of them matches), but the list kept the last one
    alone: ?theme=Water&theme=Education said "Matching recommendations: 4" (Education's) where the API
    counts 36, and ?family=upr&family=treaty-body listed the treaty bodies' alone. Every value is
    searched now, and the form shows them all: a label field holds them separated by ";", which may be
    typed there too, and a list of choices keeps each of them chosen."""
    client = staff_login("coordinator")
    both = client.get(URL, params=[("theme", "Water"), ("theme", "Education")])
    assert "Matching recommendations: 36" in both.text
    assert 'name="theme" type="text" value="Water; Education"' in both.text
    typed = client.get(URL, params={"theme": "Water; Education"}).text
    assert "Matching recommendations: 36" in typed
    # The reports of these recommendations get each label on its own, as the API takes them.
    assert 'href="/staff/reports?theme=Water&amp;theme=Education"' in typed
    families = client.get(URL, params=[("family", "upr"), ("family", "treaty-body")])
    assert "Matching recommendations: 39" in families.text
    chosen = families.text.split('id="field-family"', 1)[1].split("</select>", 1)[0]
    assert 'value="upr" selected' in chosen and 'value="treaty-body" selected' in chosen
    assert "Matching recommendations: 4" in client.get(URL, params={"family": "upr"}).text


@pytest.mark.parametrize("name", ["limit", "sort", "q", "cursor"])
def test_a_one_value_field_given_twice_is_named_not_read_for_its_last_value(
    staff_login: StaffLogin, world: World, name: str
) -> None:
    """The list took the last of ``limit=1&limit=2`` without a word (the API and the portal refuse it):
    now the page names the field, and keeps the rest of the filter as typed."""
    values = {
        "limit": ("25", "50"),
        "sort": ("newest", "oldest"),
        "q": ("water", "school"),
        "cursor": ("a", "b"),
    }
    twice = [(name, value) for value in values[name]]
    response = staff_login("coordinator").get(URL, params=[("theme", "Water"), *twice])
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert f'<a href="#field-{name}">' in text or f'href="#{name}"' in text, text
    assert "This field takes one value: the address gives it several." in text
    assert 'name="theme" type="text" value="Water"' in text
