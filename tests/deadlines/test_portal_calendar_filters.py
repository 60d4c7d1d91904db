"""The portal's calendar with the public calendar's filters (the feed's and the public API's: kind,
mechanism, entity, from, to, through the same service) and its past months: it showed this month on,
everything at once, with no way to see a committee's deadlines alone or last year's."""

from __future__ import annotations

import html
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from app.core.time_zone import local_today
from app.models import Deadline, Mechanism
from tests.conftest import MakeApp, session_on

PAGE = {"Accept": "text/html"}


def _publish(db: Connection) -> None:
    today = local_today()
    with session_on(db) as session:
        crc_row = Mechanism(code="CRC", name="Committee on the Rights of the Child", family="treaty_body")
        upr_row = Mechanism(code="UPR", name="Universal Periodic Review", family="upr")
        session.add_all([crc_row, upr_row])
        session.flush()
        crc, upr = crc_row.id, upr_row.id
        session.add_all(
            [
                Deadline(
                    kind="custom", title="Reply to the CRC", due_on=today, mechanism_id=crc, published=True
                ),
                Deadline(
                    kind="custom", title="UPR consultation", due_on=today, mechanism_id=upr, published=True
                ),
                Deadline(
                    kind="custom",
                    title="Last year's CRC report",
                    due_on=today.replace(day=1) - timedelta(days=200),
                    mechanism_id=crc,
                    published=True,
                ),
            ]
        )
        session.commit()


def test_a_reader_sees_one_mechanisms_deadlines_and_subscribes_to_them(
    db: Connection, make_app: MakeApp
) -> None:
    _publish(db)
    with TestClient(make_app()) as client:
        page = client.get("/calendar", params={"mechanism": "CRC"}, headers=PAGE)
    assert page.status_code == 200
    assert "Reply to the CRC" in page.text and "UPR consultation" not in page.text
    assert '<option value="CRC" selected>' in page.text  # the form keeps the choice
    # The feed offered beside it holds what the page shows: the same filter.
    assert "/api/v1/public/calendar.ics?lang=en&amp;mechanism=CRC" in page.text


def test_the_past_months_are_a_link_away(db: Connection, make_app: MakeApp) -> None:
    _publish(db)
    with TestClient(make_app()) as client:
        now = client.get("/calendar", params={"mechanism": "CRC"}, headers=PAGE).text
        assert "Last year's" not in html.unescape(now)
        link = html.unescape(now.split('">Show the past deadlines too')[0].rsplit('href="', 1)[1])
        assert "from=" in link and "mechanism=CRC" in link
        past = html.unescape(client.get(link, headers=PAGE).text)
        assert (
            "Last year's CRC report" in past and "Reply to the CRC" in past and "UPR consultation" not in past
        )
        # Or from a month of one's choosing.
        start = (local_today().replace(day=1) - timedelta(days=250)).isoformat()
        chosen = html.unescape(client.get("/calendar", params={"from": start}, headers=PAGE).text)
        assert "Last year's CRC report" in chosen and "UPR consultation" in chosen


def test_a_bad_value_is_named_and_kept(db: Connection, make_app: MakeApp) -> None:
    _publish(db)
    with TestClient(make_app()) as client:
        unknown = client.get("/calendar", params={"mechanism": "NOPE", "from": "2026-13-01"}, headers=PAGE)
        assert unknown.status_code == 422
        text = html.unescape(unknown.text)
        assert 'href="#mechanism">Mechanism: ' in text and 'href="#from">From: "2026-13-01"' in text
        assert '<option value="NOPE" selected>NOPE</option>' in unknown.text  # what was typed, kept
        assert 'id="from" name="from" value="2026-13-01"' in unknown.text
        kind = client.get("/calendar", params={"kind": "meeting"}, headers=PAGE)
        assert kind.status_code == 422 and 'href="#kind">Kind: "meeting"' in html.unescape(kind.text)
        # A program asking for JSON gets problem+json naming the field, as from the public API.
        problem = client.get(
            "/calendar", params={"mechanism": "NOPE"}, headers={"Accept": "application/json"}
        )
        assert problem.status_code == 422
        assert [error["field"] for error in problem.json()["errors"]] == ["mechanism"]
