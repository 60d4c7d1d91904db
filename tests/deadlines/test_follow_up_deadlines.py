"""The treaty-body follow-up in the calendar: a follow-up reply due and a periodic report due per set
of concluding observations, read from the import; public only once a coordinator publishes each one
(API, audited; the staff page's button: tests/staff/test_calendar.py), with the committee's grades
beside the reply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import icalendar
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Recommendation, User
from app.notify.digest import render_digest
from app.notify.items import work_for
from app.staff.session import SESSION_COOKIE
from app.web.i18n import translations
from tests import accounts
from tests.factories import import_records, record
from tests.followup.documents import CRC, crc_document

Headers = Callable[..., dict[str, str]]
KINDS = {"kind": ["follow_up_reply", "periodic_report"]}


def _items(client: TestClient, url: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(url, params={**KINDS, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _paragraph_ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.execute(
            select(Recommendation.paragraph, Recommendation.id).where(Recommendation.symbol == CRC)
        )
        return {str(paragraph): rec_id for paragraph, rec_id in rows}


def test_the_import_puts_the_reply_and_the_next_report_in_the_calendar(
    client: TestClient, engine: Engine
) -> None:
    import_records(engine, crc_document())
    ids = _paragraph_ids(engine)
    items = _items(client, "/api/v1/deadlines")
    assert [(item["kind"], item["date"], item["title"]) for item in items] == [
        ("follow_up_reply", "2027-02-12", CRC),  # its kind says what is due
        ("periodic_report", "2030-10-03", f"{CRC}: combined eighth and ninth periodic reports"),
    ]
    reply = items[0]
    assert reply["mechanism"] == "CRC" and reply["entity_ids"] == []  # a general deadline: every staff member
    assert reply["object_id"] == min(ids["10"], ids["20"], ids["32"])
    assert reply["link"] == f"/staff/recommendations/{reply['object_id']}#treaty-follow-up"
    assert (reply["published"], reply["done"], reply["detail"]) == (False, False, None)


def test_grades_show_beside_the_reply_and_close_it_when_all_are_graded(
    client: TestClient, engine: Engine
) -> None:
    import_records(engine, crc_document())
    ids = _paragraph_ids(engine)
    for paragraph, grade in (("10", "B"), ("20", "B")):
        graded = client.post(
            f"/api/v1/recommendations/{ids[paragraph]}/follow-up/grades",
            json={"grade": grade, "assessed_on": "2026-06-01", "source_symbol": "CRC/C/90/2"},
        )
        assert graded.status_code == 200, graded.text
    reply = _items(client, "/api/v1/deadlines", kind="follow_up_reply")[0]
    assert (reply["detail"], reply["done"]) == ("Grades: B (2/3)", False)
    client.post(
        f"/api/v1/recommendations/{ids['32']}/follow-up/grades",
        json={"grade": "B", "assessed_on": "2026-06-01", "source_symbol": "CRC/C/90/2"},
    )
    reply = _items(client, "/api/v1/deadlines", kind="follow_up_reply")[0]
    assert (reply["detail"], reply["grade"], reply["done"]) == ("Grade: B", "B", True)


def test_a_coordinator_publishes_each_one_and_only_then_the_public_sees_it(
    client: TestClient, anonymous_client: TestClient, headers_for: Headers, engine: Engine
) -> None:
    import_records(engine, crc_document())
    reply, report = _items(client, "/api/v1/deadlines")
    assert _items(anonymous_client, "/api/v1/public/deadlines") == []
    assert "eighth and ninth" not in anonymous_client.get("/calendar", headers={"Accept": "text/html"}).text

    publish = {"kind": "periodic_report", "object_id": report["object_id"], "published": True}
    focal = anonymous_client.post(
        "/api/v1/deadlines/publications", json=publish, headers=headers_for("focal_point")
    )
    assert focal.status_code == 403
    assert client.post("/api/v1/deadlines/publications", json=publish).status_code == 204
    public = _items(anonymous_client, "/api/v1/public/deadlines")
    assert [(item["kind"], item["title"]) for item in public] == [("periodic_report", report["title"])]
    # Its portal page: the recommendations of the document (the search for its symbol), never the staff's.
    assert public[0]["link"] == "/?q=" + CRC.replace("/", "%2F")
    assert anonymous_client.get(public[0]["link"], headers={"Accept": "text/html"}).status_code == 200
    french = anonymous_client.get("/calendar", params={"lang": "fr"}, headers={"Accept": "text/html"}).text
    assert f'<a href="{public[0]["link"]}&amp;lang=fr">' in french
    reply_publish = {"kind": "follow_up_reply", "object_id": reply["object_id"], "published": True}
    assert client.post("/api/v1/deadlines/publications", json=reply_publish).status_code == 204
    replies = _items(anonymous_client, "/api/v1/public/deadlines", kind="follow_up_reply")
    assert [item["link"] for item in replies] == ["/?q=" + CRC.replace("/", "%2F")]  # three selected
    reply_unpublish = {**reply_publish, "published": False}
    assert client.post("/api/v1/deadlines/publications", json=reply_unpublish).status_code == 204
    assert (
        "eighth and ninth periodic reports"
        in anonymous_client.get("/calendar", headers={"Accept": "text/html"}).text
    )

    unpublish = {**publish, "published": False}
    assert client.post("/api/v1/deadlines/publications", json=unpublish).status_code == 204
    assert _items(anonymous_client, "/api/v1/public/deadlines") == []
    with Session(engine) as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "periodic_report")
        ).all()
    assert actions == ["deadline.publish", "deadline.unpublish"]

    wrong = client.post(
        "/api/v1/deadlines/publications", json={**publish, "object_id": reply["object_id"] + 999}
    )
    assert wrong.status_code == 404
    bad = client.post("/api/v1/deadlines/publications", json={**publish, "kind": "custom"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"


def test_the_calendar_feed_holds_them(client: TestClient, engine: Engine) -> None:
    import_records(engine, crc_document())
    made = client.post("/api/v1/me/calendar-token")
    assert made.status_code in (200, 201), made.text
    feed = client.get("/api/v1/calendar.ics", params={"token": made.json()["token"]})
    assert feed.status_code == 200, feed.text
    calendar = icalendar.Calendar.from_ical(feed.content)
    summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert f"Follow-up reply due: {CRC}" in summaries


def test_the_reply_and_its_grades_read_in_the_owners_language(
    client: TestClient, anonymous_client: TestClient, engine: Engine
) -> None:
    # The reply's title held an English phrase ("CRC/...: follow-up information") and its grades an
    # English label: a French coordinator's feed and digest read "Réponse de suivi attendue :
    # CRC/C/PER/CO/6-7: follow-up information" and "Grades: B (1/3)".
    import_records(engine, crc_document())
    ids = _paragraph_ids(engine)
    client.post(
        f"/api/v1/recommendations/{ids['10']}/follow-up/grades",
        json={"grade": "B", "assessed_on": "2026-06-01", "source_symbol": "CRC/C/90/2"},
    )
    assert client.put("/api/v1/me/reminders", json={"digest": "daily", "language": "fr"}).status_code == 200
    token = client.post("/api/v1/me/calendar-token").json()["token"]
    feed = client.get("/api/v1/calendar.ics", params={"token": token})
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    [reply] = [event for event in events if str(event["UID"]).startswith("follow_up_reply-")]
    assert str(reply["SUMMARY"]) == f"Réponse de suivi attendue : {CRC}"
    assert "Note : B (1/3)" in str(reply["DESCRIPTION"]).splitlines()
    # The link opens the recommendation's follow-up in French (the language before the fragment).
    assert str(reply["URL"]).endswith(f"/staff/recommendations/{ids['10']}?lang=fr#treaty-follow-up")

    with Session(engine) as session:
        me = session.get_one(User, client.get("/api/v1/me").json()["id"])
        sections = work_for(session, me, due_days=365, today=date(2027, 1, 1))
        body = render_digest(me, sections, "https://nrtd.example.gov", date(2027, 1, 1)).body
    assert f"- Réponse de suivi attendue : {CRC} (12 févr. 2027)" in body.splitlines()
    assert "follow-up information" not in body

    # The calendar pages: the grades' label in the reader's language, the API's value beside it.
    [item] = _items(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (item["detail"], item["grade"]) == ("Grades: B (1/3)", "B (1/3)")
    publish = {"kind": "follow_up_reply", "object_id": item["object_id"], "published": True}
    assert client.post("/api/v1/deadlines/publications", json=publish).status_code == 204
    assert _items(anonymous_client, "/api/v1/public/deadlines")[0]["grade"] == "B (1/3)"
    for lang, label in (("fr", "(Notes : B (1/3))"), ("es", "(Calificaciones: B (1/3))")):
        page = anonymous_client.get("/calendar", params={"lang": lang}, headers={"Accept": "text/html"})
        assert label in page.text and "Grades" not in page.text


def _reply_event(client: TestClient, token: str) -> Any:
    feed = client.get("/api/v1/calendar.ics", params={"token": token})
    assert feed.status_code == 200, feed.text
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    [reply] = [event for event in events if str(event["UID"]).startswith("follow_up_reply-")]
    return reply


def test_the_published_reply_keeps_its_name_when_the_selection_changes(
    client: TestClient, anonymous_client: TestClient, engine: Engine
) -> None:
    # The reply was named by the smallest id of its recommendations: a coordinator who added paragraph
    # 9 (an older record) to the selection made it another deadline, unpublished, with another UID.
    import_records(engine, crc_document())
    ids = _paragraph_ids(engine)
    [reply] = _items(client, "/api/v1/deadlines", kind="follow_up_reply")
    publish = {"kind": "follow_up_reply", "object_id": reply["object_id"], "published": True}
    assert client.post("/api/v1/deadlines/publications", json=publish).status_code == 204
    token = client.post("/api/v1/me/calendar-token").json()["token"]
    uid = str(_reply_event(client, token)["UID"])
    assert ids["9"] < reply["object_id"]

    added = client.put(
        f"/api/v1/recommendations/{ids['9']}/follow-up", json={"selected": True, "due": "2027-02-12"}
    )
    assert added.status_code == 200, added.text
    [after] = _items(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (after["object_id"], after["uid"], after["published"]) == (reply["object_id"], reply["uid"], True)
    assert [item["uid"] for item in _items(anonymous_client, "/api/v1/public/deadlines")] == [reply["uid"]]
    assert str(_reply_event(client, token)["UID"]) == uid
    # Taken out again, and the first one too: still the same deadline.
    for paragraph in ("9", "10"):
        client.put(f"/api/v1/recommendations/{ids[paragraph]}/follow-up", json={"selected": False})
    [left] = _items(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (left["uid"], left["published"]) == (reply["uid"], True)


def test_a_moved_or_graded_reply_has_a_higher_revision_in_the_feed(
    client: TestClient, engine: Engine
) -> None:
    # A calendar program that goes by SEQUENCE kept the old date: the reply's event stayed at 0.
    import_records(engine, crc_document())
    ids = _paragraph_ids(engine)
    token = client.post("/api/v1/me/calendar-token").json()["token"]
    first = _reply_event(client, token)
    seen = [int(first.get("SEQUENCE", 0))]
    # The committee's letter moves the date: the coordinator corrects each paragraph in turn.
    for paragraph in ("10", "20", "32"):
        moved = client.put(f"/api/v1/recommendations/{ids[paragraph]}/follow-up", json={"due": "2027-08-31"})
        assert moved.status_code == 200, moved.text
    event = _reply_event(client, token)
    assert (str(event["UID"]), event.decoded("DTSTART")) == (str(first["UID"]), date(2027, 8, 31))
    seen.append(int(event["SEQUENCE"]))
    client.post(
        f"/api/v1/recommendations/{ids['20']}/follow-up/grades",
        json={"grade": "A", "assessed_on": "2026-06-01", "source_symbol": "CRC/C/90/2"},
    )
    seen.append(int(_reply_event(client, token)["SEQUENCE"]))
    assert seen == sorted(set(seen)), seen  # higher after every change


# The French and Spanish of the report's wording, stood in for the catalogues' (filled apart from the code).
REPORT_WORDS = {
    "fr": {
        "combined %(first)s and %(second)s periodic reports": (
            "%(first)s et %(second)s rapports périodiques combinés"
        ),
        "eighth": "huitième",
        "ninth": "neuvième",
    },
    "es": {
        "combined %(first)s and %(second)s periodic reports": (
            "informes periódicos %(first)s y %(second)s combinados"
        ),
        "eighth": "octavo",
        "ninth": "noveno",
    },
}


def test_the_periodic_report_due_reads_in_the_readers_language(
    client: TestClient, anonymous_client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "combined eighth and ninth periodic reports" (the document's English) was English after the
    # symbol in French and Spanish feeds, digests and calendar pages.
    for lang, entries in REPORT_WORDS.items():
        for message, translation in entries.items():
            monkeypatch.setitem(vars(translations(lang))["_catalog"], message, translation)
    import_records(engine, crc_document())
    french = f"{CRC} : huitième et neuvième rapports périodiques combinés"
    spanish = f"{CRC}: informes periódicos octavo y noveno combinados"
    [report] = _items(client, "/api/v1/deadlines", kind="periodic_report")
    assert report["title"] == f"{CRC}: combined eighth and ninth periodic reports"  # the API: as read

    assert client.put("/api/v1/me/reminders", json={"digest": "daily", "language": "fr"}).status_code == 200
    token = client.post("/api/v1/me/calendar-token").json()["token"]
    feed = client.get("/api/v1/calendar.ics", params={"token": token})
    summaries = [str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")]
    assert f"Rapport périodique attendu : {french}" in summaries

    assert client.put("/api/v1/me/reminders", json={"digest": "daily", "language": "es"}).status_code == 200
    with Session(engine) as session:
        me = session.get_one(User, client.get("/api/v1/me").json()["id"])
        sections = work_for(session, me, due_days=3650, today=date(2027, 1, 1))
        body = render_digest(me, sections, "https://nrtd.example.gov", date(2027, 1, 1)).body
    assert any(line.endswith(spanish + " (3 oct 2030)") for line in body.splitlines()), body

    publish = {"kind": "periodic_report", "object_id": report["object_id"], "published": True}
    assert client.post("/api/v1/deadlines/publications", json=publish).status_code == 204
    for lang, title in (("fr", french), ("es", spanish)):
        page = anonymous_client.get("/calendar", params={"lang": lang}, headers={"Accept": "text/html"}).text
        assert title in page and "eighth" not in page, lang
    with Session(engine) as session:
        user_id = accounts.create_user(session.get_bind(), "fp@example.org", "coordinator")
    secret, _csrf = accounts.issue_session(engine, user_id)
    anonymous_client.cookies.set(SESSION_COOKIE, secret)
    staff = anonymous_client.get("/staff/calendar", params={"lang": "fr", "from": "2030-01-01"}).text
    assert "huitième et neuvième rapports périodiques combinés" in staff and "eighth" not in staff


def test_a_periodic_report_moved_by_a_reimport_has_a_higher_revision(
    client: TestClient, engine: Engine
) -> None:
    # UHRI corrected the document's date for the next report: the event moved but stayed at revision
    # 0, so a calendar program that goes by SEQUENCE kept the old date.
    import_records(engine, crc_document())
    token = client.post("/api/v1/me/calendar-token").json()["token"]

    def report() -> Any:
        feed = client.get("/api/v1/calendar.ics", params={"token": token})
        events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
        [event] = [event for event in events if str(event["UID"]).startswith("periodic_report-")]
        return event

    before = report()
    corrected = list(crc_document())
    [at] = [i for i, item in enumerate(corrected) if item.external_id.endswith("#51")]
    texts = {lang: text.replace("2030", "2031") for lang, text in corrected[at].texts.items()}
    corrected[at] = replace(corrected[at], texts=texts)
    import_records(engine, corrected)
    after = report()
    assert (str(after["UID"]), after.decoded("DTSTART")) == (str(before["UID"]), date(2031, 10, 3))
    assert int(after.get("SEQUENCE", 0)) > int(before.get("SEQUENCE", 0))
    import_records(engine, corrected)  # read again, unchanged: the same revision
    assert int(report().get("SEQUENCE", 0)) == int(after.get("SEQUENCE", 0))


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
    reports = _items(client, "/api/v1/deadlines", kind="periodic_report")
    assert [item["title"] for item in reports] == [f"{older}: combined sixth and seventh periodic reports"]
    import_records(engine, crc_document())
    reports = _items(client, "/api/v1/deadlines", kind="periodic_report")
    assert [(item["date"], item["title"]) for item in reports] == [
        ("2030-10-03", f"{CRC}: combined eighth and ninth periodic reports")
    ]


def test_a_coordinator_marks_a_report_or_reply_sent_and_it_is_no_longer_overdue(
    client: TestClient, engine: Engine, headers_for: Headers, anonymous_client: TestClient
) -> None:
    # Sent, they stayed overdue until the committee graded the reply or reviewed the report (years
    # for a report): in every feed and every focal point's digest, with nothing to say they were sent.
    import_records(engine, crc_document())
    reply, report = _items(client, "/api/v1/deadlines")
    token = client.post("/api/v1/me/calendar-token").json()["token"]
    before = int(_reply_event(client, token).get("SEQUENCE", 0))
    mark = {"kind": "follow_up_reply", "object_id": reply["object_id"], "sent_on": "2026-01-10"}
    focal = anonymous_client.post("/api/v1/deadlines/sent", json=mark, headers=headers_for("focal_point"))
    assert focal.status_code == 403
    assert client.post("/api/v1/deadlines/sent", json=mark).status_code == 204
    later = date(2031, 1, 1)  # both due dates past
    with Session(engine) as session:
        me = session.get_one(User, client.get("/api/v1/me").json()["id"])
        listed = [item.title for section in work_for(session, me, 14, later) for item in section.items]
    assert listed == [report["title"]]  # the reply, sent, is met: no longer listed
    [sent] = _items(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (sent["sent"], sent["done"]) == (True, True)
    event = _reply_event(client, token)
    assert "State: Done" in str(event["DESCRIPTION"]) and int(event["SEQUENCE"]) > before

    unmark = {**mark, "sent_on": None}
    assert client.post("/api/v1/deadlines/sent", json=unmark).status_code == 204
    [again] = _items(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (again["sent"], again["done"]) == (False, False)
    assert int(_reply_event(client, token)["SEQUENCE"]) > int(event["SEQUENCE"])
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
    [marked] = _items(client, "/api/v1/deadlines", kind="periodic_report")
    assert (marked["sent"], marked["done"]) == (True, True)
    too_late = client.post("/api/v1/deadlines/sent", json={**mark, "sent_on": "2999-01-01"})
    assert too_late.status_code == 422 and too_late.json()["errors"][0]["field"] == "sent_on"
