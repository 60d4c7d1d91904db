"""The follow-up API: read a recommendation's follow-up, correct it (and the correction survives a
re-import), grade it, list and count; problems name the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Recommendation
from tests.factories import import_records
from tests.followup.documents import CAT, CRC, CRC_REQUEST, cat_document, crc_document

URL = "/api/v1/follow-up"
Headers = Callable[..., dict[str, str]]


def _ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.execute(
            select(Recommendation.paragraph, Recommendation.id).where(Recommendation.symbol == CRC)
        )
        return {str(paragraph): rec_id for paragraph, rec_id in rows}


def _url(rec_id: int, tail: str = "") -> str:
    return f"/api/v1/recommendations/{rec_id}/follow-up{tail}"


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def test_status_shows_detected_and_effective_values(client: TestClient, engine: Engine) -> None:
    import_records(engine, crc_document())
    ids = _ids(engine)

    body = _ok(client.get(_url(ids["10"])))

    assert (body["selected"], body["due"], body["grade"], body["grades"]) == (True, "2027-02-12", None, [])
    assert body["detected"]["subparagraphs"] == ["b"] and body["detected"]["symbol"] == CRC
    assert body["correction"] == {
        "selected": None,
        "due": None,
        "note": None,
        "corrected_by": None,
        "corrected_at": None,
    }
    never = _ok(client.get(_url(ids["11"])))
    assert (never["selected"], never["due"], never["detected"]["selected"]) == (False, None, False)


def test_a_correction_is_audited_and_survives_reimport(client: TestClient, engine: Engine) -> None:
    import_records(engine, crc_document())
    ids = _ids(engine)

    _ok(client.put(_url(ids["32"]), json={"selected": False, "note": "The committee's letter of 3 May"}))
    _ok(client.put(_url(ids["20"]), json={"due": "2027-06-30"}))
    added = _ok(client.put(_url(ids["11"]), json={"selected": True, "due": "2027-03-01"}))
    assert (added["selected"], added["due"], added["detected"]["selected"]) == (True, "2027-03-01", False)

    # The document changes: the follow-up request now gives one year and names 10 (b), 20, 32 and 11.
    changed = CRC_REQUEST.replace("twenty-four months", "one year").replace("20 and 32", "20, 32 and 11")
    import_records(engine, crc_document(changed, extra=" (revised)"))

    state = {p: _ok(client.get(_url(ids[p]))) for p in ("10", "11", "20", "32")}
    assert {p: (s["selected"], s["due"]) for p, s in state.items()} == {
        "10": (True, "2026-02-12"),  # not corrected: follows the detection
        "11": (True, "2027-03-01"),
        "20": (True, "2027-06-30"),
        "32": (False, None),
    }
    assert state["32"]["detected"]["selected"] is True
    assert state["32"]["correction"]["note"] == "The committee's letter of 3 May"
    assert state["32"]["correction"]["corrected_by"].startswith("coordinator")

    with Session(engine) as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "follow_up.correct", AuditEvent.object_id == ids["32"]
            )
        ).one()
    assert event.before is not None and event.after is not None
    assert (event.before["selected"], event.after["selected"]) == (True, False)

    # All fields null withdraws the correction: the detection holds again.
    back = _ok(client.put(_url(ids["32"]), json={}))
    assert (back["selected"], back["due"]) == (True, "2026-02-12")


def test_a_correction_made_since_the_read_is_not_replaced(client: TestClient, engine: Engine) -> None:
    import_records(engine, crc_document())
    url = _url(_ids(engine)["32"])
    read = client.get(url)
    tag = read.headers["ETag"]
    first = client.put(
        url, json={"due": "2027-01-01", "note": "Letter of 3 March"}, headers={"If-Match": tag}
    )
    assert first.status_code == 200 and first.headers["ETag"] != tag
    assert client.get(url).headers["ETag"] == first.headers["ETag"]
    # A second coordinator who read before that correction: 412, and the first one stays.
    stale = client.put(url, json={"selected": True}, headers={"If-Match": tag})
    assert stale.status_code == 412 and stale.json()["errors"][0]["field"] == "If-Match"
    assert _ok(client.get(url))["correction"]["note"] == "Letter of 3 March"
    assert client.put(url, json={"selected": True}, headers={"If-Match": "*"}).status_code == 428
    # If-Match is optional: a client that sends none replaces the correction as before.
    assert _ok(client.put(url, json={"selected": True}))["correction"]["note"] is None


def test_grades_are_recorded_filtered_and_counted(client: TestClient, engine: Engine) -> None:
    import_records(engine, crc_document())
    ids = _ids(engine)
    grade = {"grade": "B", "assessed_on": "2025-10-01", "source_symbol": "CRC/C/99/2"}
    _ok(client.post(_url(ids["10"], "/grades"), json={**grade, "grade": "C"}), 201)
    later = _ok(client.post(_url(ids["10"], "/grades"), json={**grade, "assessed_on": "2026-01-15"}), 201)
    _ok(client.post(_url(ids["20"], "/grades"), json={**grade, "grade": "B1"}), 201)

    assert later["grade"] == "B" and [g["grade"] for g in later["grades"]] == ["B", "C"]
    assert later["grades"][0]["source_symbol"] == "CRC/C/99/2"
    listed = _ok(client.get("/api/v1/follow-up", params={"grade": "B"}))
    assert [item["recommendation_id"] for item in listed["items"]] == [ids["10"]]
    ungraded = _ok(client.get("/api/v1/follow-up", params={"ungraded": "true"}))
    assert [item["recommendation_id"] for item in ungraded["items"]] == [ids["32"]]
    counts = _ok(client.get("/api/v1/follow-up/grades"))
    assert counts["counts"]["B"] == 1 and counts["counts"]["B1"] == 1 and counts["counts"]["C"] == 0
    assert (counts["ungraded"], counts["total"]) == (1, 3)
    import_records(engine, crc_document() + cat_document()[:1])  # a CAT recommendation, none selected
    assert _ok(client.get("/api/v1/follow-up/grades", params={"mechanism": "CAT"}))["total"] == 0
    with Session(engine) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "follow_up.grade")).all()
    assert len(events) == 3


def test_a_grade_is_not_dated_before_the_recommendation(client: TestClient, engine: Engine) -> None:
    """1950 for 2025 was stored, the recommendation's oldest grade; now refused naming assessed_on."""
    import_records(engine, crc_document())  # published 2025-02-12
    url = _url(_ids(engine)["10"], "/grades")
    grade = {"grade": "B", "assessed_on": "1950-10-01", "source_symbol": "CRC/C/99/2"}
    response = client.post(url, json=grade)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"field": "assessed_on", "reason": "is before the recommendation's publication date"}
    ]
    assert "2025-02-12" in response.json()["detail"]
    assert _ok(client.get(_url(_ids(engine)["10"])))["grades"] == []
    _ok(client.post(url, json={**grade, "assessed_on": "2025-02-12"}), 201)  # the same day is possible
    # Nor is a reply corrected to fall due before it (overdue for decades in every list).
    due = client.put(_url(_ids(engine)["10"]), json={"due": "1955-02-12"})
    assert due.status_code == 422 and due.json()["errors"] == [
        {"field": "due", "reason": "is before the recommendation's publication date"}
    ]
    assert _ok(client.get(_url(_ids(engine)["10"])))["correction"]["due"] is None


def test_the_list_pages_by_due_date_and_filters(client: TestClient, engine: Engine) -> None:
    import_records(engine, crc_document())
    ids = _ids(engine)
    _ok(client.put(_url(ids["32"]), json={"due": "2026-01-01"}))

    first = _ok(client.get("/api/v1/follow-up", params={"limit": 2}))
    rest = _ok(client.get("/api/v1/follow-up", params={"limit": 2, "cursor": first["next_cursor"]}))

    order = [item["recommendation_id"] for item in first["items"] + rest["items"]]
    assert order == [ids["32"], ids["10"], ids["20"]] and rest["next_cursor"] is None
    assert first["items"][0]["corrected"] is True and first["items"][1]["subparagraphs"] == ["b"]
    assert first["items"][0]["mechanism"] == "CRC" and first["items"][0]["symbol"] == CRC
    # Every page counts all the matches, as every other list of the API does (it had no total).
    assert first["total"] == rest["total"] == 3
    overdue = _ok(client.get("/api/v1/follow-up", params={"overdue": "true"}))
    assert [item["recommendation_id"] for item in overdue["items"]] == (
        [ids["32"]] if date.today() > date(2026, 1, 1) else []
    )
    window = _ok(client.get("/api/v1/follow-up", params={"due_from": "2027-01-01", "due_to": "2027-12-31"}))
    assert {item["recommendation_id"] for item in window["items"]} == {ids["10"], ids["20"]}
    assert window["total"] == 2
    others = _ok(client.get("/api/v1/follow-up", params={"selected": "false"}))
    assert others["items"] == []  # rows exist only for what was ever selected or corrected
    # Selected by a coordinator with no date yet: not overdue, so in that list (it was in neither).
    _ok(client.put(_url(ids["11"]), json={"selected": True}))
    lists = [
        {item["recommendation_id"] for item in _ok(client.get("/api/v1/follow-up", params=params))["items"]}
        for params in ({"overdue": "true"}, {"overdue": "false"}, {})
    ]
    assert ids["11"] in lists[1] and lists[0] | lists[1] == lists[2] and not lists[0] & lists[1]


def test_problems_name_the_field(client: TestClient, engine: Engine) -> None:
    import_records(engine, crc_document())
    rec_id = _ids(engine)["10"]
    future = (date.today() + timedelta(days=5)).isoformat()

    bad_grade = client.post(
        _url(rec_id, "/grades"), json={"grade": "F", "assessed_on": "2025-01-01", "source_symbol": "X"}
    )
    in_future = client.post(
        _url(rec_id, "/grades"), json={"grade": "A", "assessed_on": future, "source_symbol": "X"}
    )
    bad_due = client.put(_url(rec_id), json={"due": "2027-02-30"})
    unknown = client.get(_url(999_999))

    for response, field in ((bad_grade, "grade"), (in_future, "assessed_on"), (bad_due, "due")):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in response.text
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert _ok(client.get(_url(rec_id)))["grades"] == []


def test_focal_points_read_and_only_managers_write(
    anonymous_client: TestClient, engine: Engine, headers_for: Headers
) -> None:
    import_records(engine, crc_document())
    rec_id = _ids(engine)["10"]
    focal = headers_for("focal_point")

    assert anonymous_client.get(_url(rec_id), headers=focal).status_code == 200
    assert anonymous_client.put(_url(rec_id), json={"selected": False}, headers=focal).status_code == 403
    grade = {"grade": "A", "assessed_on": "2025-01-01", "source_symbol": "X"}
    assert anonymous_client.post(_url(rec_id, "/grades"), json=grade, headers=focal).status_code == 403
    assert anonymous_client.get("/api/v1/follow-up", headers=headers_for("reader")).status_code == 403
    assert anonymous_client.get(_url(rec_id)).status_code == 401
    assert _ok(anonymous_client.get(_url(rec_id), headers=headers_for("admin")))["selected"] is True


def test_the_import_run_lists_its_warnings(client: TestClient, engine: Engine) -> None:
    run = import_records(engine, cat_document())
    body = _ok(client.get(f"/api/v1/import-runs/{run.run_id}"))
    assert body["warnings"] == [
        {
            "position": f"{CAT}, paragraph 45",
            "message": "the follow-up request names paragraph 31, which is not among the document's stored "
            "paragraphs: nothing was selected for it",
        }
    ]
    clean = import_records(engine, crc_document())
    assert _ok(client.get(f"/api/v1/import-runs/{clean.run_id}"))["warnings"] == []


def test_a_mechanism_is_a_code_in_any_case(client: TestClient, engine: Engine) -> None:
    # "crc" listed and counted nothing, as if the committee had selected none: codes are upper case.
    import_records(engine, crc_document())
    assert len(_ok(client.get("/api/v1/follow-up", params={"mechanism": "crc"}))["items"]) == 3
    assert _ok(client.get("/api/v1/follow-up/grades", params={"mechanism": " crc"}))["total"] == 3


def test_an_unknown_mechanism_is_a_422_naming_it(client: TestClient, engine: Engine) -> None:
    # "CRX" answered an empty list and zero counts, as if that committee had selected nothing; the
    # recommendation list and the calendar refuse a code no mechanism has, naming the parameter.
    import_records(engine, crc_document())
    for path in ("/api/v1/follow-up", "/api/v1/follow-up/grades"):
        response = client.get(path, params={"mechanism": "CRX"})
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] == "mechanism"
        assert "CRX" in response.text


def test_due_dates_the_wrong_way_round_are_a_422_naming_due_to(client: TestClient, engine: Engine) -> None:
    # due_from 1 May, due_to 1 January answered an empty list, as if nothing were due in between.
    import_records(engine, crc_document())
    response = client.get("/api/v1/follow-up", params={"due_from": "2027-05-01", "due_to": "2027-01-01"})
    assert response.status_code == 422, response.text
    reason = "'2027-01-01' is not accepted: must be on or after `due_from` (2027-05-01)"
    assert response.json()["errors"] == [{"field": "due_to", "reason": reason}]
    one_day = _ok(client.get("/api/v1/follow-up", params={"due_from": "2027-02-12", "due_to": "2027-02-12"}))
    assert len(one_day["items"]) == 3


def test_an_empty_mechanism_is_a_422_naming_it(client: TestClient, engine: Engine) -> None:
    # `mechanism=` (or blank) answered every mechanism's follow-up, where the recommendation list, the
    # calendar and the exports refuse it as a code no mechanism has.
    import_records(engine, crc_document())
    for path in ("/api/v1/follow-up", "/api/v1/follow-up/grades"):
        for blank in ("", " "):
            response = client.get(path, params={"mechanism": blank})
            assert response.status_code == 422, (path, blank, response.text)
            [error] = response.json()["errors"]
            assert error == {"field": "mechanism", "reason": f"{blank!r} is not a known mechanism code"}
            recommendations = client.get("/api/v1/recommendations", params={"mechanism": blank}).json()
            assert recommendations["errors"] == [error]


def test_filters_that_contradict_each_other_are_a_422_naming_them(client: TestClient, engine: Engine) -> None:
    # `ungraded=true&grade=B` (or `overdue=true`, which is "not graded yet", with a grade) always
    # answered an empty list, as if nothing had that grade; like `responsibility` without `entity` on
    # the recommendation list, the second is refused, naming the first.
    import_records(engine, crc_document())
    for params, field, other in (
        ({"grade": "B", "ungraded": "true"}, "ungraded", "`grade`"),
        ({"grade": "B", "overdue": "true"}, "overdue", "`grade`"),
        ({"ungraded": "false", "overdue": "true"}, "overdue", "`ungraded=false`"),
    ):
        response = client.get("/api/v1/follow-up", params=params)
        assert response.status_code == 422, (params, response.text)
        [error] = response.json()["errors"]
        assert error["field"] == field and other in error["reason"], (params, error)
    for fine in ({"grade": "B", "ungraded": "false"}, {"ungraded": "true", "overdue": "true"}):
        assert client.get("/api/v1/follow-up", params=fine).status_code == 200, fine


def test_a_reply_marked_as_sent_is_not_overdue(client: TestClient, engine: Engine) -> None:
    """The calendar counts a reply a coordinator marked as sent as met (docs/calendar.md); the list's
    overdue=true still listed its recommendations until the committee graded them, months later."""
    import_records(engine, cat_document())  # its reply was due on 28 November 2025
    late = {item["recommendation_id"] for item in _ok(client.get(URL, params={"overdue": "true"}))["items"]}
    assert late and all(item["symbol"] == CAT for item in _ok(client.get(URL))["items"])
    [reply] = _ok(client.get("/api/v1/deadlines", params={"kind": "follow_up_reply", "from": "2025-01-01"}))[
        "items"
    ]
    mark = {"kind": "follow_up_reply", "object_id": reply["object_id"], "sent_on": "2025-11-20"}
    assert client.post("/api/v1/deadlines/sent", json=mark).status_code == 204
    assert _ok(client.get(URL, params={"overdue": "true"}))["items"] == []
    on_time = {
        item["recommendation_id"] for item in _ok(client.get(URL, params={"overdue": "false"}))["items"]
    }
    assert on_time == late
    # Undone, it is late again.
    assert client.post("/api/v1/deadlines/sent", json={**mark, "sent_on": None}).status_code == 204
    again = {item["recommendation_id"] for item in _ok(client.get(URL, params={"overdue": "true"}))["items"]}
    assert again == late


def test_a_grade_is_created_as_every_create_is(client: TestClient, engine: Engine) -> None:
    """201 with the ETag and the Location of what it answers (the recommendation's follow-up, where
    the grade is listed: a grade has no address of its own), as the other creates; it answered 200
    without them, so a client had to read the follow-up again before correcting it."""
    import_records(engine, crc_document())
    follow_up = _url(_ids(engine)["10"])
    grade = {"grade": "B", "assessed_on": "2025-10-01", "source_symbol": "CRC/C/99/2"}
    created = client.post(f"{follow_up}/grades", json=grade)
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == follow_up
    assert created.json()["grade"] == "B"
    assert created.headers["ETag"] == client.get(follow_up).headers["ETag"]
    # It is the version a correction names.
    corrected = client.put(follow_up, json={"selected": True}, headers={"If-Match": created.headers["ETag"]})
    assert corrected.status_code == 200, corrected.text
