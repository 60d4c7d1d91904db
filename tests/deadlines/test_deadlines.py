"""/api/v1/deadlines: every kind merged by date, the filters, who sees what, pages, and the entered
deadlines' CRUD (If-Match, audit, problem+json)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.deadlines.sources import midterm_suggestion
from app.models import AuditEvent
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

URL = "/api/v1/deadlines"
Headers = Callable[..., dict[str, str]]


def _list(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _keys(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(item["kind"], item["title"]) for item in items}


def test_a_manager_sees_every_kind_by_date(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers
) -> None:
    items = _list(anonymous_client, headers_for("coordinator"))
    assert _keys(items) == {
        ("action_due", JUSTICE_OVERDUE),
        ("action_due", EDUCATION_ACTION),
        ("action_due", GENERAL_DONE),
        ("indicator_target", INDICATOR),
        ("upr_review", UPR_REVIEW),
        ("upr_midterm", UPR_REVIEW),
        ("custom", EDUCATION_CUSTOM),
        ("custom", JUSTICE_CUSTOM),
    }
    assert [item["date"] for item in items] == sorted(item["date"] for item in items)
    midterm = next(item for item in items if item["kind"] == "upr_midterm")
    assert midterm["date"] == midterm_suggestion(world.last_review, world.next_review).isoformat()
    overdue = {item["title"] for item in items if item["overdue"]}
    assert overdue == {JUSTICE_OVERDUE}  # the completed action and the done deadline are not
    education = next(item for item in items if item["title"] == EDUCATION_ACTION)
    assert education["link"] == f"/staff/actions/{education['object_id']}"
    assert education["entity_ids"] == [world.education]
    assert education["uid"] == f"action_due-{world.education_action}"
    # An indicator's target opens the indicator's page, where its values are recorded (it opened the
    # action's, one click short of it).
    target = next(item for item in items if item["kind"] == "indicator_target")
    assert target["link"] == f"/staff/indicators/{world.indicator}"


def test_filters(world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers) -> None:
    headers = headers_for("coordinator")
    kinds = _list(anonymous_client, headers, kind=["upr_review", "custom"])
    assert {item["kind"] for item in kinds} == {"upr_review", "custom"}
    assert _keys(_list(anonymous_client, headers, overdue="true")) == {("action_due", JUSTICE_OVERDUE)}
    assert {item["title"] for item in _list(anonymous_client, headers, entity_id=world.education)} == {
        EDUCATION_ACTION,
        INDICATOR,
        EDUCATION_CUSTOM,
    }
    assert _keys(_list(anonymous_client, headers, mechanism="UPR")) == {
        ("upr_review", UPR_REVIEW),
        ("upr_midterm", UPR_REVIEW),
    }
    window = _list(
        anonymous_client,
        headers,
        **{"from": world.today.isoformat(), "to": (world.today + timedelta(days=60)).isoformat()},
    )
    assert {item["title"] for item in window} == {EDUCATION_ACTION, EDUCATION_CUSTOM}


def test_the_entity_filter_is_named_as_on_the_public_list(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers
) -> None:
    """The public deadlines take `entity` (and `entity_id`, deprecated); the staff list took `entity_id`
    only (`entity` was a 422): it takes both now, by the same rule."""
    headers = headers_for("coordinator")
    titles = {item["title"] for item in _list(anonymous_client, headers, entity=world.education)}
    assert titles == {EDUCATION_ACTION, INDICATOR, EDUCATION_CUSTOM}
    old = _list(anonymous_client, headers, entity_id=world.education)
    assert {item["title"] for item in old} == titles
    same = _list(anonymous_client, headers, entity=world.education, entity_id=world.education)
    assert {item["title"] for item in same} == titles
    both = anonymous_client.get(
        URL, params={"entity": world.education, "entity_id": world.justice}, headers=headers
    )
    assert both.status_code == 422 and both.json()["errors"][0]["field"] == "entity_id"
    for field in ("entity", "entity_id"):
        unknown = anonymous_client.get(URL, params={field: 99999}, headers=headers)
        assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == field
    [operation] = [anonymous_client.get("/openapi.json").json()["paths"][URL]["get"]]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert not parameters["entity"].get("deprecated") and parameters["entity_id"]["deprecated"] is True


def test_an_unknown_kind_or_a_bad_date_is_422(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers
) -> None:
    headers = headers_for("coordinator")
    for params in ({"kind": ["custom", "birthday"]}, {"from": "2026-02-30"}, {"cursor": "nonsense"}):
        response = anonymous_client.get(URL, params=params, headers=headers)
        assert response.status_code == 422, params
        assert response.headers["content-type"].startswith("application/problem+json")


def test_a_range_that_ends_before_it_starts_is_422_naming_to(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers
) -> None:
    # "from 1 May to 1 January" answered an empty calendar, as if nothing were due: the dates were
    # typed the wrong way round, which nothing said.
    reversed_range = {"from": "2027-05-01", "to": "2027-01-01"}
    for url, headers in ((URL, headers_for("coordinator")), ("/api/v1/public/deadlines", {})):
        response = anonymous_client.get(url, params=reversed_range, headers=headers)
        assert response.status_code == 422, (url, response.text)
        reason = "'2027-01-01' is not accepted: must be on or after `from` (2027-05-01)"
        assert response.json()["errors"] == [{"field": "to", "reason": reason}]
    one_day = {"from": "2027-05-01", "to": "2027-05-01"}
    assert anonymous_client.get(URL, params=one_day, headers=headers_for("coordinator")).status_code == 200


def test_pages_follow_one_another_without_gaps(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers
) -> None:
    headers = headers_for("admin")
    everything = _list(anonymous_client, headers)
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = anonymous_client.get(URL, params=params, headers=headers).json()
        assert page["total"] == len(everything)
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything


def test_a_focal_point_sees_their_entity_and_the_general_deadlines(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers
) -> None:
    items = _list(anonymous_client, headers_for("focal_point", world.justice))
    assert {item["title"] for item in items} == {JUSTICE_OVERDUE, GENERAL_DONE, UPR_REVIEW, JUSTICE_CUSTOM}
    # Asking for another entity's deadlines gives none of them.
    assert _list(anonymous_client, headers_for("focal_point", world.justice), entity_id=world.education) == []
    unlinked = _list(anonymous_client, headers_for("focal_point"))
    assert {item["title"] for item in unlinked} == {GENERAL_DONE, UPR_REVIEW}


def test_a_reader_reads_the_public_list_instead(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers
) -> None:
    """Readers see what the public API shows: /api/v1/public/deadlines (test_public_calendar.py)."""
    reader = headers_for("reader")
    assert anonymous_client.get(URL, headers=reader).status_code == 403
    assert anonymous_client.get(f"{URL}/{world.review}", headers=reader).status_code == 403
    assert anonymous_client.get(URL).status_code == 401


# Entered deadlines ------------------------------------------------------------------------------


def _audit(db: Connection, deadline_id: int) -> list[str]:
    with Session(db) as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.object_type == "deadline", AuditEvent.object_id == deadline_id)
                .order_by(AuditEvent.id)
            )
        )


def test_a_coordinator_enters_changes_and_deletes_a_deadline(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers, db: Connection
) -> None:
    headers = headers_for("coordinator")
    body = {"title": "Report to the NHRI", "due_on": "2027-03-01", "entity_id": world.justice, "notes": "n"}
    created = anonymous_client.post(URL, json=body, headers=headers)
    assert created.status_code == 201, created.text
    deadline_id, tag = created.json()["id"], created.headers["ETag"]
    assert created.headers["Location"] == f"{URL}/{deadline_id}"
    assert created.json()["kind"] == "custom"
    path = f"{URL}/{deadline_id}"
    assert anonymous_client.patch(path, json={"title": "x"}, headers=headers).status_code == 428
    stale = anonymous_client.patch(path, json={"title": "x"}, headers={**headers, "If-Match": '"99"'})
    assert stale.status_code == 412
    changed = anonymous_client.patch(
        path,
        json={"title": "Report to the NHRI (final)", "published": True},
        headers={**headers, "If-Match": tag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["published"] is True
    new_tag = changed.headers["ETag"]
    assert new_tag != tag
    assert anonymous_client.get(path, headers=headers).headers["ETag"] == new_tag
    assert anonymous_client.delete(path, headers={**headers, "If-Match": tag}).status_code == 412
    assert anonymous_client.delete(path, headers={**headers, "If-Match": new_tag}).status_code == 204
    assert anonymous_client.get(path, headers=headers).status_code == 404
    assert _audit(db, deadline_id) == ["deadline.create", "deadline.update", "deadline.delete"]


def test_a_upr_review_suggests_its_midterm_and_takes_a_chosen_one(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers
) -> None:
    headers = headers_for("coordinator")
    body = {
        "kind": "upr_review",
        "title": "Sixth review",
        "due_on": "2031-05-10",
        "last_review_on": "2026-11-10",
    }
    created = anonymous_client.post(URL, json=body, headers=headers)
    assert created.status_code == 201, created.text
    data = created.json()
    assert data["mechanism"] == "UPR"
    assert data["midterm_suggested"] == data["midterm_date"] == "2029-02-08"
    chosen = anonymous_client.patch(
        f"{URL}/{data['id']}",
        json={"midterm_on": "2028-12-01"},
        headers={**headers, "If-Match": created.headers["ETag"]},
    )
    assert chosen.json()["midterm_date"] == "2028-12-01"
    assert chosen.json()["midterm_suggested"] == "2029-02-08"
    midterms = _list(anonymous_client, headers, kind="upr_midterm", **{"from": "2028-01-01"})
    assert [item["date"] for item in midterms if item["object_id"] == data["id"]] == ["2028-12-01"]


def test_refusals_name_the_field(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers
) -> None:
    headers = headers_for("coordinator")
    cases = [
        ({"title": "x", "due_on": "2027-01-01", "mechanism": "NOPE"}, "mechanism"),
        ({"title": "x", "due_on": "2027-01-01", "entity_id": 999999}, "entity_id"),
        ({"title": "x", "due_on": "2027-01-01", "last_review_on": "2026-01-01"}, "last_review_on"),
        (
            {"kind": "upr_review", "title": "x", "due_on": "2027-01-01", "last_review_on": "2028-01-01"},
            "last_review_on",
        ),
        (
            {"kind": "upr_review", "title": "x", "due_on": "2027-01-01", "midterm_on": "2027-06-01"},
            "midterm_on",
        ),
        ({"title": " ", "due_on": "2027-01-01"}, "title"),
        ({"title": "x", "due_on": "soon"}, "due_on"),
        ({"title": "x", "due_on": "2027-01-01", "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        response = anonymous_client.post(URL, json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert field in [error["field"] for error in response.json()["errors"]], (body, response.json())


def test_only_managers_write_and_focal_points_read_only_theirs(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers
) -> None:
    body = {"title": "x", "due_on": "2027-01-01"}
    for role in ("focal_point", "reader"):
        headers = headers_for(role, world.education)
        assert anonymous_client.post(URL, json=body, headers=headers).status_code == 403
        path = f"{URL}/{world.education_custom}"
        assert anonymous_client.delete(path, headers={**headers, "If-Match": '"1"'}).status_code == 403
    focal = headers_for("focal_point", world.justice)
    assert anonymous_client.get(f"{URL}/{world.education_custom}", headers=focal).status_code == 404
    assert anonymous_client.get(f"{URL}/{world.justice_custom}", headers=focal).status_code == 200
    assert anonymous_client.get(f"{URL}/{world.review}", headers=focal).status_code == 200


def test_a_title_breaking_the_line_in_any_way_is_refused(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers
) -> None:
    """A title is one line (the calendar, its feed and the digests show it as one item); only a
    line feed or a carriage return was refused, while the other line breaks (a vertical tab, as a
    line break pasted from Word is, a form feed, the Unicode line and paragraph separators, NEL)
    were stored, and a mail program or a calendar broke the title there."""
    headers = headers_for("coordinator")
    for brk in ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"):
        for url, body in (
            (URL, {"title": f"Report{brk}to parliament", "due_on": "2027-01-01"}),
            ("/api/v1/actions", {"title": f"Train{brk}staff"}),
        ):
            response = anonymous_client.post(url, json=body, headers=headers)
            assert response.status_code == 422, (url, repr(brk), response.text)
            assert [error["field"] for error in response.json()["errors"]] == ["title"]
    assert (
        anonymous_client.post(
            URL, json={"title": "Tab\tkept", "due_on": "2027-01-01"}, headers=headers
        ).status_code
        == 201
    )


def test_a_mechanism_code_is_read_in_any_case_as_the_list_reads_it(
    world: CalendarWorld, anonymous_client: TestClient, headers_for: Headers
) -> None:
    # The list takes ?mechanism=crc; an entered deadline's "crc" was refused, "no mechanism has the
    # code crc", while the CRC was there.
    headers = headers_for("coordinator")
    created = anonymous_client.post(
        URL,
        json={"title": "Reply to the review", "due_on": "2027-01-01", "mechanism": "upr"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["mechanism"] == "UPR"
    changed = anonymous_client.patch(
        f"{URL}/{created.json()['id']}",
        json={"mechanism": " Upr "},
        headers={**headers, "If-Match": created.headers["ETag"]},
    )
    assert changed.status_code == 200 and changed.json()["mechanism"] == "UPR"
