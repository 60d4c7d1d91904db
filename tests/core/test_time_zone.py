"""NRTD_TIME_ZONE: the instance's day (deadlines, overdue, the reminders' days) and the times the pages
show are those of its time zone, not UTC's; stored timestamps stay in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from pydantic import ValidationError
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.time_zone import in_zone, local_today
from app.models import Deadline
from app.notify.outbox import build_digests
from app.web.i18n import environment
from tests import accounts
from tests.cli.test_cli import nrtd
from tests.cli.test_cli_safety import one_line_no_traceback
from tests.conftest import ROOT, MakeApp, session_on
from tests.notify.reminder_world import build, outbox


def _other_day_zone() -> str:
    """A zone whose date is not UTC's right now: twelve hours behind in the UTC morning, fourteen ahead
    in its afternoon (Lima, UTC-5, is a day behind only from 19:00 to midnight there)."""
    return "Etc/GMT+12" if datetime.now(UTC).hour < 12 else "Etc/GMT-14"


def test_an_unknown_time_zone_stops_every_command_naming_the_setting(own_database: str) -> None:
    result = nrtd(own_database, "notify", "status", NRTD_TIME_ZONE="Lima")
    assert result.returncode == 2
    assert one_line_no_traceback(result) == (
        "setting NRTD_TIME_ZONE: 'Lima' is not a time zone (did you mean America/Lima?): give an IANA "
        "name, such as America/Lima, Europe/Paris or UTC"
    )
    assert Settings().time_zone == "UTC"
    assert Settings(time_zone="America/Lima").time_zone == "America/Lima"


def test_an_offset_is_answered_with_the_etc_zone_of_that_offset() -> None:
    # "GMT-5" (Lima's offset) was answered "did you mean Etc/GMT-5?", which is UTC+5: the Etc names
    # count the other way round, and the instance would have been ten hours off.
    for typed, meant, offset in (("GMT-5", "Etc/GMT+5", "UTC-5"), ("UTC+3", "Etc/GMT-3", "UTC+3")):
        with pytest.raises(ValidationError) as refused:
            Settings(time_zone=typed)
        assert f"did you mean {meant}, which is {offset}?" in str(refused.value), typed
        assert "such as America/Lima" in str(refused.value)


def test_the_files_beside_the_zones_are_no_time_zone() -> None:
    # "localtime" (the server's own zone) and the right/ and posix/ copies opened, and the feeds gave
    # calendar programs a zone name none of them knows (X-WR-TIMEZONE:localtime).
    for typed, meant in (("localtime", None), ("right/America/Lima", "America/Lima"), ("posix/UTC", "UTC")):
        with pytest.raises(ValidationError) as refused:
            Settings(time_zone=typed)
        assert f"{typed!r} is not a time zone" in str(refused.value)
        assert (
            (f"did you mean {meant}?" in str(refused.value))
            if meant
            else "did you mean" not in str(refused.value)
        )


def test_overdue_is_counted_from_the_instances_today(db: Connection, make_app: MakeApp) -> None:
    zone = _other_day_zone()
    utc_today = datetime.now(UTC).date()
    with in_zone(zone):
        today = local_today()
    assert today != utc_today
    session = session_on(db)
    days = [utc_today - timedelta(days=1), utc_today, utc_today + timedelta(days=1)]
    session.add_all([Deadline(kind="custom", title=f"Due {day}", due_on=day) for day in days])
    session.flush()
    headers = accounts.headers_for(db, "coordinator")
    with TestClient(make_app(time_zone=zone)) as client:
        items = client.get("/api/v1/deadlines", headers=headers).json()["items"]
        assert {item["date"]: item["overdue"] for item in items} == {
            day.isoformat(): day < today for day in days
        }
        overdue = client.get("/api/v1/deadlines?overdue=true", headers=headers).json()["items"]
        assert [item["date"] for item in overdue] == [day.isoformat() for day in days if day < today]
        # The feed: the instance's zone, and each event's state by its day.
        url = client.post("/api/v1/me/calendar-token", headers=headers).json()["url"]
        feed = Calendar.from_ical(client.get(url.removeprefix("http://testserver")).content)
    assert str(feed["x-wr-timezone"]) == zone
    assert [str(part["tzid"]) for part in feed.walk("VTIMEZONE")] == [zone]
    states = {
        event.decoded("dtstart"): "State: Overdue" in str(event["description"])
        for event in feed.walk("VEVENT")
    }
    assert states == {day: day < today for day in days}


def test_a_digests_day_is_the_instances_day(engine: Engine) -> None:
    # 02:00 UTC on 8 December is 21:00 on the 7th in Lima: the daily digest built then is the 7th's,
    # and one built at 09:00 Lima time the next day (14:00 UTC on the 8th) is the 8th's, not a second
    # digest of the 8th refused as "already built today".
    build(engine)
    settings = Settings(database_url=str(engine.url), time_zone="America/Lima")
    evening = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
    with in_zone("America/Lima"), Session(engine) as db, db.begin():
        build_digests(db, settings, evening)
    daily = {row.period for row in outbox(engine) if row.recipient == "fp.a@example.gov"}
    assert daily == {"2026-12-07"}
    with in_zone("America/Lima"), Session(engine) as db, db.begin():
        built = build_digests(db, settings, datetime(2026, 12, 8, 14, 0, tzinfo=UTC))
    daily = {row.period for row in outbox(engine) if row.recipient == "fp.a@example.gov"}
    assert daily == {"2026-12-07", "2026-12-08"} and built.digests == 1


def test_the_pages_show_times_in_the_instances_zone() -> None:
    env = environment(ROOT / "app" / "staff" / "templates", "en")
    stored = datetime(2026, 12, 8, 2, 30)  # naive, in UTC, as SQLite hands it back
    page = env.from_string("{{ at|datetime('short') }} / {{ at|date }}")
    assert page.render(at=stored) == "12/8/26, 2:30\u202fAM / Dec 8, 2026"
    with in_zone("America/Lima"):
        assert page.render(at=stored) == "12/7/26, 9:30\u202fPM / Dec 7, 2026"
        assert page.render(at=stored.replace(tzinfo=UTC)) == "12/7/26, 9:30\u202fPM / Dec 7, 2026"
