"""/api/v1/calendar.ics as a calendar program reads it: revision numbers that only grow, UIDs never
given again, no control character, and a valid calendar even without any deadline (RFC 5545)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import Connection, update

from app.models import Deadline
from tests import accounts
from tests.deadlines.conftest import CalendarWorld
from tests.deadlines.feeds import feed_events, feed_path


def test_an_events_revision_number_only_grows(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    """A calendar program that compares revisions (SEQUENCE, RFC 5545) ignores an event whose number
    did not grow: a cancellation was SEQUENCE:1, the action reopened was back to 0 (none), and there it
    stayed cancelled; a moved due date kept its number too. Each change now gives a higher one."""
    headers = accounts.headers_for(writer, "coordinator")
    path = feed_path(anonymous_client, headers)
    action = f"/api/v1/actions/{world.education_action}"

    def event() -> tuple[int, str]:
        calendar = Calendar.from_ical(anonymous_client.get(path).content)
        found = [
            e
            for e in calendar.walk("VEVENT")
            if str(e["uid"]).startswith(f"action_due-{world.education_action}@")
        ]
        return int(found[0].get("sequence", 0)), str(found[0].get("status", ""))

    seen = [event()]
    later = (world.today + timedelta(days=50)).isoformat()  # it was due in 40
    for change in ({"status": "cancelled"}, {"status": "planned"}, {"due_date": later}):
        etag = anonymous_client.get(action, headers=headers).headers["etag"]
        answer = anonymous_client.patch(action, json=change, headers={**headers, "If-Match": etag})
        assert answer.status_code == 200, answer.text
        seen.append(event())
    assert [status for _, status in seen] == ["", "CANCELLED", "", ""]
    numbers = [number for number, _ in seen]
    assert numbers == sorted(set(numbers)), numbers  # each change a higher number


def test_a_new_deadline_never_takes_the_uid_of_a_deleted_one(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    """SQLite gives a new row the id of the last row deleted: the deadline entered after one was
    deleted took its id, so its event its UID, at SEQUENCE 1 where the deleted one had reached 2: a
    calendar program that had kept the old event (an imported feed, Outlook's cache) kept it, with the
    old title and date, or took the new one as a change of the old. Its audit trail and its workspace
    address were the old one's too. An id once used is never given again."""
    headers = accounts.headers_for(writer, "coordinator")
    path = feed_path(anonymous_client, headers)
    created = anonymous_client.post(
        "/api/v1/deadlines",
        json={"title": "Hearing, later cancelled", "due_on": "2027-03-01"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    old_id = created.json()["id"]
    moved = anonymous_client.patch(
        f"/api/v1/deadlines/{old_id}",
        json={"due_on": "2027-03-02"},
        headers={**headers, "If-Match": created.headers["ETag"]},
    )
    deleted = anonymous_client.delete(
        f"/api/v1/deadlines/{old_id}", headers={**headers, "If-Match": moved.headers["ETag"]}
    )
    assert deleted.status_code == 204
    again = anonymous_client.post(
        "/api/v1/deadlines", json={"title": "Another hearing", "due_on": "2027-04-01"}, headers=headers
    )
    assert again.status_code == 201, again.text
    assert again.json()["id"] != old_id
    uids = {uid: title for title, _, uid in feed_events(anonymous_client, path)}
    new_uid = next(uid for uid, title in uids.items() if title == "Another hearing")
    assert not new_uid.startswith(f"custom-{old_id}@")


def test_no_control_character_reaches_the_feed(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    """RFC 5545 allows no control character in a text but the tab: a title holding a vertical tab (a
    line break pasted from Word), a bell or a unit separator went into SUMMARY as it was, and a strict
    client refuses the whole calendar. Each is a space there, and in the description."""
    title = "Report\x0bto\x07parliament\x1f,\x7fsecond"
    writer.execute(update(Deadline).where(Deadline.id == world.justice_custom).values(title=title))
    path = feed_path(anonymous_client, accounts.headers_for(writer, "coordinator"))
    raw = anonymous_client.get(path).content.replace(b"\r\n", b"")
    assert not [byte for byte in raw if (byte < 0x20 and byte != 0x09) or byte == 0x7F]
    assert ("Report to parliament , second", world.justice_custom) in {
        (shown, int(uid.split("@")[0].split("-")[1])) for shown, _, uid in feed_events(anonymous_client, path)
    }


def test_a_feed_without_any_deadline_is_still_a_valid_calendar(
    anonymous_client: TestClient, db: Connection
) -> None:
    """RFC 5545's grammar wants at least one component in a VCALENDAR (``icalbody = calprops
    component``): the feed of someone with no deadline yet (a new instance, a reader before anything
    is published) was BEGIN:VCALENDAR, its properties and END:VCALENDAR, which a strict client
    refuses to subscribe to. It holds the instance's time zone (a VTIMEZONE, which shows nothing), and
    still no event."""
    path = feed_path(anonymous_client, accounts.headers_for(db, "coordinator"))
    raw = anonymous_client.get(path).content
    calendar = Calendar.from_ical(raw)
    assert calendar.walk("VEVENT") == []
    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE"]
    zone = calendar.subcomponents[0]
    assert str(zone["tzid"]) and zone.subcomponents  # a STANDARD (or DAYLIGHT) part, as RFC 5545 wants
    lines = raw.decode().split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2:] == ["END:VCALENDAR", ""]
    body = lines[1:-2]
    first_component = next(i for i, line in enumerate(body) if line.startswith("BEGIN:"))
    assert {"VERSION:2.0"} <= set(body[:first_component]) and any(
        line.startswith("PRODID:") for line in body[:first_component]
    )
    assert not any(line.startswith("BEGIN:") for line in body[:first_component])
    assert str(calendar["x-wr-timezone"]) == str(zone["tzid"])
