"""A ministry archived (dissolved, merged into another): its focal points are told nothing more of
its work, neither by e-mail nor in their calendar feed, which keeps the general deadlines only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection, update

from app.core.actor import Actor
from app.core.time_zone import local_today
from app.deadlines.feed import feed, feed_owner, rotate_token
from app.models import Deadline, Entity, User
from app.notify.items import work_for
from app.notify.sender import _unwanted
from app.staff.session import SESSION_COOKIE
from tests import accounts
from tests.builder import building
from tests.conftest import MakeApp, session_on

SITE = "https://nrtd.example.gov"


def test_an_archived_entitys_focal_point_gets_no_digest_and_no_deadline_of_it(db: Connection) -> None:
    today = local_today()
    with building(db) as b:
        gone = b.entity("Ministry of Planning").id
        user_id = b.user("fp.planning@example.gov", "focal_point", entity_id=gone)
        b.action("Draft the plan", lead_entity_id=gone, due_date=today - timedelta(days=3))
        b.session.add_all(
            [
                Deadline(
                    kind="custom", title="Planning report", due_on=today + timedelta(days=2), entity_id=gone
                ),
                Deadline(kind="custom", title="General hearing", due_on=today + timedelta(days=3)),
            ]
        )
    built_at = datetime.now(UTC) - timedelta(hours=1)
    with session_on(db) as session:
        me = session.get_one(User, user_id)
        assert work_for(session, me, 14, today)  # the entity's work, while it is current
        assert _unwanted(session, me, built_at) is None
        actor = feed_owner(session, rotate_token(session, _actor_of(me))[0])
        assert b"Planning report" in feed(session, actor, SITE)

        session.execute(update(Entity).where(Entity.id == gone).values(archived=True, archived_at=built_at))
        session.expire_all()
        me = session.get_one(User, user_id)
        assert work_for(session, me, 14, today) == []
        # A digest built before the entity was archived, not sent yet, is not sent.
        assert _unwanted(session, me, built_at) == "the person's entity was archived"
        secret = rotate_token(session, _actor_of(me))[0]
        calendar = feed(session, feed_owner(session, secret), SITE)
        assert b"Planning report" not in calendar and b"Draft the plan" not in calendar
        assert b"General hearing" in calendar


def test_the_calendar_page_and_the_api_leave_out_an_archived_entitys_deadlines_as_the_feed_does(
    db: Connection, make_app: MakeApp
) -> None:
    """The page and GET /api/v1/deadlines still listed the archived entity's deadlines to its focal
    point, while their feed and digest had dropped them: all four now decide with ``Audience.of``."""
    today = local_today()
    with building(db) as b:
        gone = b.entity("Ministry of Planning").id
        user_id = b.user("fp.planning@example.gov", "focal_point", entity_id=gone)
        b.session.add_all(
            [
                Deadline(
                    kind="custom", title="Planning report", due_on=today + timedelta(days=2), entity_id=gone
                ),
                Deadline(kind="custom", title="General hearing", due_on=today + timedelta(days=3)),
            ]
        )
    page = TestClient(make_app(), follow_redirects=False)
    page.cookies.set(SESSION_COOKIE, accounts.issue_session(db, user_id)[0])
    api, headers = TestClient(make_app()), accounts.bearer(accounts.issue_token(db, user_id))

    def listed() -> tuple[str, set[str]]:
        calendar = page.get("/staff/calendar")
        answer = api.get("/api/v1/deadlines", headers=headers)
        assert calendar.status_code == 200 and answer.status_code == 200, answer.text
        return calendar.text, {item["title"] for item in answer.json()["items"]}

    shown, titles = listed()
    assert "Planning report" in shown and titles == {"Planning report", "General hearing"}
    db.execute(update(Entity).where(Entity.id == gone).values(archived=True, archived_at=datetime.now(UTC)))
    shown, titles = listed()
    assert "Planning report" not in shown and "General hearing" in shown
    assert titles == {"General hearing"}


def _actor_of(user: User) -> Actor:
    return Actor(role=user.role, label=user.email, user_id=user.id, entity_id=user.entity_id)
