"""The calendar pages: the month list with the API's filters and scoping, overdue marked; a
deadline's page; the calendar feed's address made, replaced and stopped (the forms:
test_calendar_forms.py)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine

from tests.conftest import ModuleWorld
from tests.deadlines.conftest import (
    EDUCATION_ACTION,
    EDUCATION_CUSTOM,
    JUSTICE_CUSTOM,
    JUSTICE_OVERDUE,
    UPR_REVIEW,
    CalendarWorld,
    build_world,
)
from tests.factories import import_records
from tests.followup.documents import crc_document
from tests.staff.conftest import StaffLogin
from tests.staff.route_table import COLUMNS, check_object_routes

ROUTES = """
GET    /staff/calendar                     200 200 200 200 303
POST   /staff/calendar                     422 422 403 403 303
GET    /staff/calendar/new                 200 200 403 403 303
POST   /staff/calendar/feed                200 200 200 200 303
POST   /staff/calendar/feed/revoke         303 303 303 303 303
GET    /staff/calendar/{id}                200 200 200 403 303
POST   /staff/calendar/{id}                422 422 403 403 303
GET    /staff/calendar/{id}/delete         200 200 403 403 303
POST   /staff/calendar/{id}/delete         428 428 403 403 303
POST   /staff/calendar/publish             422 422 403 403 303
POST   /staff/calendar/sent                422 422 403 403 303
"""


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> CalendarWorld:
    return module_world(build_world, migrated_engine)


@pytest.mark.parametrize("column", COLUMNS)
def test_the_pages_of_one_deadline_answer_each_role_as_listed(
    column: str, staff_login: StaffLogin, world: CalendarWorld
) -> None:
    # The UPR review: general and published, so every signed-in role may read it.
    assert check_object_routes(ROUTES, column, world.review, staff_login, world.justice) == []


def test_the_list_shows_months_marks_overdue_and_scopes_like_the_api(
    staff_login: StaffLogin, world: CalendarWorld
) -> None:
    coordinator = staff_login("coordinator")
    page = coordinator.get("/staff/calendar", params={"from": (world.today.replace(day=1)).isoformat()})
    assert page.status_code == 200
    html = page.text
    assert "<h2" in html and EDUCATION_ACTION in html and EDUCATION_CUSTOM in html
    everything = coordinator.get("/staff/calendar", params={"from": ""}).text
    overdue_row = re.search(r'<tr class="overdue">.*?</tr>', everything, re.S)
    assert overdue_row and JUSTICE_OVERDUE in overdue_row.group(0)
    focal = (
        staff_login("focal_point", entity_id=world.justice).get("/staff/calendar", params={"from": ""}).text
    )
    assert JUSTICE_OVERDUE in focal and UPR_REVIEW in focal and EDUCATION_CUSTOM not in focal
    reader = staff_login("reader").get("/staff/calendar", params={"from": ""}).text
    assert JUSTICE_OVERDUE not in reader and EDUCATION_ACTION in reader
    only_reviews = coordinator.get("/staff/calendar", params={"from": "", "kind": "upr_review"}).text
    assert UPR_REVIEW in only_reviews and EDUCATION_ACTION not in only_reviews


def test_overdue_only_lists_the_older_ones_too(staff_login: StaffLogin, world: CalendarWorld) -> None:
    coordinator = staff_login("coordinator")
    long_ago = (world.today.replace(day=1) - timedelta(days=45)).isoformat()
    created = coordinator.post(
        "/staff/calendar", {"kind": "custom", "title": "Reply to the committee", "due_on": long_ago}
    )
    assert created.status_code == 303, created.text
    opened = coordinator.get("/staff/calendar").text
    assert "Reply to the committee" not in opened  # this month on, by default
    # The form sends its default start back with the choice: the older overdue ones are listed too.
    start = world.today.replace(day=1).isoformat()
    overdue = coordinator.get("/staff/calendar", params={"from": start, "overdue": "true"}).text
    assert "Reply to the committee" in overdue and JUSTICE_OVERDUE in overdue
    # A start the user chose still applies.
    chosen = coordinator.get(
        "/staff/calendar", params={"from": world.today.isoformat(), "overdue": "true"}
    ).text
    assert "Reply to the committee" not in chosen


def test_a_deadline_not_done_reads_as_such_in_french_and_spanish(
    staff_login: StaffLogin, world: CalendarWorld
) -> None:
    # "Open" the state, not "Open" the link: the catalogue translated it as the verb (Ouvrir, Abrir).
    staff = staff_login("focal_point", entity_id=world.justice)
    for lang, state, verb in (("fr", "À faire", "Ouvrir"), ("es", "Pendiente", "Abrir")):
        listed = staff.get("/staff/calendar", params={"lang": lang}).text
        row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{UPR_REVIEW}.*?</tr>", listed, re.S)
        assert row and state in row.group(0) and verb not in row.group(0)
        page = staff.get(f"/staff/calendar/{world.review}", params={"lang": lang}).text  # read-only
        assert f"<dd>{state}" in page and verb not in page


def test_the_calendar_names_mechanisms_and_months_as_the_portal_does(
    staff_login: StaffLogin, world: CalendarWorld
) -> None:
    """The mechanism's name in the reader's language (the portal's calendar's), not its code; the
    month heading capitalised as a heading ("Décembre 2026"), the caption's sentence keeping "décembre"."""
    listed = staff_login("coordinator").get("/staff/calendar", params={"lang": "fr", "from": ""}).text
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{UPR_REVIEW}.*?</tr>", listed, re.S)
    assert row and "<td>Examen périodique universel</td>" in row.group(0)
    headings = re.findall(r"<h2 id=\"month-[^\"]*\">([^<]*)</h2>", listed)
    assert headings and all(heading[:1].isupper() for heading in headings)
    assert "Échéances : " + headings[0][:1].lower() + headings[0][1:] in listed


def test_a_reader_cannot_tell_which_published_deadlines_were_met(
    staff_login: StaffLogin, world: CalendarWorld
) -> None:
    # The justice report is published, past and done: "not overdue" would say it was met.
    reader = staff_login("reader")
    page = reader.get("/staff/calendar", params={"from": ""})
    assert JUSTICE_CUSTOM in page.text and 'name="overdue"' not in page.text
    for flag in ("true", "false"):
        filtered = reader.get("/staff/calendar", params={"from": "", "overdue": flag})
        assert filtered.status_code == 422 and 'href="#field-overdue"' in filtered.text
        assert JUSTICE_CUSTOM not in filtered.text
    french = reader.get("/staff/calendar", params={"from": "", "overdue": "true", "lang": "fr"})
    assert "le calendrier publié ne montre aucun état" in french.text


def test_a_title_takes_its_own_direction(staff_login: StaffLogin, world: CalendarWorld) -> None:
    # An Arabic title took the page's direction: its full stop and digits landed at the wrong end.
    listed = staff_login("coordinator").get("/staff/calendar").text
    assert f'<th scope="row" dir="auto"><a href="/staff/calendar/{world.review}">{UPR_REVIEW}</a>' in listed
    assert '<h1 dir="auto">' in staff_login("focal_point").get(f"/staff/calendar/{world.review}").text


def test_a_bad_filter_is_named_and_kept(staff_login: StaffLogin, world: CalendarWorld) -> None:
    page = staff_login("coordinator").get("/staff/calendar", params={"from": "2026-13-01", "kind": "nope"})
    assert page.status_code == 422
    assert 'href="#field-from"' in page.text and 'value="2026-13-01"' in page.text
    assert 'href="#field-kind"' in page.text


def test_a_reversed_date_range_is_named_and_kept(staff_login: StaffLogin, world: CalendarWorld) -> None:
    # It listed nothing, as if nothing were due then; now the end is refused, in the page's language.
    coordinator = staff_login("coordinator")
    for path, start, end, first, last in (
        ("/staff/calendar", "from", "to", "2026-05-01", "2026-01-31"),
        ("/staff/actions", "due_after", "due_before", "2026-05-01", "2026-01-31"),
        ("/staff/audit", "since", "until", "2026-05-01T10:00", "2026-05-01T09:00"),
    ):
        page = coordinator.get(path, params={start: first, end: last, "lang": "fr"})
        assert page.status_code == 422, (path, page.text[:300])
        assert f'href="#field-{end}"' in page.text and f'href="#field-{start}"' not in page.text, path
        assert f'value="{first}"' in page.text and f'value="{last}"' in page.text, path
        assert "doit être égale ou postérieure à la première date" in page.text, path


def test_the_entity_filter_is_named_as_in_the_api(staff_login: StaffLogin, world: CalendarWorld) -> None:
    # The form sends `entity`, the API's name; an address made with the former `entity_id` still works.
    coordinator = staff_login("coordinator")
    page = coordinator.get("/staff/calendar", params={"from": "", "entity": world.justice})
    assert page.status_code == 200
    assert 'name="entity"' in page.text and 'name="entity_id"' not in page.text
    assert JUSTICE_OVERDUE in page.text and EDUCATION_CUSTOM not in page.text
    assert f'<option value="{world.justice}" selected' in page.text
    old = coordinator.get("/staff/calendar", params={"from": "", "entity_id": world.justice})
    assert old.status_code == 200
    assert JUSTICE_OVERDUE in old.text and EDUCATION_CUSTOM not in old.text
    assert f'<option value="{world.justice}" selected' in old.text
    unknown = coordinator.get("/staff/calendar", params={"from": "", "entity": "99999"})
    assert unknown.status_code == 422 and 'href="#field-entity"' in unknown.text


def test_the_feed_address_is_shown_once_works_and_stops(
    staff_login: StaffLogin, world: CalendarWorld, db: Connection
) -> None:
    staff = staff_login("focal_point", entity_id=world.justice)
    assert "You have no calendar feed." in staff.get("/staff/calendar").text
    made = staff.post("/staff/calendar/feed")
    assert made.status_code == 200
    match = re.search(r'id="feed-url"[^>]*value="([^"]+)"', made.text)
    assert match
    url = urlsplit(match.group(1).replace("&amp;", "&"))
    feed = TestClient(staff.client.app).get(f"{url.path}?{url.query}")
    assert feed.status_code == 200 and JUSTICE_OVERDUE in feed.text and EDUCATION_CUSTOM not in feed.text
    again = staff.get("/staff/calendar").text
    assert match.group(1) not in again and "You have a calendar feed" in again
    stopped = staff.post("/staff/calendar/feed/revoke")
    assert stopped.status_code == 303 and stopped.headers["location"].endswith("done=feed-revoked")
    assert TestClient(staff.client.app).get(f"{url.path}?{url.query}").status_code == 404


def test_the_feed_says_how_to_subscribe_in_the_common_calendar_programs(
    staff_login: StaffLogin, world: CalendarWorld
) -> None:
    # Apple Calendar (iPhones, Macs: many a minister's) was left out: its users had no instructions.
    html = staff_login("focal_point", entity_id=world.justice).get("/staff/calendar").text
    section = re.search(r'<section class="calendar-feed".*?</section>', html, re.S)
    assert section
    text = section.group(0)
    for program in ("Outlook", "Google Calendar", "Apple Calendar"):
        assert program in text


def test_the_staff_calendar_publishes_with_a_button(
    committed_staff_login: StaffLogin, engine: Engine, anonymous_client: TestClient
) -> None:
    import_records(engine, crc_document())
    coordinator = committed_staff_login("coordinator")
    page = coordinator.get("/staff/calendar", params={"from": "2027-01-01"})
    assert page.status_code == 200
    assert 'action="/staff/calendar/publish"' in page.text and "Follow-up reply due" in page.text
    assert anonymous_client.get("/api/v1/public/deadlines").json()["items"] == []
    form = {"kind": "follow_up_reply", "published": "true"}
    form["object_id"] = page.text.split('name="object_id" value="', 1)[1].split('"', 1)[0]
    done = coordinator.post("/staff/calendar/publish", form)
    assert done.status_code == 303 and done.headers["location"].endswith("done=deadline-published")
    assert [item["kind"] for item in anonymous_client.get("/api/v1/public/deadlines").json()["items"]] == [
        "follow_up_reply"
    ]
    focal = committed_staff_login("focal_point")
    assert 'action="/staff/calendar/publish"' not in focal.get("/staff/calendar").text


def test_the_reminders_link_to_a_calendar_that_lists_the_overdue_deadlines_too(
    staff_login: StaffLogin, world: CalendarWorld
) -> None:
    """The link "Deadlines due soon or overdue" (My work, and the digest) opens the calendar: it lists
    each of them, the overdue ones of an earlier month too (the calendar starts this month by default)."""
    long_ago = (world.today.replace(day=1) - timedelta(days=45)).isoformat()
    created = staff_login("coordinator").post(
        "/staff/calendar",
        {"kind": "custom", "title": "Reply to the committee", "due_on": long_ago, "entity_id": world.justice},
    )
    assert created.status_code == 303, created.text
    focal = staff_login("focal_point", entity_id=world.justice)
    home = focal.get("/staff/").text
    link = re.search(r'<li><a href="(/staff/calendar[^"]*)">Deadlines due soon or overdue</a>', home)
    assert link, "no link to the deadlines on My work"
    listed = focal.get(link.group(1).replace("&amp;", "&")).text
    assert "Reply to the committee" in listed


def test_publishing_or_marking_sent_comes_back_to_the_calendar_as_it_was_filtered(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    # A coordinator going through the overdue follow-up replies (every start date, one kind) who
    # marked one as sent or published it came back to the calendar's default (this month on, every
    # kind) and had to filter it again for the next one.
    import_records(engine, crc_document())
    coordinator = committed_staff_login("coordinator")
    filters = [("kind", "follow_up_reply"), ("mechanism", "CRC"), ("from", ""), ("to", "2027-12-31")]
    page = coordinator.get("/staff/calendar", params=filters)
    assert page.status_code == 200 and "Follow-up reply due" in page.text
    object_id = page.text.split('name="object_id" value="', 1)[1].split('"', 1)[0]
    back = page.text.split('name="back" value="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    for url, form, done in (
        ("/staff/calendar/publish", {"published": "true"}, "deadline-published"),
        ("/staff/calendar/sent", {"sent": "true"}, "deadline-sent"),
    ):
        answer = coordinator.post(
            url, {"kind": "follow_up_reply", "object_id": object_id, "back": back, **form}
        )
        assert answer.status_code == 303, answer.text
        location = urlsplit(answer.headers["location"])
        assert location.path == "/staff/calendar"
        assert parse_qsl(location.query, keep_blank_values=True) == [*filters, ("done", done)]
    # Only the calendar's own filters come back: nothing else is carried into the address.
    answer = coordinator.post(
        "/staff/calendar/sent",
        {
            "kind": "follow_up_reply",
            "object_id": object_id,
            "sent": "false",
            "back": "next=https://evil.example&kind=x",
        },
    )
    assert answer.headers["location"] == "/staff/calendar?kind=x&done=deadline-unsent"


def test_a_focal_point_opening_an_overdue_deadline_reads_that_it_is_overdue(
    staff_login: StaffLogin, world: CalendarWorld
) -> None:
    """The digest's link "(6 Dec 2026, overdue)" led to a page that said "Not done yet"; and a UPR
    review's page, where the mid-term report's link leads, gave the review's state alone."""
    coordinator = staff_login("coordinator")
    past = world.today - timedelta(days=1)
    for body in (
        {"kind": "custom", "title": "Reply on juvenile justice", "due_on": past.isoformat()},
        {
            "kind": "upr_review",
            "title": "Next review",
            "due_on": (world.today + timedelta(days=300)).isoformat(),
            "last_review_on": (world.today - timedelta(days=900)).isoformat(),
            "midterm_on": past.isoformat(),
        },
    ):
        created = coordinator.post("/staff/calendar", {**body, "entity_id": str(world.justice)})
        assert created.status_code == 303, created.text
    focal = staff_login("focal_point", entity_id=world.justice)
    listed = focal.get("/staff/calendar", params={"from": past.isoformat()}).text
    ids = {
        title: int(number)
        for number, title in re.findall(r'href="/staff/calendar/(\d+)">([^<]+)</a>', listed)
    }
    overdue = focal.get(f"/staff/calendar/{ids['Reply on juvenile justice']}").text
    assert re.search(r"<dt>State</dt><dd>[^<]*<strong[^>]*>Overdue</strong>", overdue), overdue
    cycle = focal.get(f"/staff/calendar/{ids['Next review']}").text
    midterm = re.search(r"<dt>Mid-term report date</dt><dd>(.*?)</dd>", cycle, re.S)
    assert midterm and "Overdue" in midterm.group(1)
    assert re.search(r"<dt>State</dt><dd>Not done yet", cycle)  # the review itself is ahead
