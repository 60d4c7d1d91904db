"""The portal's calendar when every published deadline is past: it shows this month on, and says so
rather than that nothing was ever published."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from app.core.time_zone import local_today
from app.models import Deadline
from tests.conftest import MakeApp, session_on


def test_only_past_deadlines_published_is_not_nothing_published(db: Connection, make_app: MakeApp) -> None:
    # It read "No deadline has been published yet." while last month's published deadlines were there.
    last_month = local_today().replace(day=1) - timedelta(days=1)
    with session_on(db) as session:
        session.add(Deadline(kind="custom", title="Report to parliament", due_on=last_month, published=True))
        session.commit()
    with TestClient(make_app()) as client:
        page = client.get("/calendar")
    assert page.status_code == 200
    assert "No deadline has been published yet." not in page.text
    assert "No published deadline falls in this month or later." in page.text


def test_a_title_in_arabic_is_written_right_to_left(db: Connection, make_app: MakeApp) -> None:
    # An Arabic title took the page's direction: its full stop and digits landed at the wrong end.
    title = "تقرير المتابعة إلى لجنة حقوق الطفل 2027."
    with session_on(db) as session:
        session.add(Deadline(kind="custom", title=title, due_on=local_today(), published=True))
        session.commit()
    with TestClient(make_app()) as client:
        page = client.get("/calendar")
    assert f'<td dir="auto">{title}</td>' in page.text
