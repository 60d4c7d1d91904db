"""The calendar's forms: a refused deadline says why in the page's language and keeps what was
typed; a coordinator adds, edits (ETag round trip) and deletes an entered deadline; the next UPR
review's form suggests its mid-term date."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Deadline
from tests.conftest import ModuleWorld
from tests.deadlines.conftest import CalendarWorld, build_world
from tests.staff.conftest import StaffLogin
from tests.staff.recommendation_world import etag_of


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> CalendarWorld:
    return module_world(build_world, migrated_engine)


def _row(db: Connection, deadline_id: int) -> Deadline | None:
    with Session(db) as session:
        row = session.get(Deadline, deadline_id)
        if row is not None:
            session.expunge(row)
        return row


@pytest.mark.parametrize("path", ["/staff/calendar/publish", "/staff/calendar/sent"])
def test_a_hand_made_publish_or_sent_form_is_refused_in_the_pages_language(
    staff_login: StaffLogin, world: CalendarWorld, path: str
) -> None:
    """Only a hand-made request sends these values (the page's buttons send valid ones): each refused
    field is named with its reason in the page's language, not one English line joined by a bare "; "."""
    staff = staff_login("coordinator")
    refused = staff.post(f"{path}?lang=fr", {"kind": "bogus", "object_id": "x", "published": "maybe"})
    assert refused.status_code == 422
    main = refused.text.split("<main", 1)[1]
    assert "<strong>kind</strong> : Choisissez l\u2019une des options." in main
    assert "<strong>object_id</strong> : Saisissez un nombre entier." in main
    assert "Choose one of the options" not in main and "; " not in main


def test_a_refused_deadline_form_says_why_in_the_pages_language(
    staff_login: StaffLogin, world: CalendarWorld
) -> None:
    staff = staff_login("coordinator")
    added = staff.post("/staff/calendar?lang=fr", {"kind": "custom", "title": "", "due_on": "31/05/2027"})
    assert added.status_code == 422
    assert "Ce champ est obligatoire." in added.text  # the title, not pydantic's English
    assert "Saisissez une date sous la forme année-mois-jour" in added.text
    assert "Input should be" not in added.text and "YYYY-MM-DD" not in added.text
    page = staff.get(f"/staff/calendar/{world.review}")
    edited = staff.post(
        f"/staff/calendar/{world.review}?lang=es", {"etag": etag_of(page.text), "title": " ", "due_on": ""}
    )
    assert edited.status_code == 422
    # Both boxes left empty are required (the date was told to "write a date as year-month-day").
    assert 'href="#field-title"' in edited.text and 'href="#field-due_on"' in edited.text
    assert "Este campo es obligatorio." in edited.text and "Escriba una fecha" not in edited.text
    assert "may not be null" not in edited.text
    review = staff.post(
        "/staff/calendar?lang=fr",
        {"kind": "upr_review", "title": "Sixth", "due_on": "2031-05-10", "last_review_on": "2032-01-01"},
    )
    assert review.status_code == 422 and "doit précéder la date du prochain examen" in review.text
    assert "(due_on)" not in review.text  # the API's words name its fields; the page's, its labels


def test_a_mid_term_date_after_the_next_review_is_refused_in_the_forms_words(
    staff_login: StaffLogin, world: CalendarWorld
) -> None:
    staff = staff_login("coordinator")
    form = {"kind": "upr_review", "title": "Sixth", "due_on": "2031-05-10", "last_review_on": "2027-01-01"}
    refused = staff.post("/staff/calendar", {**form, "midterm_on": "2032-01-01"})
    assert refused.status_code == 422
    assert (
        '<a href="#field-midterm_on">Mid-term report date: must be after the last review date and before'
        " the next review date</a>" in refused.text
    )
    assert "last_review_on and" not in refused.text and "due_on</a>" not in refused.text
    backwards = staff.post("/staff/calendar", {**form, "last_review_on": "2032-01-01"})
    assert "Last review date: must be before the next review date</a>" in backwards.text


def test_a_coordinator_adds_edits_and_deletes_a_deadline(
    staff_login: StaffLogin, world: CalendarWorld, db: Connection
) -> None:
    staff = staff_login("coordinator")
    refused = staff.post(
        "/staff/calendar", {"kind": "custom", "title": "Report to parliament", "due_on": "soon"}
    )
    assert refused.status_code == 422
    assert 'href="#field-due_on"' in refused.text and 'value="Report to parliament"' in refused.text
    created = staff.post(
        "/staff/calendar",
        {
            "kind": "custom",
            "title": "Report to parliament",
            "due_on": "2027-04-01",
            "entity_id": str(world.justice),
        },
    )
    assert created.status_code == 303, created.text
    match = re.fullmatch(r"/staff/calendar/(\d+)\?done=deadline-created", created.headers["location"])
    assert match
    deadline_id = int(match.group(1))
    page = staff.get(f"/staff/calendar/{deadline_id}")
    tag = etag_of(page.text)
    saved = staff.post(
        f"/staff/calendar/{deadline_id}",
        {"etag": tag, "title": "Report to parliament (final)", "due_on": "2027-04-02", "published": "true"},
    )
    assert saved.status_code == 303, saved.text
    row = _row(db, deadline_id)
    assert row is not None and row.title == "Report to parliament (final)" and row.published
    assert row.entity_id is None  # the form sent no entity: a general deadline now
    stale = staff.post(
        f"/staff/calendar/{deadline_id}", {"etag": tag, "title": "Lost", "due_on": "2027-04-02"}
    )
    assert stale.status_code == 412 and "Lost" in stale.text
    stale_delete = staff.post(f"/staff/calendar/{deadline_id}/delete", {"etag": tag, "confirmed": "yes"})
    assert stale_delete.status_code == 412
    current = etag_of(staff.get(f"/staff/calendar/{deadline_id}").text)
    # Asked once more, on a page of its own (a 303 to a GET): Back after deleting resends no form.
    sent = staff.post(f"/staff/calendar/{deadline_id}/delete", {"etag": current})
    assert sent.status_code == 303 and sent.headers["location"].startswith(
        f"/staff/calendar/{deadline_id}/delete?"
    )
    asked = staff.get(sent.headers["location"])
    assert asked.status_code == 200 and "Delete the deadline Report to parliament (final)?" in asked.text
    assert etag_of(asked.text) == current
    assert _row(db, deadline_id) is not None
    deleted = staff.post(f"/staff/calendar/{deadline_id}/delete", {"etag": current, "confirmed": "yes"})
    assert deleted.status_code == 303 and _row(db, deadline_id) is None
    back = staff.get(sent.headers["location"])  # Back to the question: the calendar
    assert back.status_code == 303 and back.headers["location"] == "/staff/calendar"
    with Session(db) as session:
        actions = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "deadline", AuditEvent.object_id == deadline_id
            )
        ).all()
    assert list(actions) == ["deadline.create", "deadline.update", "deadline.delete"]


def test_the_next_upr_review_form_suggests_the_midterm(staff_login: StaffLogin, world: CalendarWorld) -> None:
    staff = staff_login("admin")
    form = staff.get("/staff/calendar/new", params={"kind": "upr_review"})
    assert 'name="last_review_on"' in form.text and 'name="midterm_on"' in form.text
    created = staff.post(
        "/staff/calendar",
        {
            "kind": "upr_review",
            "title": "Sixth review",
            "due_on": "2031-05-10",
            "last_review_on": "2026-11-10",
        },
    )
    assert created.status_code == 303, created.text
    page = staff.get(created.headers["location"])
    assert "Suggested:" in page.text and "Feb 8, 2029" in page.text
