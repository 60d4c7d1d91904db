"""/api/v1/calendar.ics: a user's deadlines as iCalendar, opened by the token in its URL alone; the
token is made, rotated and revoked by its owner, and opens nothing else."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import Connection, update

from app.deadlines import feed as deadline_feed
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
from tests.deadlines.feeds import FEED, TOKEN, feed_events, feed_path


def test_a_focal_points_feed_holds_only_what_they_may_see(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    headers = accounts.headers_for(writer, "focal_point", entity_id=world.justice)
    events = feed_events(anonymous_client, feed_path(anonymous_client, headers))
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
    path = feed_path(anonymous_client, headers)
    first, second = feed_events(anonymous_client, path), feed_events(anonymous_client, path)
    assert sorted(first) == sorted(second)
    assert {EDUCATION_ACTION, INDICATOR} <= {summary for summary, _, _ in first}


def test_a_readers_feed_holds_published_deadlines_only(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    headers = accounts.headers_for(writer, "reader")
    path = feed_path(anonymous_client, headers)
    summaries = {summary for summary, _, _ in feed_events(anonymous_client, path)}
    assert summaries == {EDUCATION_ACTION, INDICATOR, UPR_REVIEW, JUSTICE_CUSTOM}
    body = anonymous_client.get(path).text
    assert "/staff/" not in body and "State:" not in body  # the public view: no workspace link, no state
    # A reader clicking an event had nowhere to go: it links the portal page the public calendar links.
    calendar = Calendar.from_ical(anonymous_client.get(path).content)
    urls = {str(event["summary"]): str(event.get("url", "")) for event in calendar.walk("VEVENT")}
    assert urls[f"Action due: {EDUCATION_ACTION}"].endswith(f"/actions/{world.education_action}?lang=en")
    assert urls[f"UPR review: {UPR_REVIEW}"] == ""  # no portal page


def test_the_events_name_their_kind_in_the_owners_language(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection
) -> None:
    # A calendar program shows the summary alone: the mid-term report, which carries its review's
    # title, must not read as the review itself on the mid-term's date.
    headers = accounts.headers_for(writer, "coordinator")
    me = anonymous_client.get("/api/v1/me", headers=headers).json()
    writer.execute(update(User).where(User.id == me["id"]).values(language="fr"))
    response = anonymous_client.get(feed_path(anonymous_client, headers))
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
        "Mécanisme : Examen périodique universel (UPR)",  # its name, not its code alone
        f"http://testserver/staff/calendar/{world.review}?lang=fr",
    ]
    # The entity it concerns is named too (a calendar program shows no other trace of it).
    custom = str(events[f"custom-{world.justice_custom}"]["description"]).splitlines()
    assert "Entité : Ministry of Justice" in custom
    overdue = events[f"action_due-{world.justice_action}"]
    assert "État : Échéance dépassée" in str(overdue["description"]).splitlines()
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
        calendar = Calendar.from_ical(anonymous_client.get(feed_path(anonymous_client, headers)).content)
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
    old = feed_path(anonymous_client, headers)
    new = feed_path(anonymous_client, headers)
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
    path = feed_path(anonymous_client, accounts.headers_for(writer, "coordinator"))
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
    path = feed_path(anonymous_client, accounts.bearer(bearer))
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
    path = feed_path(anonymous_client, accounts.bearer(accounts.issue_token(writer, user_id)))
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
    path = feed_path(anonymous_client, accounts.headers_for(writer, "coordinator"))
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
        body = Calendar.from_ical(client.get(feed_path(client, headers)).content)
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


def test_the_access_log_never_holds_the_token_whatever_its_name_is_spelt(
    world: CalendarWorld, anonymous_client: TestClient, writer: Connection, caplog: pytest.LogCaptureFixture
) -> None:
    # "%74oken" is "token" percent-encoded: the feed reads the name decoded and answers, so the log
    # must mask it as it does the plain one (and a name in capitals, which the feed refuses as unknown).
    caplog.set_level(logging.INFO, logger="nrtd.access")
    path = feed_path(anonymous_client, accounts.headers_for(writer, "coordinator"))
    token = path.split("token=", 1)[1]
    assert anonymous_client.get(path.replace("token=", "%74oken=")).status_code == 200
    anonymous_client.get(path.replace("token=", "lang=fr&TOKEN="))
    lines = [record.getMessage() for record in caplog.records if record.name == "nrtd.access"]
    assert any("/api/v1/calendar.ics?%74oken=*** " in line for line in lines), lines
    assert any("/api/v1/calendar.ics?lang=fr&TOKEN=*** " in line for line in lines), lines
    assert not any(token in line for line in lines)
