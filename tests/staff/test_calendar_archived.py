"""The calendar pages and an entity archived since a deadline was given to it: the deadline's form
keeps it (saving the form without touching the box leaves it), and the list filtered on it says so."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Connection, Engine, update
from sqlalchemy.orm import Session

from app.models import Deadline, Entity
from tests import accounts
from tests.conftest import ModuleWorld
from tests.deadlines.conftest import EDUCATION_CUSTOM, CalendarWorld, build_world
from tests.staff.conftest import StaffLogin


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> CalendarWorld:
    return module_world(build_world, migrated_engine)


def _archive(db: Connection, entity_id: int) -> None:
    db.execute(update(Entity).where(Entity.id == entity_id).values(archived=True))


def _selected(html: str, name: str) -> str:
    """The value a browser sends for the select box ``name`` as the page has it."""
    box = re.search(rf'<select id="field-{name}" name="{name}".*?</select>', html, re.S)
    assert box, f"no {name} box"
    chosen = re.search(r'<option value="([^"]*)" selected', box.group(0))
    return chosen.group(1) if chosen else ""


def test_saving_a_deadline_keeps_its_entity_archived_since(
    staff_login: StaffLogin, world: CalendarWorld, db: Connection
) -> None:
    # The box offered current entities only: the archived one read "None: a general deadline", and a
    # coordinator who corrected the title made the deadline general, shown to every focal point.
    _archive(db, world.education)
    staff = staff_login("coordinator")
    page = staff.get(f"/staff/calendar/{world.education_custom}", params={"lang": "fr"}).text
    assert _selected(page, "entity_id") == str(world.education)
    assert "Ministry of Education (archivée)" in page
    tag = re.search(r'name="etag" value="([^"]*)"', page)
    due_on = re.search(r'name="due_on" type="date" value="([^"]*)"', page)
    assert tag and due_on
    saved = staff.post(
        f"/staff/calendar/{world.education_custom}",
        {
            "etag": tag.group(1).replace("&#34;", '"'),
            "title": f"{EDUCATION_CUSTOM} (moved)",
            "due_on": due_on.group(1),
            "entity_id": _selected(page, "entity_id"),
        },
    )
    assert saved.status_code == 303, saved.text
    with Session(db) as session:
        row = session.get(Deadline, world.education_custom)
        assert row is not None and row.title == f"{EDUCATION_CUSTOM} (moved)"
        assert row.entity_id == world.education
    # The archived entity's focal points no longer see it, as in their calendar feed and digest.
    focal = staff_login("focal_point", entity_id=world.education)
    assert focal.get(f"/staff/calendar/{world.education_custom}").status_code == 404


def test_the_list_filtered_on_an_archived_entity_keeps_it_in_its_box(
    staff_login: StaffLogin, world: CalendarWorld, db: Connection
) -> None:
    # The list was filtered, but its box read "Any entity": the next "Filter" listed every deadline.
    _archive(db, world.education)
    page = staff_login("coordinator").get("/staff/calendar", params={"from": "", "entity": world.education})
    assert page.status_code == 200 and EDUCATION_CUSTOM in page.text
    assert _selected(page.text, "entity") == str(world.education)
    assert "Ministry of Education (archived)" in page.text


def test_a_reader_is_offered_only_the_entities_the_public_sees(
    staff_login: StaffLogin, world: CalendarWorld, db: Connection
) -> None:
    # A reader reads what the public reads; the entity box named every entity, those nothing public
    # names included (and, filtered on one by its id, an archived one too).
    hidden = accounts.create_entity(db, "Planted Hidden Unit")
    reader = staff_login("reader")
    page = reader.get("/staff/calendar", params={"from": ""}).text
    assert "Planted Hidden Unit" not in page
    assert "Ministry of Education" in page  # it has a published action
    filtered = reader.get("/staff/calendar", params={"from": "", "entity": hidden})
    assert filtered.status_code == 200 and "Planted Hidden Unit" not in filtered.text
    _archive(db, hidden)
    archived = reader.get("/staff/calendar", params={"from": "", "entity": hidden}).text
    assert "Planted Hidden Unit" not in archived
    staff = staff_login("coordinator").get("/staff/calendar", params={"from": "", "entity": hidden}).text
    assert "Planted Hidden Unit (archived)" in staff
