"""Where a digest's sections lead: the whole list of what the section counts."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Connection

from app.core.time_zone import local_today
from app.models import Deadline, User
from app.notify.items import work_for
from tests import accounts
from tests.conftest import session_on


def test_the_deadlines_section_leads_to_the_deadlines_it_counts(db: Connection) -> None:
    # "All of them" opened the calendar from the earliest deadline on with no end: every deadline of
    # the years ahead (a UPR review in 2031, each action's due date) under the section's 3.
    today = local_today()
    with session_on(db) as session:
        for title, days in (("Missed", -6), ("Soon", 4), ("Much later", 400)):
            session.add(Deadline(kind="custom", title=title, due_on=today + timedelta(days=days)))
        session.commit()
        user_id = accounts.create_user(db, "coordinator@example.gov", "coordinator")
        me = session.get(User, user_id)
        assert me is not None
        [section] = [s for s in work_for(session, me, 14, today) if s.heading.startswith("Deadlines")]
    assert section.total == 2
    query = parse_qs(urlsplit(section.path).query)
    assert query == {
        "from": [(today - timedelta(days=6)).isoformat()],
        "to": [(today + timedelta(days=14)).isoformat()],
    }
