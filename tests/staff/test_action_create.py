"""Creating an action on its form: every field stored, a refusal that names the field (every wrong
field at once) and keeps what was typed, in the page's language, and a budget typed and shown the
page's way."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.orm import Session

from app.models import ActionCluster, ActionEntity, ActionRecommendation, ActionSdg, Recommendation
from tests.conftest import ModuleWorld
from tests.staff.action_world import ActionWorld, action_count, build_world, stored
from tests.staff.conftest import StaffLogin


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> ActionWorld:
    return module_world(build_world, migrated_engine)


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
    assert action_count(db) == 3


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
    assert action_count(db) == 3


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
        # A region the address names: Mexico's Spanish writes Mexico's numbers (Spain's read 1500.5).
        ("es-MX", "1.500", "1.50", "PEN\xa01.50", "1.5"),
        ("es-MX", "1,500.5", "1500.50", "PEN\xa01,500.50", "1500.5"),
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
        # Not a number either, though Python's Decimal reads them: pydantic's own English words were shown
        ("en", "NaN", "Enter a number, e.g. 1500.5."),
        ("fr", "Infinity", "Saisissez un nombre, p. ex. 1500,5."),
        ("es", "-inf", "Escriba un número, p. ej. 1500,5."),
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


def test_recommendations_are_typed_as_the_workspace_names_them(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    """The list names a recommendation by its document and paragraph ("CRC/C/XX/CO/6 ¶ 13") and the
    action and cluster pages add its number ("#12"); typed so in the box, the pilcrow was taken for a
    document symbol and refused ("no recommendation has the document symbol ¶"), and "#12" too: the
    internal id, which the list does not show, was the only way to link one recommendation of a
    document."""
    staff = staff_login("coordinator")
    typed = f"CRC/C/XX/CO/6 ¶ 13, CRC/C/XX/CO/7 ¶4; #{world.recs['one']}"
    response = staff.post("/staff/actions", {**FULL_FORM, "recommendation_ids": typed})
    assert response.status_code == 303, response.text
    action_id = int(re.findall(r"\d+", response.headers["location"])[0])
    assert _links(db, action_id)["recommendations"] == set(world.recs.values())

    unknown = staff.post("/staff/actions", {**FULL_FORM, "recommendation_ids": "CRC/C/XX/CO/6 ¶ 99"})
    assert unknown.status_code == 422
    reason = "CRC/C/XX/CO/6 has no paragraph 99"
    assert re.search(rf'<a href="#field-recommendation_ids">[^<]*{re.escape(reason)}', unknown.text)
    assert "CRC/C/XX/CO/6 ¶ 99</textarea>" in unknown.text


def test_a_document_typed_links_its_current_recommendations(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    """A document's symbol linked every recommendation stored under it, those an import withdrew too,
    which the action's page then marks Withdrawn and asks to replace: it links the document's current
    ones, as its list shows them. A withdrawn one named by its paragraph is still linked as asked."""
    db.execute(update(Recommendation).where(Recommendation.id == world.recs["two"]).values(withdrawn=True))
    staff = staff_login("coordinator")
    response = staff.post("/staff/actions", {**FULL_FORM, "recommendation_ids": "crc/c/xx/co/6"})
    assert response.status_code == 303, response.text
    action_id = int(re.findall(r"\d+", response.headers["location"])[0])
    assert _links(db, action_id)["recommendations"] == {world.recs["one"]}
    named = staff.post("/staff/actions", {**FULL_FORM, "recommendation_ids": "CRC/C/XX/CO/6 ¶ 13"})
    assert named.status_code == 303, named.text
    action_id = int(re.findall(r"\d+", named.headers["location"])[0])
    assert _links(db, action_id)["recommendations"] == {world.recs["two"]}
