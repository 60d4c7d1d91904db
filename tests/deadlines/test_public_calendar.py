"""The published deadlines on the public API (/api/v1/public/deadlines) and the portal (/calendar):
what a coordinator published and nothing else, without the staff's fields."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from app.deadlines.sources import DEADLINE_KINDS
from app.portal import calendar_views
from tests.conftest import MakeApp
from tests.deadlines.conftest import (
    EDUCATION_ACTION,
    EDUCATION_CUSTOM,
    GENERAL_DONE,
    INDICATOR,
    JUSTICE_CUSTOM,
    JUSTICE_OVERDUE,
    UPR_REVIEW,
    CalendarWorld,
)

URL = "/api/v1/public/deadlines"
UNPUBLISHED = (JUSTICE_OVERDUE, GENERAL_DONE, EDUCATION_CUSTOM)


def test_the_public_api_lists_published_deadlines_only(
    world: CalendarWorld, anonymous_client: TestClient
) -> None:
    response = anonymous_client.get(URL)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert {(item["kind"], item["title"]) for item in items} == {
        ("action_due", EDUCATION_ACTION),
        ("indicator_target", INDICATOR),
        ("upr_review", UPR_REVIEW),
        ("upr_midterm", UPR_REVIEW),
        ("custom", JUSTICE_CUSTOM),
    }
    assert set(items[0]) == {
        "kind",
        "date",
        "title",
        "uid",
        "mechanism",
        "entities",
        "link",
        "detail",
        "grade",
        "cancelled",
    }
    education = next(item for item in items if item["title"] == EDUCATION_ACTION)
    assert [entity["name"] for entity in education["entities"]] == ["Ministry of Education"]
    assert "ETag" in response.headers
    reviews = anonymous_client.get(URL, params={"kind": "upr_review"}).json()["items"]
    assert [item["title"] for item in reviews] == [UPR_REVIEW]
    assert anonymous_client.get(URL, params={"kind": "secret"}).status_code == 422
    assert anonymous_client.get(URL, params={"overdue": "true"}).status_code == 422  # not a public filter


def test_mechanism_and_entity_filters_check_their_values(
    world: CalendarWorld, anonymous_client: TestClient
) -> None:
    # The list's rule: a code in any case; a value that names nothing is a 422 naming the parameter.
    upper = anonymous_client.get(URL, params={"mechanism": "UPR"}).json()["items"]
    assert {item["title"] for item in upper} == {UPR_REVIEW}
    assert anonymous_client.get(URL, params={"mechanism": "upr"}).json()["items"] == upper
    for field, value in (("mechanism", "XYZ"), ("entity", "99999"), ("entity_id", "99999")):
        response = anonymous_client.get(URL, params={field: value})
        assert response.status_code == 422, response.text
        [error] = response.json()["errors"]
        assert error["field"] == field and error["reason"].startswith(f"{value!r} is not a known")


def test_the_entity_filter_is_named_as_on_the_public_actions(
    world: CalendarWorld, anonymous_client: TestClient
) -> None:
    """The public actions filter by `entity`, the deadlines took `entity_id` only (`entity` was a 422):
    both take `entity` now; `entity_id` still works, a deprecated alias."""
    education = anonymous_client.get(URL, params={"entity": world.education})
    assert education.status_code == 200, education.text
    titles = {item["title"] for item in education.json()["items"]}
    assert titles == {EDUCATION_ACTION, INDICATOR}
    old = anonymous_client.get(URL, params={"entity_id": world.education}).json()["items"]
    assert {item["title"] for item in old} == titles
    both = anonymous_client.get(URL, params={"entity": world.education, "entity_id": world.justice})
    assert both.status_code == 422 and both.json()["errors"][0]["field"] == "entity_id"
    [operation] = [anonymous_client.get("/openapi.json").json()["paths"][URL]["get"]]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert not parameters["entity"].get("deprecated") and parameters["entity_id"]["deprecated"] is True


def test_published_deadlines_link_their_public_pages(
    world: CalendarWorld, anonymous_client: TestClient
) -> None:
    # A published action's due date and its indicator's target: the action's portal page (which
    # answers); an entered deadline has no page.
    items = anonymous_client.get(URL).json()["items"]
    links = {item["title"]: item["link"] for item in items}
    assert links == {
        EDUCATION_ACTION: f"/actions/{world.education_action}",
        INDICATOR: f"/actions/{world.education_action}#indicators",
        UPR_REVIEW: None,
        JUSTICE_CUSTOM: None,
    }
    assert anonymous_client.get(links[EDUCATION_ACTION], headers={"Accept": "text/html"}).status_code == 200
    page = anonymous_client.get("/calendar", params={"lang": "fr"}, headers={"Accept": "text/html"}).text
    assert f'<a href="/actions/{world.education_action}?lang=fr">{EDUCATION_ACTION}</a>' in page
    assert f'<a href="/actions/{world.education_action}?lang=fr#indicators">{INDICATOR}</a>' in page


def test_the_portal_calendar_shows_what_is_published(
    world: CalendarWorld, anonymous_client: TestClient
) -> None:
    page = anonymous_client.get("/calendar", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert UPR_REVIEW in page.text and EDUCATION_ACTION in page.text
    assert JUSTICE_CUSTOM not in page.text  # published, but before this month
    for title in UNPUBLISHED:
        assert title not in page.text
    assert 'href="/calendar"' in page.text  # in the portal's navigation
    assert anonymous_client.get("/calendar", params={"cursor": "tampered"}).status_code == 200


def test_the_portal_calendar_names_mechanisms_in_the_readers_language(
    world: CalendarWorld, anonymous_client: TestClient
) -> None:
    """The calendar's Mechanism column showed the stored code ("UPR") on every page, where the search
    and a recommendation's page name the mechanism, in French and Spanish too."""
    for lang, name in (
        ("en", "Universal Periodic Review"),
        ("fr", "Examen périodique universel"),
        ("es", "Examen Periódico Universal"),
    ):
        page = anonymous_client.get("/calendar", params={"lang": lang}, headers={"Accept": "text/html"}).text
        assert f"<td>{html.escape(name)}</td>" in page, lang
        assert "<td>UPR</td>" not in page


def test_the_portal_calendar_follows_public_access(world: CalendarWorld, make_app: MakeApp) -> None:
    with TestClient(make_app(public_access="off")) as client:
        assert client.get("/calendar", headers={"Accept": "text/html"}).status_code == 404
        assert client.get(URL).status_code == 404


def test_the_portal_calendar_leads_back_to_earlier_deadlines(
    world: CalendarWorld, anonymous_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its pages had a "Later deadlines" link only: a reader could not go back one page."""
    monkeypatch.setattr(calendar_views, "PAGE_SIZE", 1)

    def link(body: str, rel: str) -> str | None:
        found = re.search(rf'<a href="([^"]*)" rel="{rel}">', body)
        return html.unescape(found.group(1)) if found else None

    def shown(body: str) -> str:
        return body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]

    bodies = [anonymous_client.get("/calendar", params={"lang": "fr"}).text]
    while (later := link(bodies[-1], "next")) is not None:
        assert "lang=fr" in later
        bodies.append(anonymous_client.get(later).text)
    assert len(bodies) >= 3 and link(bodies[0], "prev") is None
    assert '<nav class="pager" aria-label="' in bodies[1]
    for number in range(len(bodies) - 1, 0, -1):
        earlier = link(bodies[number], "prev")
        assert earlier is not None and "lang=fr" in earlier
        assert shown(anonymous_client.get(earlier).text) == shown(bodies[number - 1])


def test_the_months_are_named_as_each_language_writes_them(
    world: CalendarWorld, anonymous_client: TestClient
) -> None:
    # A fixed "MMMM y" wrote "diciembre 2026" in Spanish, which writes "diciembre de 2026". A heading
    # stands alone and starts with a capital, "Diciembre de 2026", "Décembre 2026" (CLDR's stand-alone
    # month: it was "décembre 2026"), while the table's caption keeps it inside its sentence.
    pages = {
        lang: anonymous_client.get("/calendar", params={"lang": lang}).text for lang in ("en", "fr", "es")
    }
    headings = {lang: re.findall(r"<h2>([^<]+)</h2>", page) for lang, page in pages.items()}
    assert headings["es"] and all(re.fullmatch(r"[A-Z][a-z]+ de \d{4}", month) for month in headings["es"])
    assert headings["fr"] and all(re.fullmatch(r"[A-ZÉ][a-zéû]+ \d{4}", month) for month in headings["fr"])
    assert headings["en"] and all(re.fullmatch(r"[A-Z][a-z]+ \d{4}", month) for month in headings["en"])
    for lang in ("fr", "es"):
        for month in headings[lang]:
            assert f" {month[0].lower()}{month[1:]}</caption>" in pages[lang], (lang, month)


def test_anyone_may_subscribe_to_the_published_deadlines(
    world: CalendarWorld, anonymous_client: TestClient
) -> None:
    """Civil society had no calendar to subscribe to: the only feed took a staff account's token. The
    public feed holds what the public API lists (from a year back), without the staff's state, each
    event linked to its portal page in the feed's language, cached like the public API."""
    feed = anonymous_client.get("/api/v1/public/calendar.ics", params={"lang": "fr"})
    assert feed.status_code == 200, feed.text
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert feed.headers["cache-control"] == "public, max-age=60" and feed.headers["content-language"] == "fr"
    calendar = Calendar.from_ical(feed.content)
    assert str(calendar["x-wr-calname"]) == "Échéances de rapport et de suivi"
    events = {str(event["uid"]).split("@")[0]: event for event in calendar.walk("VEVENT")}
    listed = anonymous_client.get(URL, params={"from": (world.today - timedelta(days=366)).isoformat()})
    assert set(events) == {item["uid"] for item in listed.json()["items"]}
    assert f"custom-{world.justice_custom}" in events  # published, past: a year back is kept
    action = events[f"action_due-{world.education_action}"]
    assert str(action["url"]).endswith(f"/actions/{world.education_action}?lang=fr")
    assert str(action["summary"]) == f"Échéance d\u2019action : {EDUCATION_ACTION}"
    assert all("État" not in str(event["description"]) for event in events.values())
    again = anonymous_client.get(
        "/api/v1/public/calendar.ics", params={"lang": "fr"}, headers={"If-None-Match": feed.headers["etag"]}
    )
    assert again.status_code == 304
    page = anonymous_client.get("/calendar", params={"lang": "fr"}, headers={"Accept": "text/html"}).text
    assert "http://testserver/api/v1/public/calendar.ics?lang=fr</a>" in page  # to copy into a calendar


def test_the_public_feed_takes_the_public_filters(world: CalendarWorld, anonymous_client: TestClient) -> None:
    """A children's rights group subscribes to the UPR's deadlines alone; a mistyped code is named."""
    feed = anonymous_client.get("/api/v1/public/calendar.ics", params={"mechanism": "upr", "lang": "es"})
    assert feed.status_code == 200, feed.text
    uids = {str(event["uid"]).split("@")[0] for event in Calendar.from_ical(feed.content).walk("VEVENT")}
    assert uids == {f"upr_review-{world.review}", f"upr_midterm-{world.review}"}
    refused = anonymous_client.get("/api/v1/public/calendar.ics", params={"mechanism": "CRX"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "mechanism"
    # An end alone, before the year back the feed starts at, is no reversed range.
    old = anonymous_client.get("/api/v1/public/calendar.ics", params={"to": "2000-01-01"})
    assert old.status_code == 200 and b"BEGIN:VEVENT" not in old.content


def test_the_portal_calendar_writes_each_date_as_a_time(
    world: CalendarWorld, anonymous_client: TestClient
) -> None:
    """Every other page writes a date as <time datetime="YYYY-MM-DD"> (docs/portal.md, Accessibility);
    the calendar's Date column, the one page that is all dates, wrote "1 mars 2027" as bare text."""
    page = anonymous_client.get("/calendar", params={"lang": "fr"}, headers={"Accept": "text/html"}).text
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>", page, re.S)
    assert rows
    for cell in rows:
        assert re.fullmatch(r'<time datetime="\d{4}-\d{2}-\d{2}">[^<]+</time>', cell), cell


def test_the_portal_calendar_leaves_no_cell_empty(world: CalendarWorld, anonymous_client: TestClient) -> None:
    """A deadline without a mechanism (an action's) or without an entity (the UPR review, a general
    deadline) left its cell empty, which a screen reader reads as "blank": the cells say "No mechanism"
    and "General", as the report and the workspace's calendar do."""
    page = anonymous_client.get("/calendar", params={"from": ""}, headers={"Accept": "text/html"}).text
    assert "<td></td>" not in page
    assert "<td>No mechanism</td>" in page and "<td>General</td>" in page
    french = anonymous_client.get("/calendar", params={"from": "", "lang": "fr"}).text
    assert "<td>Sans mécanisme</td>" in french and "<td>Générale</td>" in french


def test_the_civil_society_page_names_every_kind_the_public_filter_takes() -> None:
    """docs/civil-society.md listed five kinds for `/deadlines?kind=`: a follow-up reply or a periodic
    report a coordinator published is listed and filtered as well (`kind=periodic_report`)."""
    text = (Path(__file__).parents[2] / "docs" / "civil-society.md").read_text(encoding="utf-8")
    listed = re.search(r"Filters: `kind` \(repeatable: (.*?)\)", text, re.S)
    assert listed is not None
    assert sorted(re.findall(r"`(\w+)`", listed.group(1))) == sorted(DEADLINE_KINDS)
