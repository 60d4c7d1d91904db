"""Two coordinators changing one document's follow-up at once: the reply's row is settled by one
writer after the other, never twice over (two rows for one reply) nor refused (a 500); publishing
or marking one reply sent at once, neither is refused and each change counts."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.deadlines import sources
from app.followup import reading, replies
from app.models import AuditEvent, DeadlineCompletion, FollowUpReply, Recommendation
from tests.deadlines.follow_up_calls import items_of, paragraph_ids
from tests.factories import import_records
from tests.followup.documents import CRC, crc_document
from tests.lock_waits import Meeting


def both_settle_at_once(monkeypatch: pytest.MonkeyPatch, engine: Engine) -> None:
    """Each writer reads its document's selection only once the other is about to read it too (or
    waits its turn: ``Meeting``), as two requests of the same instant would."""
    meeting_point = Meeting(engine)
    read = reading.selected_groups

    def meeting(*args: Any, **kwargs: Any) -> Any:
        meeting_point.wait()
        return read(*args, **kwargs)

    monkeypatch.setattr("app.followup.replies.selected_groups", meeting)


def rows_of(engine: Engine) -> list[tuple[int, Any, str]]:
    with Session(engine) as session:
        query = select(FollowUpReply).where(FollowUpReply.symbol == CRC).order_by(FollowUpReply.id)
        rows = session.scalars(query)
        return [(row.id, row.due, row.held) for row in rows if row.due is not None]


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [future.result() for future in [pool.submit(call) for call in calls]]


def test_two_coordinators_moving_paragraphs_to_one_new_date_make_one_reply(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both added a paragraph to the document's follow-up with the committee's new date: each found no
    # reply on that date and named one, so the calendar had two replies (two UIDs) where it has one.
    import_records(engine, crc_document())
    ids = paragraph_ids(engine)
    both_settle_at_once(monkeypatch, engine)

    def add(paragraph: str) -> Callable[[], int]:
        def call() -> int:
            body = {"selected": True, "due": "2027-06-30"}
            response = client.put(f"/api/v1/recommendations/{ids[paragraph]}/follow-up", json=body)
            assert response.status_code == 200, response.text
            status: int = response.status_code
            return status

        return call

    assert race([add("9"), add("11")]) == [200, 200]
    on_the_date = [row for row in rows_of(engine) if str(row[1]) == "2027-06-30"]
    assert len(on_the_date) == 1, on_the_date
    assert replies._ids(on_the_date[0][2]) == {ids["9"], ids["11"]}
    listed = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert sorted(item["date"] for item in listed) == ["2027-02-12", "2027-06-30"]
    [new] = [item for item in listed if item["date"] == "2027-06-30"]
    assert new["object_id"] == on_the_date[0][0]


def test_two_coordinators_grading_one_reply_at_once_both_count(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two grades of the same reply entered at the same instant: each settled the reply on what it saw,
    # and the one settled last left out the other's grade (the reply's event lost a change).
    import_records(engine, crc_document())
    ids = paragraph_ids(engine)
    [before] = rows_of(engine)
    both_settle_at_once(monkeypatch, engine)

    def grade(paragraph: str, value: str) -> Callable[[], int]:
        def call() -> int:
            body = {"grade": value, "assessed_on": "2026-06-01", "source_symbol": "CRC/C/90/2"}
            response = client.post(f"/api/v1/recommendations/{ids[paragraph]}/follow-up/grades", json=body)
            assert response.status_code == 201, response.text
            status: int = response.status_code
            return status

        return call

    assert race([grade("20", "A"), grade("32", "B")]) == [201, 201]
    [after] = rows_of(engine)
    assert after[0] == before[0]
    assert f"{ids['20']}:A" in after[2] and f"{ids['32']}:B" in after[2], after


def both_check_at_once(monkeypatch: pytest.MonkeyPatch, engine: Engine, kind: str) -> None:
    """Each writer looks for the deadline only once the other is about to (or waits its turn:
    ``Meeting``)."""
    meeting_point = Meeting(engine)
    source = sources.SOURCES[kind]

    def meeting(*args: Any, **kwargs: Any) -> Any:
        meeting_point.wait()
        return source(*args, **kwargs)

    monkeypatch.setitem(sources.SOURCES, kind, meeting)


def test_two_coordinators_publishing_one_reply_at_once_both_succeed(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both pressed Publish on the same reply: each found it unpublished and added its publication,
    # and the second was told 409 "the change conflicts with data written meanwhile", though what it
    # asked for was done.
    import_records(engine, crc_document())
    [reply] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    both_check_at_once(monkeypatch, engine, "follow_up_reply")
    body = {"kind": "follow_up_reply", "object_id": reply["object_id"], "published": True}

    def publish() -> int:
        status: int = client.post("/api/v1/deadlines/publications", json=body).status_code
        return status

    assert race([publish, publish]) == [204, 204]
    with Session(engine) as session:
        events = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "deadline.publish")
        ).all()
    assert events == ["deadline.publish"]  # published once, by one of them


def test_two_coordinators_marking_one_reply_sent_at_once_count_two_changes(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One marked the reply sent on one day, the other on another, at once: the first to write was
    # refused 409, or both read the same revision and the feed's event kept one SEQUENCE for two dates.
    import_records(engine, crc_document())
    [reply] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    first = {"kind": "follow_up_reply", "object_id": reply["object_id"], "sent_on": "2026-10-01"}
    assert client.post("/api/v1/deadlines/sent", json=first).status_code == 204
    both_check_at_once(monkeypatch, engine, "follow_up_reply")

    def mark(day: str) -> Callable[[], int]:
        def call() -> int:
            status: int = client.post("/api/v1/deadlines/sent", json={**first, "sent_on": day}).status_code
            return status

        return call

    assert race([mark("2026-10-02"), mark("2026-10-03")]) == [204, 204]
    with Session(engine) as session:
        row = session.get(DeadlineCompletion, ("follow_up_reply", reply["object_id"]))
        assert row is not None and row.version == 3, row.version if row else None


def test_two_documents_naming_a_reply_past_every_id_at_once_both_succeed(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A reply whose recommendations all name replies already (split off and joined again) is named
    # past the highest id: two documents doing so at once took the same one, and the second
    # coordinator was refused 409 "the change conflicts with data written meanwhile".
    other = "CRC/C/PER/CO/4-5"
    import_records(
        engine,
        [
            *crc_document(),
            *(
                replace(item, symbol=other, external_id=item.external_id.replace(CRC, other))
                for item in crc_document()
            ),
        ],
    )
    with Session(engine) as session:
        rows = session.execute(select(Recommendation.symbol, Recommendation.paragraph, Recommendation.id))
        ids = {(symbol, str(paragraph)): rec_id for symbol, paragraph, rec_id in rows}

    def move(symbol: str, paragraph: str, due: str) -> int:
        url = f"/api/v1/recommendations/{ids[(symbol, paragraph)]}/follow-up"
        status: int = client.put(url, json={"due": due}).status_code
        return status

    for symbol in (CRC, other):  # paragraph 20 split off and joined again: its id names a reply
        assert move(symbol, "20", "2027-06-30") == 200
        assert move(symbol, "20", "2027-02-12") == 200
    named = replies._new_id

    meeting_point = Meeting(engine)

    def meeting(*args: Any) -> int:
        new_id = named(*args)
        meeting_point.wait()
        return new_id

    monkeypatch.setattr(replies, "_new_id", meeting)
    # Paragraph 10, whose id names the first reply, moves alone: its reply is named past every id.
    assert race([lambda: move(CRC, "10", "2027-09-30"), lambda: move(other, "10", "2027-09-30")]) == [
        200,
        200,
    ]
    with Session(engine) as session:
        moved = session.scalars(select(FollowUpReply.id).where(FollowUpReply.due == date(2027, 9, 30))).all()
    assert len(set(moved)) == 2 and min(moved) > max(ids.values())
