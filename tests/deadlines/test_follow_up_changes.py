"""The follow-up deadlines as a coordinator changes them: a reply keeps its name whatever its
selection becomes, its event's revision grows with each change (a moved date, a grade, a report moved
by a reading), an older document's report leaves the calendar, and one sent is met."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, FollowUpDocument, FollowUpReply, User
from app.notify.items import work_for
from app.staff.session import SESSION_COOKIE
from tests import accounts
from tests.deadlines.follow_up_calls import items_of, paragraph_ids, reply_event, report_event
from tests.factories import import_records, record
from tests.followup.documents import CRC, crc_document

Headers = Callable[..., dict[str, str]]


def test_the_published_reply_keeps_its_name_when_the_selection_changes(
    client: TestClient, anonymous_client: TestClient, engine: Engine
) -> None:
    # The reply was named by the smallest id of its recommendations: a coordinator who added paragraph
    # 9 (an older record) to the selection made it another deadline, unpublished, with another UID.
    import_records(engine, crc_document())
    ids = paragraph_ids(engine)
    [reply] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    publish = {"kind": "follow_up_reply", "object_id": reply["object_id"], "published": True}
    assert client.post("/api/v1/deadlines/publications", json=publish).status_code == 204
    token = client.post("/api/v1/me/calendar-token").json()["token"]
    uid = str(reply_event(client, token)["UID"])
    assert ids["9"] < reply["object_id"]

    added = client.put(
        f"/api/v1/recommendations/{ids['9']}/follow-up", json={"selected": True, "due": "2027-02-12"}
    )
    assert added.status_code == 200, added.text
    [after] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (after["object_id"], after["uid"], after["published"]) == (reply["object_id"], reply["uid"], True)
    assert [item["uid"] for item in items_of(anonymous_client, "/api/v1/public/deadlines")] == [reply["uid"]]
    assert str(reply_event(client, token)["UID"]) == uid
    # Taken out again, and the first one too: still the same deadline.
    for paragraph in ("9", "10"):
        client.put(f"/api/v1/recommendations/{ids[paragraph]}/follow-up", json={"selected": False})
    [left] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (left["uid"], left["published"]) == (reply["uid"], True)


def test_a_moved_or_graded_reply_has_a_higher_revision_in_the_feed(
    client: TestClient, engine: Engine
) -> None:
    # A calendar program that goes by SEQUENCE kept the old date: the reply's event stayed at 0.
    import_records(engine, crc_document())
    ids = paragraph_ids(engine)
    token = client.post("/api/v1/me/calendar-token").json()["token"]
    first = reply_event(client, token)
    seen = [int(first.get("SEQUENCE", 0))]
    # The committee's letter moves the date: the coordinator corrects each paragraph in turn.
    for paragraph in ("10", "20", "32"):
        moved = client.put(f"/api/v1/recommendations/{ids[paragraph]}/follow-up", json={"due": "2027-08-31"})
        assert moved.status_code == 200, moved.text
    event = reply_event(client, token)
    assert (str(event["UID"]), event.decoded("DTSTART")) == (str(first["UID"]), date(2027, 8, 31))
    seen.append(int(event["SEQUENCE"]))
    client.post(
        f"/api/v1/recommendations/{ids['20']}/follow-up/grades",
        json={"grade": "A", "assessed_on": "2026-06-01", "source_symbol": "CRC/C/90/2"},
    )
    seen.append(int(reply_event(client, token)["SEQUENCE"]))
    assert seen == sorted(set(seen)), seen  # higher after every change


def test_a_periodic_report_moved_by_a_reimport_has_a_higher_revision(
    client: TestClient, engine: Engine
) -> None:
    # UHRI corrected the document's date for the next report: the event moved but stayed at revision
    # 0, so a calendar program that goes by SEQUENCE kept the old date.
    import_records(engine, crc_document())
    token = client.post("/api/v1/me/calendar-token").json()["token"]

    before, reply = report_event(client, token), reply_event(client, token)
    corrected = list(crc_document())
    # The report's date, and the follow-up request's period (the whole reply moves at once).
    for paragraph, old, new in (("#51", "2030", "2031"), ("#49", "twenty-four", "twelve")):
        [at] = [i for i, item in enumerate(corrected) if item.external_id.endswith(paragraph)]
        texts = {lang: text.replace(old, new) for lang, text in corrected[at].texts.items()}
        corrected[at] = replace(corrected[at], texts=texts)
    import_records(engine, corrected)
    after = report_event(client, token)
    assert (str(after["UID"]), after.decoded("DTSTART")) == (str(before["UID"]), date(2031, 10, 3))
    assert int(after.get("SEQUENCE", 0)) > int(before.get("SEQUENCE", 0))
    moved = reply_event(client, token)
    assert (str(moved["UID"]), moved.decoded("DTSTART")) == (str(reply["UID"]), date(2026, 2, 12))
    assert int(moved["SEQUENCE"]) > int(reply.get("SEQUENCE", 0))
    import_records(engine, corrected)  # read again, unchanged: the same revision
    assert int(report_event(client, token).get("SEQUENCE", 0)) == int(after.get("SEQUENCE", 0))


def test_a_newer_document_takes_the_periodic_report_off_the_older_ones(
    client: TestClient, engine: Engine
) -> None:
    # The committee's earlier concluding observations asked for the report the State has since sent
    # (the newer observations are the proof): it stayed in the calendar, overdue for ever, in every
    # focal point's digest.
    older = "CRC/C/PER/CO/4-5"
    asked = (
        "60. The Committee invites the State party to submit its combined sixth and seventh periodic "
        "reports by 1 September 2022."
    )
    import_records(
        engine,
        [
            record(
                f"{older}#{number}",
                f"<p>{text}</p>",
                mechanism="CRC",
                symbol=older,
                publication_date=date(2016, 3, 2),
                countries=["Peru"],
            )
            for number, text in ((12, "12. The Committee recommends a law."), (60, asked))
        ],
    )
    reports = items_of(client, "/api/v1/deadlines", kind="periodic_report")
    assert [item["title"] for item in reports] == [f"{older}: combined sixth and seventh periodic reports"]
    import_records(engine, crc_document())
    reports = items_of(client, "/api/v1/deadlines", kind="periodic_report")
    assert [(item["date"], item["title"]) for item in reports] == [
        ("2030-10-03", f"{CRC}: combined eighth and ninth periodic reports")
    ]


def test_a_coordinator_marks_a_report_or_reply_sent_and_it_is_no_longer_overdue(
    client: TestClient, engine: Engine, headers_for: Headers, anonymous_client: TestClient
) -> None:
    # Sent, they stayed overdue until the committee graded the reply or reviewed the report (years
    # for a report): in every feed and every focal point's digest, with nothing to say they were sent.
    import_records(engine, crc_document())
    reply, report = items_of(client, "/api/v1/deadlines")
    token = client.post("/api/v1/me/calendar-token").json()["token"]
    before = int(reply_event(client, token).get("SEQUENCE", 0))
    mark = {"kind": "follow_up_reply", "object_id": reply["object_id"], "sent_on": "2026-01-10"}
    focal = anonymous_client.post("/api/v1/deadlines/sent", json=mark, headers=headers_for("focal_point"))
    assert focal.status_code == 403
    assert client.post("/api/v1/deadlines/sent", json=mark).status_code == 204
    later = date(2031, 1, 1)  # both due dates past
    with Session(engine) as session:
        me = session.get_one(User, client.get("/api/v1/me").json()["id"])
        listed = [item.title for section in work_for(session, me, 14, later) for item in section.items]
    assert listed == [report["title"]]  # the reply, sent, is met: no longer listed
    [sent] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (sent["sent"], sent["done"]) == (True, True)
    event = reply_event(client, token)
    assert "State: Done" in str(event["DESCRIPTION"]) and int(event["SEQUENCE"]) > before

    unmark = {**mark, "sent_on": None}
    assert client.post("/api/v1/deadlines/sent", json=unmark).status_code == 204
    [again] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (again["sent"], again["done"]) == (False, False)
    assert int(reply_event(client, token)["SEQUENCE"]) > int(event["SEQUENCE"])
    with Session(engine) as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "follow_up_reply")
        ).all()
    assert actions == ["deadline.sent", "deadline.unsent"]

    # The staff calendar's button: the report, sent today.
    user_id = accounts.create_user(engine, "coord@example.org", "coordinator")
    secret, csrf = accounts.issue_session(engine, user_id)
    anonymous_client.cookies.set(SESSION_COOKIE, secret)
    page = anonymous_client.get("/staff/calendar", params={"from": ""}).text
    assert 'action="/staff/calendar/sent"' in page and "Mark as sent" in page
    form = {"csrf_token": csrf, "kind": "periodic_report", "object_id": report["object_id"], "sent": "true"}
    done = anonymous_client.post("/staff/calendar/sent", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    [marked] = items_of(client, "/api/v1/deadlines", kind="periodic_report")
    assert (marked["sent"], marked["done"]) == (True, True)
    too_late = client.post("/api/v1/deadlines/sent", json={**mark, "sent_on": "2099-01-01"})
    assert too_late.status_code == 422 and too_late.json()["errors"][0]["field"] == "sent_on"


def test_a_symbol_uhri_corrects_keeps_the_reply_its_name_and_raises_its_revision(
    client: TestClient, anonymous_client: TestClient, engine: Engine
) -> None:
    # UHRI corrected the document's symbol: the re-import named the reply anew (another UID, the
    # coordinator's publication lost), and the old row stayed on the calendar's date under the old
    # symbol, holding recommendations that no longer had it.
    import_records(engine, crc_document())
    [reply] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    publish = {"kind": "follow_up_reply", "object_id": reply["object_id"], "published": True}
    assert client.post("/api/v1/deadlines/publications", json=publish).status_code == 204
    token = client.post("/api/v1/me/calendar-token").json()["token"]
    before = reply_event(client, token)

    corrected = "CRC/C/PER/CO/6-8"
    import_records(engine, [replace(item, symbol=corrected) for item in crc_document()])
    [after] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (after["object_id"], after["uid"], after["published"]) == (reply["object_id"], reply["uid"], True)
    assert after["title"] == corrected
    assert [item["uid"] for item in items_of(anonymous_client, "/api/v1/public/deadlines")] == [reply["uid"]]
    event = reply_event(client, token)
    assert str(event["UID"]) == str(before["UID"])
    assert int(event["SEQUENCE"]) > int(before.get("SEQUENCE", 0))
    with Session(engine) as session:
        rows = session.execute(select(FollowUpReply.id, FollowUpReply.symbol, FollowUpReply.due)).all()
    assert [(row_id, symbol) for row_id, symbol, _ in rows] == [(reply["object_id"], corrected)]


def test_a_symbol_uhri_corrects_renames_the_periodic_report_at_a_higher_revision(
    client: TestClient, engine: Engine
) -> None:
    # The report's event took the new symbol in its title but started again at revision 1 (the new
    # symbol's reading), below the one calendars held: they kept the old title and date.
    token = client.post("/api/v1/me/calendar-token").json()["token"]

    moved = [
        replace(item, texts={k: v.replace("2030", "2031") for k, v in item.texts.items()})
        for item in crc_document()
    ]
    import_records(engine, crc_document())
    import_records(engine, moved)  # UHRI corrected the report's date first: revision 2
    before = report_event(client, token)
    corrected = "CRC/C/PER/CO/6-8"
    import_records(engine, [replace(item, symbol=corrected) for item in moved])
    after = report_event(client, token)
    assert str(after["UID"]) == str(before["UID"])
    assert str(after["SUMMARY"]).endswith(f"{corrected}: combined eighth and ninth periodic reports")
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"]) > 0
    with Session(engine) as session:
        assert session.scalars(select(FollowUpDocument.symbol)).all() == [corrected]
