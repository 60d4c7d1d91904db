"""The progress queue page: defaults by role (managers: submitted; focal points: returned and
drafts), the API's filters with the field named when refused, rows linking to each update with the
reviewer's comment, and managers returning several with one comment or approving them after a
confirmation (the API's services: all or nothing, one audit event each); "My work" links to it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import Connection, Engine, func, insert, select

from app.models import AuditEvent, ProgressUpdate
from tests.conftest import ModuleWorld
from tests.staff.conftest import StaffLogin
from tests.staff.progress_queue_world import QueueWorld, build

ROUTES = """
GET    /staff/progress                 200 200 200 403 303
POST   /staff/progress                 422 422 403 403 303
"""


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> QueueWorld:
    return module_world(build, migrated_engine)


def row_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<th scope="row"><a href="/staff/progress/(\d+)">', html)]


def events(db: Connection, action: str) -> int:
    return db.execute(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    ).scalar_one()


def state(db: Connection, progress_id: int) -> str:
    return db.execute(select(ProgressUpdate.state).where(ProgressUpdate.id == progress_id)).scalar_one()


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_managers_see_the_approval_queue_by_default(
    world: QueueWorld, staff_login: StaffLogin, role: str
) -> None:
    html = staff_login(role).get("/staff/progress").text
    assert row_ids(html) == [world.submitted_justice, world.submitted_health]
    assert "Matching progress updates: 2" in html
    assert f'name="ids" value="{world.submitted_health}"' in html
    assert 'id="field-state" name="state" value="draft"' in html and 'value="submitted" checked' in html
    assert '<a href="/staff/progress" aria-current="page">Progress updates</a>' in html  # the NAV entry
    # "Last changed" is written as on the other staff pages (the update's own page), in every
    # language: not the short all-digit form ("1/1/26, 12:00 AM", "01/01/2026 00:00").
    assert re.search("<td>Jan 1, 2026, 12:00:\\d\\d\u202fAM</td>", html), "the update's page's form"
    french = staff_login(role).get("/staff/progress?lang=fr").text
    assert re.search(r"<td>1 janv\. 2026, 00:00:\d\d</td>", french) and "01/01/2026" not in french


def test_a_focal_point_sees_what_was_returned_and_their_drafts(
    world: QueueWorld, staff_login: StaffLogin
) -> None:
    html = staff_login("focal_point", entity_id=world.justice).get("/staff/progress").text
    assert row_ids(html) == [world.returned_justice, world.draft_justice]
    assert "Add the figures." in html and "queue-justice@example.org" in html
    assert 'name="ids"' not in html and "Return the selected updates" not in html
    # Every state on request: the entity's own actions only, another entity's draft never.
    everything = staff_login("focal_point", entity_id=world.justice).get("/staff/progress?filtered=1").text
    assert sorted(row_ids(everything)) == sorted(
        [world.submitted_justice, world.returned_justice, world.draft_justice, world.approved_justice]
    )
    other = staff_login("focal_point", entity_id=world.health).get("/staff/progress").text
    assert row_ids(other) == [world.draft_health]


def test_filters_and_refusals_naming_the_field(world: QueueWorld, staff_login: StaffLogin) -> None:
    staff = staff_login("coordinator")
    html = staff.get(f"/staff/progress?filtered=1&state=draft&entity_id={world.health}").text
    assert row_ids(html) == [world.draft_health]
    html = staff.get(f"/staff/progress?filtered=1&action_id={world.action_justice}&state=returned").text
    assert row_ids(html) == [world.returned_justice]
    html = staff.get("/staff/progress?filtered=1&reported_to=2025-12-31").text
    assert row_ids(html) == [world.returned_justice]
    assert row_ids(staff.get("/staff/progress?filtered=1&author=mine").text) == []
    # A state in capitals is read as the API reads it, and shown ticked so the next Filter keeps it.
    shouted = staff.get(f"/staff/progress?filtered=1&state=DRAFT&entity_id={world.health}").text
    assert row_ids(shouted) == [world.draft_health]
    assert re.search(r'name="state" value="draft" checked', shouted), shouted

    refused = staff.get("/staff/progress?filtered=1&state=lost&reported_from=2025-02-30")
    assert refused.status_code == 422
    assert 'href="#field-state"' in refused.text and 'href="#field-reported_from"' in refused.text
    assert 'value="2025-02-30"' in refused.text  # what was typed is kept
    backwards = staff.get("/staff/progress?filtered=1&reported_from=2025-06-01&reported_to=2025-01-01")
    assert (
        backwards.status_code == 422
        and "must be on or after the first date</a>" in backwards.text
        and "(reported_from)" not in backwards.text  # the API's name of the field: the page has its label
    )
    spanish = staff.get("/staff/progress?reported_from=2026-12-01&reported_to=2026-11-01&lang=es").text
    assert "debe ser igual o posterior a la primera fecha" in spanish and "reported_from)" not in spanish


def test_pages_follow_the_cursor(world: QueueWorld, staff_login: StaffLogin) -> None:
    staff = staff_login("coordinator")
    first = staff.get("/staff/progress?state=submitted&state=draft&limit=3").text
    assert row_ids(first) == [world.submitted_justice, world.submitted_health, world.draft_justice]
    found = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert found, "no link to the next page"
    second = staff.get(found.group(1).replace("&amp;", "&")).text
    assert row_ids(second) == [world.draft_health]
    assert 'rel="next"' not in second and "First page" in second


def test_return_several_with_one_comment(world: QueueWorld, staff_login: StaffLogin, db: Connection) -> None:
    staff = staff_login("coordinator")
    back = "filtered=1&state=submitted"
    blank = staff.post("/staff/progress", {"do": "return", "ids": [world.submitted_justice], "back": back})
    assert blank.status_code == 422 and 'href="#field-comment"' in blank.text
    assert f'value="{world.submitted_justice}" checked' in blank.text  # the ticks are kept
    nothing = staff.post("/staff/progress", {"do": "return", "comment": "Add sources.", "back": back})
    assert nothing.status_code == 422 and 'href="#field-ids"' in nothing.text
    assert "Add sources." in nothing.text

    before = events(db, "progress.return")
    answer = staff.post(
        "/staff/progress",
        {
            "do": "return",
            "ids": [world.submitted_justice, world.submitted_health],
            "comment": "Add sources.",
            "back": back,
        },
    )
    assert answer.status_code == 303, answer.text
    assert (
        answer.headers["location"] == "/staff/progress?filtered=1&state=submitted&done=progress-many-returned"
    )
    assert state(db, world.submitted_justice) == state(db, world.submitted_health) == "returned"
    assert events(db, "progress.return") == before + 2
    page = staff_login("focal_point", entity_id=world.justice).get("/staff/progress").text
    assert world.submitted_justice in row_ids(page) and "Add sources." in page


def test_one_refusal_changes_nothing(world: QueueWorld, staff_login: StaffLogin, db: Connection) -> None:
    staff = staff_login("coordinator")
    before = events(db, "progress.return")
    answer = staff.post(
        "/staff/progress",
        {"do": "return", "ids": [world.submitted_justice, world.draft_health], "comment": "Add sources."},
    )
    assert answer.status_code == 409
    assert f"progress update {world.draft_health}: only a progress update that is submitted" in answer.text
    assert "Add sources." in answer.text
    assert state(db, world.submitted_justice) == "submitted"
    assert events(db, "progress.return") == before


def test_a_refusal_is_said_in_the_page_language(
    world: QueueWorld, staff_login: StaffLogin, db: Connection
) -> None:
    """An update another coordinator returned meanwhile (or a draft ticked on a stale list): the reason
    is the page's language, not the API's English."""
    staff = staff_login("coordinator")
    answer = staff.post(
        "/staff/progress?lang=fr",
        {"do": "return", "ids": [world.submitted_justice, world.draft_health], "comment": "Sources ?"},
    )
    assert answer.status_code == 409
    assert "this one is draft" not in answer.text
    assert "est un brouillon" in answer.text and "Sources ?" in answer.text
    assert state(db, world.submitted_justice) == "submitted"


def test_approve_after_a_confirmation(world: QueueWorld, staff_login: StaffLogin, db: Connection) -> None:
    staff = staff_login("admin")
    ids = [world.submitted_justice, world.submitted_health]
    confirm = staff.post(
        "/staff/progress", {"do": "approve", "ids": ids, "back": "filtered=1&state=submitted"}
    )
    assert confirm.status_code == 200
    assert "Approve these progress updates?" in confirm.text
    assert "Draft the anti-torture bill" in confirm.text and "Open child health clinics" in confirm.text
    assert state(db, world.submitted_justice) == "submitted"  # nothing yet
    # A draft and a returned update ticked with them are not listed to approve: said how many, and why.
    mixed = staff.post(
        "/staff/progress", {"do": "approve", "ids": [*ids, world.draft_justice, world.returned_justice]}
    )
    assert mixed.status_code == 200
    assert f'name="ids" value="{world.draft_justice}"' not in mixed.text
    assert f'name="ids" value="{world.returned_justice}"' not in mixed.text
    assert f'name="ids" value="{world.submitted_health}"' in mixed.text
    assert "Left out: 2 of the selected progress updates, which cannot be approved" in mixed.text
    only_drafts = staff.post("/staff/progress", {"do": "approve", "ids": [world.draft_justice]})
    assert only_drafts.status_code == 422
    assert "none of the selected progress updates can be approved" in only_drafts.text
    missing = staff.post("/staff/progress", {"do": "approve", "ids": [world.submitted_justice, 2_000_000]})
    assert missing.status_code == 422 and "progress update 2000000 does not exist" in missing.text
    # A draft ticked in the list and deleted by its author meanwhile: said in the page's language.
    french = staff.post("/staff/progress?lang=fr", {"do": "approve", "ids": [2_000_000]})
    assert french.status_code == 422
    assert "le rapport d\u2019avancement 2000000 n\u2019existe pas" in french.text
    staff.get("/staff/progress?lang=en")  # the language chosen stays with the session

    before = events(db, "progress.approve")
    done = staff.post(
        "/staff/progress", {"do": "approve-confirmed", "ids": ids, "back": "filtered=1&state=submitted"}
    )
    assert done.status_code == 303
    assert done.headers["location"].endswith("done=progress-many-approved&count=2")
    assert state(db, world.submitted_health) == "approved"
    assert events(db, "progress.approve") == before + 2
    # How many were approved, in the page's language (the singular and the plural of its catalogue).
    assert "2 progress updates approved." in staff.get(done.headers["location"]).text
    one = staff.get("/staff/progress?done=progress-many-approved&count=1").text
    assert "1 progress update approved." in one and "Approved." not in one
    assert "Approved." in staff.get("/staff/progress?done=progress-many-approved&count=x").text


def test_focal_points_cannot_review(world: QueueWorld, staff_login: StaffLogin, db: Connection) -> None:
    focal = staff_login("focal_point", entity_id=world.justice)
    answer = focal.post("/staff/progress", {"do": "approve-confirmed", "ids": [world.submitted_justice]})
    assert answer.status_code == 403
    assert state(db, world.submitted_justice) == "submitted"


def test_my_work_links_to_the_queue(world: QueueWorld, staff_login: StaffLogin) -> None:
    html = staff_login("coordinator").get("/staff/").text
    assert 'href="/staff/progress?state=submitted"' in html
    focal = staff_login("focal_point", entity_id=world.justice).get("/staff/").text
    assert 'href="/staff/progress?state=returned"' in focal and 'href="/staff/progress?state=draft"' in focal


def test_approving_several_says_when_an_action_s_status_was_kept(
    world: QueueWorld, staff_login: StaffLogin, db: Connection
) -> None:
    """A June report approved from the queue after a coordinator set its action's status by hand in
    a later month: the status is kept, and the list says so beside how many were approved."""
    db.execute(
        insert(AuditEvent).values(
            action="action.update",
            object_type="action",
            object_id=world.action_justice,
            before={"status": "planned"},
            after={"status": "delayed"},
        )
    )
    june = db.execute(
        insert(ProgressUpdate)
        .values(
            action_id=world.action_justice,
            reported_on=date(2025, 6, 30),
            narrative="June.",
            new_status="in_progress",
            state="submitted",
        )
        .returning(ProgressUpdate.id)
    ).scalar_one()
    staff = staff_login("coordinator")
    done = staff.post("/staff/progress", {"do": "approve-confirmed", "ids": [june]})
    assert done.status_code == 303 and "kept=1" in done.headers["location"]
    page = staff.get(done.headers["location"]).text
    assert "1 progress update approved." in page
    assert "Of these, 1 left their action&#39;s status as it is" in page
