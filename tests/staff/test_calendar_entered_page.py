"""An entered deadline's page as those who may only read it see it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Connection, Engine, update

from app.models import Deadline
from app.web.i18n import translations
from tests.conftest import ModuleWorld
from tests.deadlines.conftest import CalendarWorld, build_world
from tests.staff.conftest import StaffClient, StaffLogin


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> CalendarWorld:
    return module_world(build_world, migrated_engine)


def test_the_notes_keep_their_lines(staff_login: StaffLogin, world: CalendarWorld, db: Connection) -> None:
    # A coordinator's notes in lines (what to send, to whom) read as one run-on paragraph.
    notes = "1. Ask the ministry for the figures\n2. Send the draft to the coordinator"
    db.execute(update(Deadline).where(Deadline.id == world.education_custom).values(notes=notes))
    page = staff_login("focal_point", entity_id=world.education).get(
        f"/staff/calendar/{world.education_custom}"
    )
    assert page.status_code == 200
    shown = re.search(r"<dd([^>]*)>1\. Ask the ministry", page.text)
    assert shown and 'class="pre-line"' in shown.group(1)


def test_the_next_review_form_offers_the_upr_as_its_mechanism(
    staff_login: StaffLogin, world: CalendarWorld
) -> None:
    # It read "No mechanism", and the review left so was saved under the UPR all the same.
    page = staff_login("coordinator").get("/staff/calendar/new", params={"kind": "upr_review"}).text
    assert '<option value="UPR" selected>' in page
    other = staff_login("coordinator").get("/staff/calendar/new").text
    box = re.search(r'<select id="field-mechanism".*?</select>', other, re.S)
    assert box and "selected>" not in box.group(0)


def _saved_first(staff: StaffClient, world: CalendarWorld) -> dict[str, str]:
    """The deadline's form as read, once saved: sent again, it meets someone else's save (412)."""
    page = staff.get(f"/staff/calendar/{world.education_custom}").text
    tag = re.search(r'name="etag" value="([^"]*)"', page)
    assert tag
    form = {"etag": tag.group(1).replace("&#34;", '"'), "title": "Hearing", "due_on": "2027-03-01"}
    assert staff.post(f"/staff/calendar/{world.education_custom}", form).status_code == 303
    return form


def test_a_conflict_names_the_ticked_boxes_in_the_pages_words(
    staff_login: StaffLogin, world: CalendarWorld
) -> None:
    # "What you typed" read "Published: true" on a French page, and said nothing of an unticked box.
    staff = staff_login("coordinator")
    form = _saved_first(staff, world)
    late = staff.post(f"/staff/calendar/{world.education_custom}?lang=fr", {**form, "published": "true"})
    assert late.status_code == 412
    assert "<dt>Publiée</dt><dd>Oui</dd>" in late.text and "<dt>Fait</dt><dd>Non</dd>" in late.text
    assert ">true<" not in late.text
    # A deletion typed nothing: its conflict lists no box.
    deleting = staff.post(
        f"/staff/calendar/{world.education_custom}/delete?lang=fr", {"etag": form["etag"], "confirmed": "yes"}
    )
    assert deleting.status_code == 412 and "<dt>Fait</dt>" not in deleting.text


def test_a_conflict_keeps_the_lines_of_what_was_typed(staff_login: StaffLogin, world: CalendarWorld) -> None:
    # Notes typed in lines came back as one line to copy: the lines were lost on the way back.
    staff = staff_login("coordinator")
    form = _saved_first(staff, world)
    late = staff.post(f"/staff/calendar/{world.education_custom}", {**form, "notes": "First\nSecond"})
    assert late.status_code == 412
    assert re.search(r'<dl class="facts typed">.*<dd>First\nSecond</dd>', late.text, re.S)
    stylesheet = staff.get("/staff/static/staff.css").text
    assert ".typed dd { white-space: pre-line; }" in stylesheet


ONE_LINE = "Write it on one line, without a line break."


def test_a_title_in_two_lines_is_refused_in_the_pages_language(
    staff_login: StaffLogin, world: CalendarWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A title pasted from Word (its line break a vertical tab, which a text box keeps) was refused in
    # pydantic's English on a Spanish page: "Input should be one line, without a line break".
    spanish = "Escriba el texto en una sola línea, sin saltos de línea."
    monkeypatch.setitem(vars(translations("es"))["_catalog"], ONE_LINE, spanish)
    form = {"kind": "custom", "title": "Informe\x0bal Congreso", "due_on": "2027-01-01"}
    refused = staff_login("coordinator").post("/staff/calendar?lang=es", form)
    assert refused.status_code == 422 and 'href="#field-title"' in refused.text
    assert spanish in refused.text and "Input should be" not in refused.text
