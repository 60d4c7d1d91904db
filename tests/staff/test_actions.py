"""The action list and creating an action: roles, CSRF, "my actions" for a focal point, the filters
and keyset pages, and a create form that names the refused field and keeps what was typed."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from app.models import Action, ActionCluster, ActionEntity, ActionRecommendation, ActionSdg
from app.staff import actions as action_pages
from tests.conftest import ModuleWorld
from tests.staff.action_world import ActionWorld, audit_count, build_world, stored
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


def _count(db: Connection) -> int:
    with Session(db) as session:
        return session.scalar(select(func.count()).select_from(Action)) or 0


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
    assert _count(db) == 3


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


def test_a_refused_filter_names_the_box_and_keeps_what_was_typed(
    staff_login: StaffLogin, world: ActionWorld
) -> None:
    page = staff_login("coordinator").get("/staff/actions?due_before=2021-02-30&q=judges")
    assert page.status_code == 422
    assert '<a href="#field-due_before">Due on or before:' in page.text
    assert 'value="2021-02-30"' in page.text and 'value="judges"' in page.text
    tampered = staff_login("coordinator").get("/staff/actions?cursor=not-a-cursor")
    assert tampered.status_code == 422 and "There is a problem" in tampered.text


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


# Creating ---------------------------------------------------------------------------------------


def _links(db: Connection, action_id: int) -> dict[str, set[int]]:
    with Session(db) as session:

        def ids(column: Any, owner: Any) -> set[int]:
            return set(session.scalars(select(column).where(owner == action_id)))

        return {
            "recommendations": ids(ActionRecommendation.recommendation_id, ActionRecommendation.action_id),
            "clusters": ids(ActionCluster.cluster_id, ActionCluster.action_id),
            "entities": ids(ActionEntity.entity_id, ActionEntity.action_id),
            "sdgs": ids(ActionSdg.term_id, ActionSdg.action_id),
        }


FULL_FORM = {
    "title": "  Set up juvenile courts ",
    "description": "In every region.",
    "start_date": "2026-01-01",
    "due_date": "2026-12-31",
    "status": "planned",
    "budget_amount": "12000.5",
    "budget_currency": "usd",
    "budget_source": "Donor",
    "sdg_targets": "16.3, 16.a",
}


def test_create_an_action_with_every_field(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    staff = staff_login("coordinator")
    form = staff.get(f"/staff/actions/new?recommendation={world.recs['three']}&cluster={world.cluster}")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    assert f">{world.recs['three']}</textarea>" in form.text  # prefilled from the recommendation's page
    assert f'value="{world.cluster}" checked' in form.text
    assert "Old Ministry" not in form.text  # archived entities are not offered
    response = staff.post(
        "/staff/actions",
        {
            **FULL_FORM,
            "lead_entity_id": str(world.justice),
            # The lead ticked among the supporting entities too: it stays the lead only.
            "supporting_entity_ids": [str(world.justice), str(world.education)],
            "recommendation_ids": f"{world.recs['three']}, CRC/C/XX/CO/6",
            "cluster_ids": [str(world.cluster)],
        },
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/staff/actions/(\d+)\?done=action-created", response.headers["location"])
    assert match
    action = stored(db, int(match.group(1)))
    assert (action.title, action.description, action.status, action.published) == (
        "Set up juvenile courts",
        "In every region.",
        "planned",
        False,
    )
    assert (str(action.start_date), str(action.due_date), action.lead_entity_id) == (
        "2026-01-01",
        "2026-12-31",
        world.justice,
    )
    assert (float(action.budget_amount or 0), action.budget_currency, action.budget_source) == (
        12000.5,
        "USD",
        "Donor",
    )
    links = _links(db, action.id)
    assert links["recommendations"] == set(world.recs.values())
    assert links["clusters"] == {world.cluster} and links["entities"] == {world.education}
    assert len(links["sdgs"]) == 2
    assert "The action is created." in staff.get(response.headers["location"]).text


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"title": "  "}, "title", "This is required."),
        ({"due_date": "2025-12-31"}, "due_date", "is before the start date"),
        ({"start_date": "2026-02-30"}, "start_date", ""),
        ({"budget_amount": "12.345"}, "budget_amount", "Write at most 2 digits after the decimal point."),
        ({"budget_currency": "dollars"}, "budget_currency", "Write it as the hint beside the box shows."),
        ({"budget_currency": ""}, "budget_currency", "This is required."),
        ({"budget_amount": ""}, "budget_amount", ""),
        ({"sdg_targets": "16.3, 99.9"}, "sdg_targets", "99.9"),
        ({"recommendation_ids": "CRC/C/NOPE/1"}, "recommendation_ids", "CRC/C/NOPE/1"),
        # What was typed, quoted in the reason, is text on the page: never markup.
        ({"recommendation_ids": "<b>X/1</b>"}, "recommendation_ids", "&lt;b&gt;X/1&lt;/b&gt;"),
        ({"title": ""}, "title", "This is required."),
        ({"recommendation_ids": "999999"}, "recommendation_ids", "unknown id: 999999"),
        ({"lead_entity_id": "ARCHIVED"}, "lead_entity_id", "archived"),
    ],
)
def test_create_refused_names_the_field_and_keeps_what_was_typed(
    staff_login: StaffLogin,
    db: Connection,
    world: ActionWorld,
    changes: dict[str, str],
    field: str,
    reason: str,
) -> None:
    if changes.get("lead_entity_id") == "ARCHIVED":
        changes = {"lead_entity_id": str(world.archived_entity)}
    staff = staff_login("coordinator")
    form = {
        **FULL_FORM,
        "description": "Kept <b>as typed</b>",
        "supporting_entity_ids": [str(world.education)],
    }
    response = staff.post("/staff/actions", {**form, **changes})
    assert response.status_code == 422
    assert re.search(rf'<a href="#field-{field}">[^<]*{re.escape(reason)}', response.text), response.text
    assert "Kept &lt;b&gt;as typed&lt;/b&gt;</textarea>" in response.text
    assert 'value="Donor"' in response.text
    assert re.search(rf'value="{world.education}" checked', response.text)
    assert _count(db) == 3


def test_create_names_every_wrong_field_at_once(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    """The schema's refusals (the title, a currency), an unknown symbol and the service's (the dates,
    an SDG code) in one answer, not one per attempt."""
    staff = staff_login("coordinator")
    wrong = {
        "title": "",
        "budget_currency": "XYZ",
        "recommendation_ids": "NO/SUCH/1",
        "start_date": "2025-06-01",
        "due_date": "2025-05-31",
        "sdg_targets": "18.1",
    }
    response = staff.post("/staff/actions", {**FULL_FORM, **wrong})
    assert response.status_code == 422
    # Listed as the form lists its boxes, whichever check refused them.
    order = ("title", "due_date", "budget_currency", "recommendation_ids", "sdg_targets")
    positions = [response.text.find(f'<a href="#field-{field}">') for field in order]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "NO/SUCH/1</textarea>" in response.text and 'value="18.1"' in response.text
    assert _count(db) == 3


def test_a_refusal_is_in_the_page_s_language(staff_login: StaffLogin, world: ActionWorld) -> None:
    staff = staff_login("coordinator")
    response = staff.post("/staff/actions?lang=fr", {**FULL_FORM, "title": "", "budget_amount": "douze"})
    assert response.status_code == 422
    assert "Ce champ est obligatoire." in response.text  # the title
    assert "This is required." not in response.text


def test_a_service_s_reason_and_a_limit_are_in_the_page_s_language(
    staff_login: StaffLogin, world: ActionWorld
) -> None:
    staff = staff_login("coordinator")
    dates = {"start_date": "2026-06-01", "due_date": "2026-05-01"}
    refused = staff.post("/staff/actions?lang=fr", {**FULL_FORM, **dates})
    assert refused.status_code == 422
    assert "est antérieure à la date de début" in refused.text  # the service's reason
    assert "is before" not in refused.text and "(start_date)" not in refused.text
    decimals = staff.post("/staff/actions?lang=fr", {**FULL_FORM, "budget_amount": "12.345"})
    assert decimals.status_code == 422
    assert "Écrivez au plus 2 chiffres après la virgule." in decimals.text  # pydantic's limit
    cursor = staff.get("/staff/actions?cursor=abc&lang=es")
    assert cursor.status_code == 422
    assert "no es una posición de página válida" in cursor.text and "not a cursor" not in cursor.text


@pytest.mark.parametrize(
    ("lang", "typed", "stored_amount", "shown", "in_the_box"),
    [
        # The page's own way, grouped or not, and the API's way (what the box showed before).
        ("fr", "175 000,75", "175000.75", "175\u202f000,75\xa0PEN", "175000,75"),
        ("fr", "175000.75", "175000.75", "175\u202f000,75\xa0PEN", "175000,75"),
        ("es", "1.500,5", "1500.50", "1.500,50\xa0PEN", "1500,5"),
        ("es", "1500.5", "1500.50", "1.500,50\xa0PEN", "1500,5"),
        ("en", "1,500.5", "1500.50", "PEN\xa01,500.50", "1500.5"),  # a code is spaced from its digits
    ],
)
def test_a_budget_is_typed_and_shown_the_pages_way(
    lang: str,
    typed: str,
    stored_amount: str,
    shown: str,
    in_the_box: str,
    staff_login: StaffLogin,
    db: Connection,
    world: ActionWorld,
) -> None:
    """A French or Spanish budget with a decimal comma ("175000,75") was refused ("with a point"),
    though the page itself wrote amounts that way."""
    staff = staff_login("coordinator")
    form = {**FULL_FORM, "budget_amount": typed, "budget_currency": "PEN"}
    response = staff.post(f"/staff/actions?lang={lang}", form)
    assert response.status_code == 303, response.text
    action_id = int(re.findall(r"\d+", response.headers["location"])[0])
    assert f"{stored(db, action_id).budget_amount:f}" == stored_amount
    page = html.unescape(staff.get(f"/staff/actions/{action_id}?lang={lang}").text)
    assert shown in page  # the amount with its cents, the page's way
    assert f'name="budget_amount" type="text" value="{in_the_box}"' in page  # reads back the same


@pytest.mark.parametrize(
    ("lang", "typed", "reason"),
    [
        ("fr", "douze", "Saisissez un nombre, p. ex. 1500,5."),
        ("en", "175000,75", "Enter a number, e.g. 1500.5."),  # a comma is no decimal point in English
        ("es", "1,2,3", "Escriba un número, p. ej. 1500,5."),
    ],
)
def test_a_budget_that_is_no_number_is_refused_in_the_pages_words(
    lang: str, typed: str, reason: str, staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    response = staff_login("coordinator").post(
        f"/staff/actions?lang={lang}", {**FULL_FORM, "budget_amount": typed}
    )
    assert response.status_code == 422
    assert reason in html.unescape(response.text)
    assert f'value="{typed}"' in html.unescape(response.text)  # kept as typed
