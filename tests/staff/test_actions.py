"""The action list: who may open the action pages (ROUTES, each role), CSRF, "my actions" for a focal
point, the filters and keyset pages. Creating an action: test_action_create.py; one action's page:
test_action_detail.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Connection, Engine

from app.staff import actions as action_pages
from tests.conftest import ModuleWorld
from tests.staff.action_world import ActionWorld, action_count, audit_count, build_world, stored
from tests.staff.conftest import StaffLogin
from tests.staff.route_table import COLUMNS, check_object_routes

ROUTES = """
GET    /staff/actions                               200 200 200 403 303
GET    /staff/actions/new                           200 200 403 403 303
POST   /staff/actions                               422 422 403 403 303
GET    /staff/actions/{id}                          200 200 200 403 303
POST   /staff/actions/{id}                          422 422 403 403 303
POST   /staff/actions/{id}/publish                  422 422 403 403 303
POST   /staff/actions/{id}/recommendations/add      422 422 403 403 303
POST   /staff/actions/{id}/recommendations/remove   422 422 403 403 303
"""


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> ActionWorld:
    return module_world(build_world, migrated_engine)


@pytest.mark.parametrize("column", COLUMNS)
def test_pages_of_one_action_answer_each_role_as_listed(
    column: str, staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    """The focal point of the column is of entity B (education): the judges' action is entity A's,
    so every form of it is refused, and nothing changes."""
    before = (stored(db, world.judges).version, audit_count(db, "action.update"))
    failures = check_object_routes(ROUTES, column, world.judges, staff_login, world.education)
    assert failures == []
    assert (stored(db, world.judges).version, audit_count(db, "action.update")) == before


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    staff = staff_login("coordinator")
    before = stored(db, world.judges)
    forms: list[tuple[str, dict[str, Any]]] = [
        ("/staff/actions", {"title": "Forged", "status": "planned"}),
        (f"/staff/actions/{world.judges}", {"title": "Forged", "status": "planned", "etag": '"1"'}),
        (f"/staff/actions/{world.judges}/publish", {"published": "true", "etag": '"1"'}),
        (f"/staff/actions/{world.judges}/recommendations/add", {"add": SYMBOL_TWO, "etag": '"1"'}),
    ]
    for path, form in forms:
        for token in ("", "another-sessions-token"):
            response = staff.post(path, form, csrf=token)
            assert response.status_code == 403, path
            assert "security token" in response.text
    after = stored(db, world.judges)
    assert (after.title, after.published, after.version) == (before.title, before.published, before.version)
    assert action_count(db) == 3


SYMBOL_TWO = "CRC/C/XX/CO/7"


# The list ---------------------------------------------------------------------------------------


def _titles(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/staff/actions/\d+">([^<]+)</a>', html)


def test_the_menu_has_actions_for_staff_only(staff_login: StaffLogin, world: ActionWorld) -> None:
    assert 'href="/staff/actions"' in staff_login("coordinator").get("/staff/").text
    assert 'href="/staff/actions"' in staff_login("focal_point", entity_id=world.justice).get("/staff/").text
    assert 'href="/staff/actions"' not in staff_login("reader").get("/staff/").text


def test_managers_see_every_action_with_due_date_status_and_overdue_marked(
    staff_login: StaffLogin, world: ActionWorld
) -> None:
    page = staff_login("coordinator").get("/staff/actions")
    assert page.status_code == 200
    assert "Actions found: 3" in page.text
    assert _titles(page.text) == ["Print textbooks", "Build rural schools", "Train judges"]
    row = re.search(
        rf'<tr>\s*<th scope="row"><a href="/staff/actions/{world.judges}">.*?</tr>', page.text, re.S
    )
    assert row
    assert "Ministry of Justice" in row.group(0) and "In progress" in row.group(0)
    assert "Jun 30, 2021" in row.group(0) and "overdue" in row.group(0)
    assert "Create an action" in page.text


def test_a_focal_point_opens_on_my_actions_and_may_see_all(
    staff_login: StaffLogin, world: ActionWorld
) -> None:
    focal = staff_login("focal_point", entity_id=world.justice)
    mine = focal.get("/staff/actions")
    assert "My actions: 2" in mine.text
    # Led (judges) or supported (schools) by their entity; not the other entity's alone.
    assert _titles(mine.text) == ["Build rural schools", "Train judges"]
    assert f'<option value="{world.justice}" selected>' in mine.text
    assert "Create an action" not in mine.text
    everything = focal.get("/staff/actions?entity=")
    assert "Actions found: 3" in everything.text
    led = focal.get(f"/staff/actions?entity={world.justice}&role=lead")
    assert _titles(led.text) == ["Train judges"]


def test_the_list_filtered_on_an_archived_entity_says_so_in_its_box(
    staff_login: StaffLogin, world: ActionWorld
) -> None:
    """A focal point of an entity archived since opens on its actions: the box shows the entity (not
    "Any"), so that the next "Apply the filters" keeps it."""
    focal = staff_login("focal_point", entity_id=world.archived_entity)
    page = focal.get("/staff/actions")
    assert f'<option value="{world.archived_entity}" selected>Old Ministry (archived)</option>' in page.text
    assert f'<option value="{world.archived_entity}"' not in focal.get("/staff/actions?entity=").text
    assert focal.get("/staff/actions?entity=99999999999999999999999").status_code == 422


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("status=in_progress", ["Train judges"]),
        ("overdue=true", ["Train judges"]),
        ("overdue=false", ["Print textbooks", "Build rural schools"]),
        ("published=true", ["Print textbooks"]),
        ("published=false", ["Build rural schools", "Train judges"]),
        ("q=JUDGES+train", ["Train judges"]),
        ("q=tr%C3%A1in", ["Train judges"]),  # accents aside, as the recommendations' search
        ("due_before=2022-01-01", ["Train judges"]),
        ("due_after=2022-01-01", ["Build rural schools"]),
    ],
)
def test_filters(staff_login: StaffLogin, world: ActionWorld, query: str, titles: list[str]) -> None:
    page = staff_login("coordinator").get(f"/staff/actions?{query}")
    assert page.status_code == 200
    assert _titles(page.text) == titles


def test_a_status_in_capitals_is_chosen_in_its_box(staff_login: StaffLogin, world: ActionWorld) -> None:
    # The list was of that status (letter case aside) but the box said "Any": the next "Apply" dropped it.
    page = staff_login("coordinator").get("/staff/actions?status=IN_PROGRESS")
    assert page.status_code == 200 and _titles(page.text) == ["Train judges"]
    assert '<option value="in_progress" selected>' in page.text


def test_a_refused_filter_names_the_box_and_keeps_what_was_typed(
    staff_login: StaffLogin, world: ActionWorld
) -> None:
    page = staff_login("coordinator").get("/staff/actions?due_before=2021-02-30&q=judges")
    assert page.status_code == 422
    assert '<a href="#field-due_before">Due on or before:' in page.text
    assert 'value="2021-02-30"' in page.text and 'value="judges"' in page.text
    tampered = staff_login("coordinator").get("/staff/actions?cursor=not-a-cursor")
    assert tampered.status_code == 422 and "There is a problem" in tampered.text
    # An entity that does not exist (typed into the address): the API's reason, beside the entity box.
    unknown = staff_login("coordinator").get("/staff/actions?entity=987654")
    assert unknown.status_code == 422
    assert 'href="#field-entity"' in unknown.text and "is not a known entity id" in unknown.text


def test_keyset_pages_forward_and_back(
    staff_login: StaffLogin, world: ActionWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(action_pages, "ACTIONS_PER_PAGE", 2)
    staff = staff_login("coordinator")
    first = staff.get("/staff/actions")
    assert _titles(first.text) == ["Print textbooks", "Build rural schools"]
    next_link = re.search(r'href="([^"]*)" rel="next"', first.text)
    assert next_link
    second = staff.get(next_link.group(1).replace("&amp;", "&"))
    assert _titles(second.text) == ["Train judges"] and 'rel="next"' not in second.text
    back = re.search(r'href="([^"]*)" rel="prev"', second.text)
    assert back
    assert _titles(staff.get(back.group(1).replace("&amp;", "&")).text) == _titles(first.text)
