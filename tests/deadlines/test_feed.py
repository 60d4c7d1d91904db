"""/api/v1/calendar.ics: a user's deadlines as iCalendar, opened by the token in its URL alone; the
token is made, rotated and revoked by its owner, and opens nothing else."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import Connection, update

from app.deadlines import feed as deadline_feed
from app.deadlines.labels import KIND_LABELS
from app.models import Action, Deadline, User
from tests import accounts
from tests.conftest import MakeApp
from tests.deadlines.conftest import (
    EDUCATION_ACTION,
    GENERAL_DONE,
    INDICATOR,
    JUSTICE_CUSTOM,
    JUSTICE_OVERDUE,
    UPR_REVIEW,
    CalendarWorld,
)

TOKEN = "/api/v1/me/calendar-token"
FEED = "/api/v1/calendar.ics"


def _feed_path(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post(TOKEN, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    url = urlsplit(response.json()["url"])
    assert url.path == FEED
    return f"{url.path}?{url.query}"


def _events(client: TestClient, path: str) -> list[tuple[str, date, str]]:
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


def test_a_focal_points_feed_holds_only_what_they_may_see(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    headers = accounts.headers_for(writer, "focal_point", entity_id=world.justice)
    events = _events(anonymous_client, _feed_path(anonymous_client, headers))
    assert {summary for summary, _, _ in events} == {
        JUSTICE_OVERDUE,
        GENERAL_DONE,
        UPR_REVIEW,
        JUSTICE_CUSTOM,
    }
    uids = [uid for _, _, uid in events]
    assert len(uids) == len(set(uids)) == 5  # the review and its mid-term report
    assert f"action_due-{world.justice_action}@testserver" in uids
    review = [start for summary, start, _ in events if summary == UPR_REVIEW]
    assert world.next_review in review


def test_the_uids_are_stable_and_a_managers_feed_holds_everything(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    headers = accounts.headers_for(writer, "coordinator")
    last_day = {"title": "The last day", "due_on": "2100-12-31"}
    assert anonymous_client.post("/api/v1/deadlines", json=last_day, headers=headers).status_code == 201
    # The last day of the calendar, no day after it for DTEND: stored before dates had their years.
    writer.execute(update(Deadline).where(Deadline.title == "The last day").values(due_on=date(9999, 12, 31)))
    path = _feed_path(anonymous_client, headers)
    first, second = _events(anonymous_client, path), _events(anonymous_client, path)
    assert sorted(first) == sorted(second)
    assert {EDUCATION_ACTION, INDICATOR} <= {summary for summary, _, _ in first}


def test_a_readers_feed_holds_published_deadlines_only(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    headers = accounts.headers_for(writer, "reader")
    path = _feed_path(anonymous_client, headers)
    summaries = {summary for summary, _, _ in _events(anonymous_client, path)}
    assert summaries == {EDUCATION_ACTION, INDICATOR, UPR_REVIEW, JUSTICE_CUSTOM}
    body = anonymous_client.get(path).text
    assert "/staff/" not in body and "State:" not in body  # the public view: no workspace link, no state


def test_the_events_name_their_kind_in_the_owners_language(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    # A calendar program shows the summary alone: the mid-term report, which carries its review's
    # title, must not read as the review itself on the mid-term's date.
    headers = accounts.headers_for(writer, "coordinator")
    me = anonymous_client.get("/api/v1/me", headers=headers).json()
    writer.execute(update(User).where(User.id == me["id"]).values(language="fr"))
    response = anonymous_client.get(_feed_path(anonymous_client, headers))
    calendar = Calendar.from_ical(response.content)
    events = {str(event["uid"]).split("@")[0]: event for event in calendar.walk("VEVENT")}
    midterm, review = events[f"upr_midterm-{world.review}"], events[f"upr_review-{world.review}"]
    assert midterm.decoded("dtstart") != review.decoded("dtstart")
    assert str(midterm["summary"]) == f"Rapport à mi-parcours de l’EPU : {UPR_REVIEW}"  # noqa: RUF001
    assert str(review["summary"]) == f"Examen de l’EPU : {UPR_REVIEW}"  # noqa: RUF001
    target = events[f"indicator_target-{world.indicator}"]
    assert str(target["summary"]) == f"Cible d’indicateur : {INDICATOR}"  # noqa: RUF001
    assert str(events[f"custom-{world.justice_custom}"]["summary"]) == JUSTICE_CUSTOM  # its own title
    assert str(midterm["description"]).splitlines() == [
        "Type : Rapport à mi-parcours de l’EPU",  # noqa: RUF001
        "État : À faire",
        "Mécanisme : UPR",
        f"http://testserver/staff/calendar/{world.review}?lang=fr",
    ]
    overdue = events[f"action_due-{world.justice_action}"]
    assert "État : En retard" in str(overdue["description"]).splitlines()
    # Its link opens the workspace in French too, not in the browser's language (English pages).
    link = f"http://testserver/staff/actions/{world.justice_action}?lang=fr"
    assert str(overdue["url"]) == link
    # Google Calendar and Outlook show no URL property: the description, which they show, ends with it.
    assert str(overdue["description"]).splitlines()[-1] == link
    # Not signed in on that browser: the sign-in page in French too, then back to the action.
    signing_in = anonymous_client.get(
        f"/staff/actions/{world.justice_action}?lang=fr", follow_redirects=False
    )
    assert signing_in.headers["location"] == (
        f"/staff/login?next=/staff/actions/{world.justice_action}%3Flang%3Dfr&lang=fr"
    )
    assert '<html lang="fr"' in anonymous_client.get(signing_in.headers["location"]).text
    # The calendar's name and the events' categories, as a calendar program shows them.
    assert str(calendar["x-wr-calname"]) == "Échéances de rapport et de suivi"
    assert [str(name) for name in overdue.decoded("categories")] == ["Échéance d’action"]  # noqa: RUF001


def test_a_cancelled_actions_dates_are_cancelled_events_in_every_feed(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    """A cancelled action's due date and its indicator's target stayed in the feed as ordinary events,
    "State: Done" for staff, nothing at all for a reader: a coordinator's calendar showed a date that
    no longer held. They are now STATUS:CANCELLED, titled so (for clients that ignore the status),
    and the API and the public API say so."""
    writer.execute(update(Action).where(Action.id == world.education_action).values(status="cancelled"))
    cancelled = {f"action_due-{world.education_action}", f"indicator_target-{world.indicator}"}
    for role in ("coordinator", "reader"):
        headers = accounts.headers_for(writer, role)
        calendar = Calendar.from_ical(anonymous_client.get(_feed_path(anonymous_client, headers)).content)
        events = {str(event["uid"]).split("@")[0]: event for event in calendar.walk("VEVENT")}
        for name in cancelled:
            event = events[name]
            assert str(event["status"]) == "CANCELLED" and int(str(event["sequence"])) >= 1, role
            assert str(event["summary"]).startswith("Cancelled: "), role
        due = events[f"action_due-{world.education_action}"]
        assert str(due["summary"]) == f"Cancelled: Action due: {EDUCATION_ACTION}"
        if role == "coordinator":
            assert "State: Cancelled" in str(due["description"]).splitlines()
            others = [event for name, event in events.items() if name not in cancelled]
            assert others and all("status" not in event for event in others)
        else:
            assert "State:" not in str(due["description"])
    staff = accounts.headers_for(writer, "coordinator")
    listed = anonymous_client.get("/api/v1/deadlines", params={"kind": "action_due"}, headers=staff).json()
    flags = {item["uid"]: (item["cancelled"], item["done"]) for item in listed["items"]}
    assert flags[f"action_due-{world.education_action}"] == (True, True)
    assert flags[f"action_due-{world.general_action}"] == (False, True)  # completed: met, not cancelled
    public = anonymous_client.get("/api/v1/public/deadlines", params={"kind": "action_due"}).json()
    assert [item["cancelled"] for item in public["items"]] == [True]


def test_rotating_or_revoking_makes_the_old_url_404(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    headers = accounts.headers_for(writer, "coordinator")
    assert anonymous_client.get(TOKEN, headers=headers).json() == {"active": False, "created_at": None}
    old = _feed_path(anonymous_client, headers)
    new = _feed_path(anonymous_client, headers)
    assert anonymous_client.get(old).status_code == 404
    assert anonymous_client.get(new).status_code == 200
    assert anonymous_client.get(TOKEN, headers=headers).json()["active"] is True
    assert anonymous_client.delete(TOKEN, headers=headers).status_code == 204
    revoked = anonymous_client.get(new)
    assert revoked.status_code == 404
    assert revoked.headers["content-type"].startswith("application/problem+json")
    assert anonymous_client.delete(TOKEN, headers=headers).status_code == 404
    assert anonymous_client.get(TOKEN, headers=headers).json()["active"] is False


def test_a_head_on_the_feed_answers_its_headers_and_builds_nothing(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A calendar program or a link checker asking HEAD got the whole feed built (every deadline the
    owner may see, from a year back) and dropped."""
    path = _feed_path(anonymous_client, accounts.headers_for(writer, "coordinator"))
    got = anonymous_client.get(path)

    def never_built(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a HEAD builds no feed")

    monkeypatch.setattr(deadline_feed, "feed", never_built)
    head = anonymous_client.head(path)
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "content-disposition", "cache-control"):
        assert head.headers[name] == got.headers[name], name
    assert "content-length" not in head.headers
    assert anonymous_client.head(FEED, params={"token": "nonsense"}).status_code == 404


def test_the_feed_token_opens_nothing_else_and_nothing_else_opens_the_feed(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    user_id = accounts.create_user(writer, "feed-owner@example.org", "coordinator")
    bearer = accounts.issue_token(writer, user_id)
    session_secret, _csrf = accounts.issue_session(writer, user_id)
    path = _feed_path(anonymous_client, accounts.bearer(bearer))
    token = path.split("token=", 1)[1]
    # The feed's token is no bearer token...
    assert anonymous_client.get("/api/v1/me", headers=accounts.bearer(token)).status_code == 401
    assert anonymous_client.get("/api/v1/deadlines", headers=accounts.bearer(token)).status_code == 401
    # ...and neither a bearer token nor a session's secret opens the feed.
    for secret in (bearer, session_secret, "nonsense"):
        assert anonymous_client.get(FEED, params={"token": secret}).status_code == 404
    assert anonymous_client.get(FEED).status_code == 422


def test_a_deactivated_owners_feed_is_404_and_an_api_key_has_none(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    admin = accounts.headers_for(writer, "admin")
    user_id = accounts.create_user(writer, "leaving@example.org", "focal_point", entity_id=world.justice)
    path = _feed_path(anonymous_client, accounts.bearer(accounts.issue_token(writer, user_id)))
    user = anonymous_client.get(f"/api/v1/users/{user_id}", headers=admin)
    deactivated = anonymous_client.patch(
        f"/api/v1/users/{user_id}",
        json={"active": False},
        headers={**admin, "If-Match": user.headers["ETag"]},
    )
    assert deactivated.status_code == 200, deactivated.text
    assert anonymous_client.get(path).status_code == 404
    key = anonymous_client.post(
        "/api/v1/api-keys", json={"name": "k", "role": "reader", "scope": "write"}, headers=admin
    )
    assert key.status_code == 201, key.text
    refused = anonymous_client.post(TOKEN, headers={"X-API-Key": key.json()["key"]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "credentials"
    reading = anonymous_client.post(
        "/api/v1/api-keys", json={"name": "r", "role": "reader", "scope": "read"}, headers=admin
    )
    assert reading.status_code == 201, reading.text
    # A read-only key: refused as every write is, before the route (docs/calendar.md says so).
    assert anonymous_client.post(TOKEN, headers={"X-API-Key": reading.json()["key"]}).status_code == 403


def test_the_access_log_never_holds_the_token(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nrtd.access")
    path = _feed_path(anonymous_client, accounts.headers_for(writer, "coordinator"))
    token = path.split("token=", 1)[1]
    assert anonymous_client.get(path).status_code == 200
    lines = [record.getMessage() for record in caplog.records if record.name == "nrtd.access"]
    assert any("/api/v1/calendar.ics?token=***" in line for line in lines), lines
    assert not any(token in line for line in lines)


def test_the_feeds_addresses_start_with_the_sites_address_whatever_host_the_request_names(
    world: CalendarWorld, make_app: MakeApp, writer: Connection
) -> None:
    # Behind a proxy that does not pass the Host header on, every request names the app's own
    # address: the URL handed out, the events' links and their UIDs follow NRTD_BASE_URL instead.
    headers = accounts.headers_for(writer, "coordinator")
    site = "https://nrtd.example.gov:8443"
    with TestClient(make_app(base_url=site), base_url="http://127.0.0.1:8000") as client:
        response = client.post(TOKEN, headers=headers)
        assert response.json()["url"].startswith(f"{site}{FEED}?token=")
        body = Calendar.from_ical(client.get(_feed_path(client, headers)).content)
    events = body.walk("VEVENT")
    assert events and all(str(event["uid"]).endswith("@nrtd.example.gov") for event in events)
    links = [str(event["url"]) for event in events if "url" in event]
    assert links and all(link.startswith(f"{site}/staff/") for link in links)
    # Not set, the address is the request's, as before (the tests' client: http://testserver).
    with TestClient(make_app(), base_url="http://intranet.example:8000") as client:
        assert (
            client.post(TOKEN, headers=headers)
            .json()["url"]
            .startswith(f"http://intranet.example:8000{FEED}")
        )


def test_an_events_revision_number_only_grows(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    """A calendar program that compares revisions (SEQUENCE, RFC 5545) ignores an event whose number
    did not grow: a cancellation was SEQUENCE:1, the action reopened was back to 0 (none), and there it
    stayed cancelled; a moved due date kept its number too. Each change now gives a higher one."""
    headers = accounts.headers_for(writer, "coordinator")
    path = _feed_path(anonymous_client, headers)
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
    path = _feed_path(anonymous_client, headers)
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
    uids = {uid: title for title, _, uid in _events(anonymous_client, path)}
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
    path = _feed_path(anonymous_client, accounts.headers_for(writer, "coordinator"))
    raw = anonymous_client.get(path).content.replace(b"\r\n", b"")
    assert not [byte for byte in raw if (byte < 0x20 and byte != 0x09) or byte == 0x7F]
    assert ("Report to parliament , second", world.justice_custom) in {
        (shown, int(uid.split("@")[0].split("-")[1])) for shown, _, uid in _events(anonymous_client, path)
    }


def test_a_feed_without_any_deadline_is_still_a_valid_calendar(
    anonymous_client: TestClient, db: Connection
) -> None:
    """RFC 5545's grammar wants at least one component in a VCALENDAR (``icalbody = calprops
    component``): the feed of someone with no deadline yet (a new instance, a reader before anything
    is published) was BEGIN:VCALENDAR, its properties and END:VCALENDAR, which a strict client
    refuses to subscribe to. It holds the instance's time zone (a VTIMEZONE, which shows nothing), and
    still no event."""
    path = _feed_path(anonymous_client, accounts.headers_for(db, "coordinator"))
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
