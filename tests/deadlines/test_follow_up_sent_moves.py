"""A follow-up reply or periodic report marked as sent whose date moves afterwards: a later round is
due again (in the calendar, its feed and the reminders), a corrected date of the same request is not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.models import User
from app.notify.items import work_for
from tests.deadlines.follow_up_calls import items_of, paragraph_ids, reply_event, report_event
from tests.factories import import_records
from tests.followup.documents import CRC_REQUEST, crc_document


def _one(client: TestClient, kind: str) -> dict[str, Any]:
    [item] = items_of(client, "/api/v1/deadlines", kind=kind)
    return item


def _mark(client: TestClient, item: dict[str, Any], sent_on: str | None = "2026-01-10") -> None:
    mark = {"kind": item["kind"], "object_id": item["object_id"], "sent_on": sent_on}
    response = client.post("/api/v1/deadlines/sent", json=mark)
    assert response.status_code == 204, response.text


def _reminded(client: TestClient, engine: Engine, on: date) -> list[str]:
    with Session(engine) as session:
        me = session.get_one(User, client.get("/api/v1/me").json()["id"])
        return [item.title for section in work_for(session, me, 14, on) for item in section.items]


def _move_all(client: TestClient, engine: Engine, due: str) -> None:
    ids = paragraph_ids(engine)
    for paragraph in ("10", "20", "32"):
        moved = client.put(f"/api/v1/recommendations/{ids[paragraph]}/follow-up", json={"due": due})
        assert moved.status_code == 200, moved.text


def test_a_reimport_that_moves_the_dates_to_a_later_round_makes_them_due_again(
    client: TestClient, engine: Engine
) -> None:
    # Marked sent, then UHRI's corrected text asked for the reply a year later and the report a year
    # later: both stayed "sent" on their new dates, answered before they were asked for.
    import_records(engine, crc_document())
    reply, report = _one(client, "follow_up_reply"), _one(client, "periodic_report")
    _mark(client, reply)
    _mark(client, report)
    token = client.post("/api/v1/me/calendar-token").json()["token"]
    marked = int(reply_event(client, token)["SEQUENCE"]), int(report_event(client, token)["SEQUENCE"])

    later = [
        replace(item, texts={lang: text.replace("2030", "2031") for lang, text in item.texts.items()})
        for item in crc_document(CRC_REQUEST.replace("twenty-four months", "three years"))
    ]
    import_records(engine, later)
    moved_reply, moved_report = _one(client, "follow_up_reply"), _one(client, "periodic_report")
    assert (moved_reply["date"], moved_report["date"]) == ("2028-02-12", "2031-10-03")
    for item, was in ((moved_reply, reply), (moved_report, report)):
        assert item["object_id"] == was["object_id"]
        assert (item["sent"], item["done"]) == (False, False), item
    assert sorted(_reminded(client, engine, date(2032, 1, 1))) == sorted([reply["title"], report["title"]])
    for event, before in zip((reply_event(client, token), report_event(client, token)), marked, strict=True):
        assert "State: Done" not in str(event["DESCRIPTION"]) and int(event["SEQUENCE"]) > before

    # Sent again for the new round: met again, with a higher revision.
    again = int(reply_event(client, token)["SEQUENCE"])
    _mark(client, moved_reply)
    assert (_one(client, "follow_up_reply")["sent"], _one(client, "follow_up_reply")["done"]) == (True, True)
    assert int(reply_event(client, token)["SEQUENCE"]) > again
    assert _reminded(client, engine, date(2032, 1, 1)) == [report["title"]]


def test_a_corrected_date_of_the_same_request_keeps_the_mark(client: TestClient, engine: Engine) -> None:
    import_records(engine, crc_document())
    reply = _one(client, "follow_up_reply")
    _mark(client, reply)
    # UHRI corrected the document's date (12 February 2025) by two days: the same request, answered.
    import_records(engine, [replace(item, publication_date=date(2025, 2, 14)) for item in crc_document()])
    moved = _one(client, "follow_up_reply")
    assert (moved["date"], moved["sent"], moved["done"]) == ("2027-02-14", True, True)
    # A coordinator corrects it to an earlier date: still answered.
    _move_all(client, engine, "2027-01-31")
    assert (_one(client, "follow_up_reply")["sent"], _one(client, "follow_up_reply")["object_id"]) == (
        True,
        reply["object_id"],
    )
    # The committee asks for more, by a date six months on: due again, and not in the reminders' "met".
    _move_all(client, engine, "2027-08-31")
    later = _one(client, "follow_up_reply")
    assert (later["object_id"], later["sent"], later["done"]) == (reply["object_id"], False, False)
    assert _reminded(client, engine, date(2027, 9, 30))[:1] == [reply["title"]]
    # "Not sent after all" has nothing to undo; back on the date it answered, it is met again.
    _mark(client, later, None)
    _move_all(client, engine, "2027-02-12")
    assert _one(client, "follow_up_reply")["sent"] is True


def test_a_reply_sent_late_answers_a_date_corrected_up_to_the_day_it_was_sent(
    client: TestClient, engine: Engine
) -> None:
    import_records(engine, [replace(item, publication_date=date(2023, 1, 5)) for item in crc_document()])
    reply = _one(client, "follow_up_reply")
    assert reply["date"] == "2025-01-05"
    _mark(client, reply, "2026-06-01")  # sent late
    _move_all(client, engine, "2026-05-31")  # the right date was later, yet before it was sent
    assert (_one(client, "follow_up_reply")["sent"], _one(client, "follow_up_reply")["done"]) == (True, True)
    _move_all(client, engine, "2026-06-30")  # after it was sent, months on: another round
    assert _one(client, "follow_up_reply")["sent"] is False
