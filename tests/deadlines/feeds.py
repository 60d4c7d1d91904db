"""What the calendar feed tests share: a user's feed address, and its events as a calendar program
reads them."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from icalendar import Calendar

from app.deadlines.labels import KIND_LABELS

TOKEN = "/api/v1/me/calendar-token"
FEED = "/api/v1/calendar.ics"


def feed_path(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post(TOKEN, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    url = urlsplit(response.json()["url"])
    assert url.path == FEED
    return f"{url.path}?{url.query}"


def feed_events(client: TestClient, path: str) -> list[tuple[str, date, str]]:
    """(title, start, uid) of each event; its summary is the title after its kind (English)."""
    response = client.get(path)  # no Authorization header: the token in the URL is the credential
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("dtstart")
        assert type(start) is date, "an all-day event"
        if start < date.max:
            assert (event.decoded("dtend") - start).days == 1
        kind = str(event["uid"]).split("-")[0]
        assert str(event.decoded("categories")[0]) == KIND_LABELS[kind]  # its name, not its code
        prefix = "" if kind == "custom" else f"{KIND_LABELS[kind]}: "
        assert str(event["summary"]).startswith(prefix)
        events.append((str(event["summary"]).removeprefix(prefix), start, str(event["uid"])))
    return events
