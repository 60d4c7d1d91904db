"""The treaty-body follow-up in the calendar: a follow-up reply due and a periodic report due per set
of concluding observations, read from the import; public only once a coordinator publishes each one
(API, audited; the staff page's button: tests/staff/test_calendar.py), with the committee's grades
beside the reply."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import icalendar
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, User
from app.notify.digest import render_digest
from app.notify.items import work_for
from app.staff.session import SESSION_COOKIE
from app.web.i18n import translations
from tests import accounts
from tests.deadlines.follow_up_calls import items_of, paragraph_ids
from tests.factories import import_records
from tests.followup.documents import CRC, crc_document

Headers = Callable[..., dict[str, str]]


def test_the_import_puts_the_reply_and_the_next_report_in_the_calendar(
    client: TestClient, engine: Engine
) -> None:
    import_records(engine, crc_document())
    ids = paragraph_ids(engine)
    items = items_of(client, "/api/v1/deadlines")
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
    ids = paragraph_ids(engine)
    for paragraph, grade in (("10", "B"), ("20", "B")):
        graded = client.post(
            f"/api/v1/recommendations/{ids[paragraph]}/follow-up/grades",
            json={"grade": grade, "assessed_on": "2026-06-01", "source_symbol": "CRC/C/90/2"},
        )
        assert graded.status_code == 201, graded.text
    reply = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")[0]
    assert (reply["detail"], reply["done"]) == ("Grades: B (2/3)", False)
    client.post(
        f"/api/v1/recommendations/{ids['32']}/follow-up/grades",
        json={"grade": "B", "assessed_on": "2026-06-01", "source_symbol": "CRC/C/90/2"},
    )
    reply = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")[0]
    assert (reply["detail"], reply["grade"], reply["done"]) == ("Grade: B", "B", True)


def test_a_coordinator_publishes_each_one_and_only_then_the_public_sees_it(
    client: TestClient, anonymous_client: TestClient, headers_for: Headers, engine: Engine
) -> None:
    import_records(engine, crc_document())
    reply, report = items_of(client, "/api/v1/deadlines")
    assert items_of(anonymous_client, "/api/v1/public/deadlines") == []
    assert "eighth and ninth" not in anonymous_client.get("/calendar", headers={"Accept": "text/html"}).text

    publish = {"kind": "periodic_report", "object_id": report["object_id"], "published": True}
    focal = anonymous_client.post(
        "/api/v1/deadlines/publications", json=publish, headers=headers_for("focal_point")
    )
    assert focal.status_code == 403
    assert client.post("/api/v1/deadlines/publications", json=publish).status_code == 204
    public = items_of(anonymous_client, "/api/v1/public/deadlines")
    assert [(item["kind"], item["title"]) for item in public] == [("periodic_report", report["title"])]
    # Its portal page: the recommendations of the document (the search for its symbol), never the staff's.
    assert public[0]["link"] == "/?q=" + CRC.replace("/", "%2F")
    assert anonymous_client.get(public[0]["link"], headers={"Accept": "text/html"}).status_code == 200
    french = anonymous_client.get("/calendar", params={"lang": "fr"}, headers={"Accept": "text/html"}).text
    assert f'<a href="{public[0]["link"]}&amp;lang=fr">' in french
    reply_publish = {"kind": "follow_up_reply", "object_id": reply["object_id"], "published": True}
    assert client.post("/api/v1/deadlines/publications", json=reply_publish).status_code == 204
    replies = items_of(anonymous_client, "/api/v1/public/deadlines", kind="follow_up_reply")
    assert [item["link"] for item in replies] == ["/?q=" + CRC.replace("/", "%2F")]  # three selected
    reply_unpublish = {**reply_publish, "published": False}
    assert client.post("/api/v1/deadlines/publications", json=reply_unpublish).status_code == 204
    assert (
        "eighth and ninth periodic reports"
        in anonymous_client.get("/calendar", headers={"Accept": "text/html"}).text
    )

    unpublish = {**publish, "published": False}
    assert client.post("/api/v1/deadlines/publications", json=unpublish).status_code == 204
    assert items_of(anonymous_client, "/api/v1/public/deadlines") == []
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
    ids = paragraph_ids(engine)
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
    assert "Évaluation : B (1/3)" in str(reply["DESCRIPTION"]).splitlines()
    # The link opens the recommendation's follow-up in French (the language before the fragment).
    assert str(reply["URL"]).endswith(f"/staff/recommendations/{ids['10']}?lang=fr#treaty-follow-up")

    with Session(engine) as session:
        me = session.get_one(User, client.get("/api/v1/me").json()["id"])
        sections = work_for(session, me, due_days=365, today=date(2027, 1, 1))
        body = render_digest(me, sections, "https://nrtd.example.gov", date(2027, 1, 1)).body
    assert f"- Réponse de suivi attendue : {CRC} (12 févr. 2027)" in body.splitlines()
    assert "follow-up information" not in body

    # The calendar pages: the grades' label in the reader's language, the API's value beside it.
    [item] = items_of(client, "/api/v1/deadlines", kind="follow_up_reply")
    assert (item["detail"], item["grade"]) == ("Grades: B (1/3)", "B (1/3)")
    publish = {"kind": "follow_up_reply", "object_id": item["object_id"], "published": True}
    assert client.post("/api/v1/deadlines/publications", json=publish).status_code == 204
    assert items_of(anonymous_client, "/api/v1/public/deadlines")[0]["grade"] == "B (1/3)"
    for lang, label in (("fr", "(Évaluations : B (1/3))"), ("es", "(Calificaciones: B (1/3))")):
        page = anonymous_client.get("/calendar", params={"lang": lang}, headers={"Accept": "text/html"})
        assert label in page.text and "Grades" not in page.text


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
    [report] = items_of(client, "/api/v1/deadlines", kind="periodic_report")
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
