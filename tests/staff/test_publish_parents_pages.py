"""The staff pages say what keeps a progress update or an indicator value from the public, and offer
to publish its action in the same step (``publish_parents``, the service of the API): the update's
page (approve, publish), the queue's approval of several updates, and the value's page. After the
step the page says whether the public now sees it, and if not, why."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from app.models import Action, AuditEvent, IndicatorValue, ProgressUpdate
from tests.builder import building
from tests.conftest import ModuleWorld
from tests.staff.conftest import StaffLogin

TITLE = "Train judges"
HIDDEN = f"The action “{TITLE}” is not published."


@dataclass(frozen=True)
class World:
    action: int
    first: int  # submitted
    second: int  # submitted
    approved: int  # approved, not published
    value: int  # submitted


def build_world(engine: Engine) -> World:
    with building(engine) as build:
        justice = build.entity("Ministry of Justice").id
        action = build.action(TITLE, lead_entity_id=justice).id
        first = build.progress(action, "submitted", "Two workshops held.").id
        second = build.progress(action, "submitted", "A third workshop held.").id
        approved = build.progress(action, "approved", "Guidelines drafted.").id
        indicator = build.indicator(action, "Judges trained").id
        value = build.value(indicator, "submitted", 40).id
        return World(action, first, second, approved, value)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(build_world, migrated_engine)


def _published(db: Connection, action_id: int) -> bool:
    with Session(db) as session:
        action = session.get(Action, action_id)
        assert action is not None
        return action.published


def _audits(db: Connection, object_type: str, object_id: int) -> list[str]:
    with Session(db) as session:
        query = select(AuditEvent.action).where(
            AuditEvent.object_type == object_type, AuditEvent.object_id == object_id
        )
        return list(session.scalars(query.order_by(AuditEvent.id)))


def _progress(db: Connection, progress_id: int) -> tuple[str, bool]:
    with Session(db) as session:
        update = session.get(ProgressUpdate, progress_id)
        assert update is not None
        return update.state, update.published


def test_the_update_page_says_the_action_is_hidden(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    coordinator = staff_login("coordinator")
    page = coordinator.get(f"/staff/progress/{world.first}")
    assert HIDDEN in page.text and 'name="publish_parents"' in page.text
    assert "Not shown to the public</strong>: it is not approved; its action" in page.text
    approved = coordinator.post(f"/staff/progress/{world.first}/approve", {"publish": "true"})
    assert approved.status_code == 303
    after = coordinator.get(approved.headers["location"])
    assert f"Not shown to the public</strong>: its action “{TITLE}” is not published" in after.text
    assert _progress(db, world.first) == ("approved", True) and not _published(db, world.action)
    assert _audits(db, "action", world.action) == []


def test_approve_and_publish_the_action_in_one_step(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    coordinator = staff_login("coordinator")
    body = {"publish": "true", "publish_parents": "true"}
    approved = coordinator.post(f"/staff/progress/{world.first}/approve", body)
    assert approved.status_code == 303 and approved.headers["location"].endswith("?done=progress-approved")
    after = coordinator.get(approved.headers["location"])
    assert "The progress update is approved." in after.text
    assert "<strong>Shown on the public portal</strong>" in after.text and HIDDEN not in after.text
    assert _progress(db, world.first) == ("approved", True) and _published(db, world.action)
    assert _audits(db, "action", world.action) == ["action.update"]
    assert _audits(db, "progress_update", world.first) == ["progress.approve"]


def test_publish_an_approved_update_with_its_action(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    coordinator = staff_login("coordinator")
    page = coordinator.get(f"/staff/progress/{world.approved}")
    assert "it is not published; its action" in page.text and 'name="publish_parents"' in page.text
    published = coordinator.post(f"/staff/progress/{world.approved}/publish", {"publish_parents": "true"})
    assert published.status_code == 303
    assert "Shown on the public portal" in coordinator.get(published.headers["location"]).text
    assert _progress(db, world.approved) == ("approved", True) and _published(db, world.action)
    assert _audits(db, "action", world.action) == ["action.update"]
    assert _audits(db, "progress_update", world.approved) == ["progress.publish"]


def test_the_queue_approves_several_and_publishes_their_action(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    coordinator = staff_login("coordinator")
    ids = [str(world.first), str(world.second)]
    confirm = coordinator.post("/staff/progress", {"do": "approve", "ids": ids})
    assert confirm.status_code == 200
    assert confirm.text.count("its action is not published") == 2 and HIDDEN in confirm.text
    assert 'name="publish_parents"' in confirm.text and 'name="publish"' in confirm.text
    done = coordinator.post(
        "/staff/progress",
        {"do": "approve-confirmed", "ids": ids, "publish": "true", "publish_parents": "true"},
    )
    assert done.status_code == 303
    assert done.headers["location"].endswith("done=progress-many-published&count=2")
    assert "2 progress updates approved and published." in coordinator.get(done.headers["location"]).text
    assert _progress(db, world.first) == _progress(db, world.second) == ("approved", True)
    assert _published(db, world.action) and _audits(db, "action", world.action) == ["action.update"]


def test_the_queue_approves_without_publishing(world: World, staff_login: StaffLogin, db: Connection) -> None:
    coordinator = staff_login("coordinator")
    done = coordinator.post("/staff/progress", {"do": "approve-confirmed", "ids": [str(world.first)]})
    assert done.headers["location"].endswith("done=progress-many-approved&count=1")
    assert _progress(db, world.first) == ("approved", False) and not _published(db, world.action)


def test_the_value_page_offers_to_publish_the_action(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    coordinator = staff_login("coordinator")
    page = coordinator.get(f"/staff/values/{world.value}")
    assert HIDDEN in page.text and 'name="publish_parents"' in page.text
    assert "Not shown to the public</strong>: it is not approved; its action" in page.text
    approved = coordinator.post(f"/staff/values/{world.value}/approve", {"publish_parents": "true"})
    assert approved.status_code == 303
    after = coordinator.get(approved.headers["location"])
    assert (
        "The value is approved." in after.text and "<strong>Shown on the public portal</strong>" in after.text
    )
    with Session(db) as session:
        value = session.get(IndicatorValue, world.value)
        assert value is not None and value.state == "approved"
    assert _published(db, world.action) and _audits(db, "action", world.action) == ["action.update"]


def test_a_value_approved_alone_says_why_it_is_hidden(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    coordinator = staff_login("coordinator")
    approved = coordinator.post(f"/staff/values/{world.value}/approve", {})
    after = coordinator.get(approved.headers["location"])
    assert f"Not shown to the public</strong>: its action “{TITLE}” is not published" in after.text
    assert not _published(db, world.action)


def test_the_values_list_marks_an_unpublished_action(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    coordinator = staff_login("coordinator")
    marker = "(not published: its values are not public)"
    assert marker in coordinator.get("/staff/values").text
    with Session(db) as session, session.begin():
        session.get_one(Action, world.action).published = True
    assert marker not in coordinator.get("/staff/values").text


def test_the_review_links_the_actions_preview(world: World, staff_login: StaffLogin) -> None:
    coordinator = staff_login("coordinator")
    link = f'href="/staff/actions/{world.action}/preview"'
    assert link in coordinator.get(f"/staff/progress/{world.first}").text
    assert link in coordinator.get(f"/staff/progress/{world.approved}").text


def test_the_reasons_are_listed_the_page_language_s_way(world: World, staff_login: StaffLogin) -> None:
    """The reasons a thing is hidden were joined by "; " in every language: a French page read "en
    attente d'approbation; son action", where French sets a space before the semicolon, as the
    catalogue does everywhere else ("%(filters)s ; %(filter)s")."""
    coordinator = staff_login("coordinator")
    french = coordinator.get(f"/staff/progress/{world.first}?lang=fr").text
    assert "Non visible du public</strong> : en attente d\u2019approbation ; son action" in french
    english = coordinator.get(f"/staff/progress/{world.first}?lang=en").text
    assert "Not shown to the public</strong>: it is not approved; its action" in english


def test_a_draft_or_a_returned_one_is_not_said_to_wait_for_approval(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """A draft, or an update or value returned to its author, waits for its author, not for a
    coordinator: its page said "it is not approved", which French reads "en attente d'approbation"."""
    with building(db) as build:
        draft = build.progress(world.action, "draft", "A fourth workshop planned.").id
        indicator = build.indicator(world.action, "Prosecutors trained").id
        draft_value = build.value(indicator, "draft", 3).id
    coordinator = staff_login("coordinator")
    said = "Not shown to the public</strong>: {}; its action"
    assert said.format("it is still a draft") in coordinator.get(f"/staff/progress/{draft}").text
    assert said.format("it is still a draft") in coordinator.get(f"/staff/values/{draft_value}").text
    back = {"comment": "Add the list of participants."}
    assert coordinator.post(f"/staff/progress/{world.second}/return", back).status_code == 303
    assert coordinator.post(f"/staff/values/{world.value}/return", back).status_code == 303
    for page in (f"/staff/progress/{world.second}", f"/staff/values/{world.value}"):
        assert said.format("it was returned to its author") in coordinator.get(page).text
    assert said.format("it is not approved") in coordinator.get(f"/staff/progress/{world.first}").text
