"""What the follow-up deadline tests share: the calendar's items of these kinds, the paragraphs'
ids, the feed's follow-up reply event."""

from __future__ import annotations

from typing import Any

import icalendar
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.models import Recommendation
from tests.followup.documents import CRC

KINDS = {"kind": ["follow_up_reply", "periodic_report"]}


def items_of(client: TestClient, url: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(url, params={**KINDS, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def paragraph_ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.execute(
            select(Recommendation.paragraph, Recommendation.id).where(Recommendation.symbol == CRC)
        )
        return {str(paragraph): rec_id for paragraph, rec_id in rows}


def reply_event(client: TestClient, token: str) -> Any:
    """The calendar feed's one follow-up reply event."""
    return _one_event(client, token, "follow_up_reply-")


def report_event(client: TestClient, token: str) -> Any:
    """The calendar feed's one periodic report event."""
    return _one_event(client, token, "periodic_report-")


def _one_event(client: TestClient, token: str, uid_prefix: str) -> Any:
    feed = client.get("/api/v1/calendar.ics", params={"token": token})
    assert feed.status_code == 200, feed.text
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    [event] = [event for event in events if str(event["UID"]).startswith(uid_prefix)]
    return event
