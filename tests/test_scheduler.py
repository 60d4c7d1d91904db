"""The built-in schedule (app/scheduler.py): the scheduled import against the fake UHRI, the import
lock, and the scheduler thread's loop."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

import app.scheduler
from app.core.config import Settings
from app.import_runs.lock import import_lock
from app.models import ImportRun, OutboxMessage, Recommendation
from app.scheduler import (
    retry_scheduled_reminders,
    run_scheduled_import,
    run_scheduled_reminders,
    start_scheduler,
)
from tests.fake_uhri import FakeUhri, fake_uhri
from tests.notify.reminder_world import build, settings_for
from tests.smtp import smtp_server
from tests.uhri_records import snapshot, uhri_record, write_export

THREAD_NAME = "nrtd-scheduler"

# An exception in the scheduler thread must fail the test, not pass as a warning.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeUhri]:
    with fake_uhri(tmp_path / "export-results") as running:
        yield running


@pytest.fixture
def scheduled_settings(settings: Settings, server: FakeUhri) -> Settings:
    """NRTD_UHRI_URL on the fake UHRI, with the short timeouts a test can wait for."""
    return settings.model_copy(
        update={
            "uhri_url": server.url("export-full-{lang}.json"),
            "uhri_languages": "en",
            "http_timeout": 2.0,
            "http_retries": 0,
        }
    )


@pytest.fixture
def caplog_info(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="nrtd.scheduler")
    return caplog


def scheduler_messages(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "nrtd.scheduler"]


def runs(engine: Engine) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        return [
            (outcome, created)
            for outcome, created in conn.execute(
                select(ImportRun.outcome, ImportRun.created).order_by(ImportRun.id)
            )
        ]


def scheduler_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == THREAD_NAME]


@pytest.mark.slow
def test_scheduled_import_downloads_and_imports_the_feed(
    engine: Engine,
    scheduled_settings: Settings,
    server: FakeUhri,
    caplog_info: pytest.LogCaptureFixture,
) -> None:
    write_export(
        server.directory / "export-full-en.json",
        [uhri_record(1), uhri_record(2), uhri_record(3, Countries=["Chile"])],
    )

    run_scheduled_import(scheduled_settings)

    assert runs(engine) == [("succeeded", 2)], caplog_info.text
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Recommendation)).scalar_one() == 2
    assert [r.name for r in server.requests] == ["export-full-en.json"]
    (message,) = scheduler_messages(caplog_info)
    assert message[0] == logging.INFO
    assert message[1].startswith("scheduled import: import run ")
    assert "succeeded: read 3, skipped 1, created 2" in message[1]

    # The next time round the export has not changed: a conditional request and a 304.
    run_scheduled_import(scheduled_settings)
    assert runs(engine) == [("succeeded", 2), ("not_modified", 0)]
    assert server.requests[-1].header("If-None-Match") is not None


@pytest.mark.slow
def test_scheduled_import_skips_while_another_import_runs(
    engine: Engine,
    scheduled_settings: Settings,
    server: FakeUhri,
    caplog_info: pytest.LogCaptureFixture,
) -> None:
    write_export(server.directory / "export-full-en.json", [uhri_record(1)])
    before = snapshot(engine)  # every table: not even a run is recorded

    with import_lock(engine, ttl_seconds=60):
        run_scheduled_import(scheduled_settings)

    assert snapshot(engine) == before
    assert server.request_count() == 0  # skipped before downloading anything
    (message,) = scheduler_messages(caplog_info)
    assert message[0] == logging.WARNING
    assert message[1].startswith("scheduled import skipped: another import is running")

    # Once the lock is free the next scheduled run imports as usual.
    run_scheduled_import(scheduled_settings)
    assert runs(engine) == [("succeeded", 1)], caplog_info.text


@pytest.mark.slow
def test_failed_scheduled_import_is_logged_not_raised(
    engine: Engine, scheduled_settings: Settings, server: FakeUhri, caplog_info: pytest.LogCaptureFixture
) -> None:
    # No export on the server: a 404.
    run_scheduled_import(scheduled_settings)

    assert runs(engine) == [("failed", 0)]
    (message,) = scheduler_messages(caplog_info)
    assert "failed" in message[1] and "HTTP 404" in message[1]
    # An error, not news: seen with NRTD_LOG_LEVEL=WARNING, which turns the access log off.
    assert message[0] == logging.ERROR


def test_a_scheduled_reminder_run_that_sent_nothing_is_a_warning(
    engine: Engine, database_url: str, caplog_info: pytest.LogCaptureFixture
) -> None:
    build(engine)
    with smtp_server() as (_, closed_port):
        pass  # nothing listens there any more
    run_scheduled_reminders(settings_for(database_url, closed_port))
    (message,) = scheduler_messages(caplog_info)
    assert message[0] == logging.WARNING
    assert message[1].startswith("reminders: 2 digests built") and "0 sent, 2 to retry" in message[1]


def test_scheduler_thread_starts_and_stops_when_the_event_is_set(
    scheduled_settings: Settings, caplog_info: pytest.LogCaptureFixture
) -> None:
    settings = scheduled_settings.model_copy(update={"import_schedule": "* * * * *"})
    started = datetime.now(UTC)

    stop = start_scheduler(settings)
    try:
        (thread,) = scheduler_threads()
        assert thread.daemon
        deadline = time.monotonic() + 5
        while not scheduler_messages(caplog_info) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
    thread.join(timeout=5)

    assert not thread.is_alive()
    (message,) = scheduler_messages(caplog_info)  # waited for the next minute, imported nothing
    prefix = "next scheduled UHRI import at "
    assert message[1].startswith(prefix)
    due = datetime.fromisoformat(message[1].removeprefix(prefix))
    assert due.second == 0 and due.microsecond == 0
    assert started < due <= started + timedelta(minutes=1)


class _DueNow:
    """A cron schedule whose every next occurrence is already due."""

    def __init__(self, expression: str, start: datetime) -> None:
        self.expression = expression

    def get_next(self, kind: type[datetime]) -> datetime:
        return datetime.now(UTC) - timedelta(seconds=1)


def test_scheduler_loop_imports_whenever_due_until_stopped(
    monkeypatch: pytest.MonkeyPatch, scheduled_settings: Settings
) -> None:
    settings = scheduled_settings.model_copy(update={"import_schedule": "0 3 * * *"})
    calls: list[Settings] = []
    third_call, release = threading.Event(), threading.Event()

    def record_import(given: Settings) -> None:
        calls.append(given)
        if len(calls) == 3:
            third_call.set()
            release.wait(5)  # until the test has set the stop event

    monkeypatch.setattr(app.scheduler, "croniter", _DueNow)
    monkeypatch.setattr(app.scheduler, "run_scheduled_import", record_import)

    stop = start_scheduler(settings)
    (thread,) = scheduler_threads()
    try:
        assert third_call.wait(5)
    finally:
        stop.set()
        release.set()
    thread.join(timeout=5)

    assert not thread.is_alive()
    # Due at once, every time, until stopped; stopped during an import, it does not start another.
    assert calls == [settings, settings, settings]


def test_the_reminder_schedule_runs_the_digests_in_a_thread_of_its_own(
    monkeypatch: pytest.MonkeyPatch, scheduled_settings: Settings
) -> None:
    settings = scheduled_settings.model_copy(update={"import_schedule": "", "notify_schedule": "0 6 * * *"})
    ran = threading.Event()
    monkeypatch.setattr(app.scheduler, "croniter", _DueNow)
    monkeypatch.setattr(app.scheduler, "run_scheduled_reminders", lambda given: ran.set())
    monkeypatch.setattr(
        app.scheduler, "run_scheduled_import", lambda given: pytest.fail("no import schedule")
    )
    stop = start_scheduler(settings)
    try:
        assert ran.wait(5)
        assert scheduler_threads() == []  # the import's thread did not start
        assert [t for t in threading.enumerate() if t.name == "nrtd-reminders"]
    finally:
        stop.set()


class _DueOnceThenTomorrow:
    """A cron schedule whose first occurrence is ``first`` from now (already due by default), and the
    next a day later."""

    first = timedelta(seconds=-1)

    def __init__(self, expression: str, start: datetime) -> None:
        self.calls = 0

    def get_next(self, kind: type[datetime]) -> datetime:
        self.calls += 1
        return datetime.now(UTC) + (self.first if self.calls == 1 else timedelta(days=1))


def test_between_two_runs_the_reminder_schedule_wakes_at_the_retry_time(
    monkeypatch: pytest.MonkeyPatch, scheduled_settings: Settings
) -> None:
    # A digest the server could not take at 06:00 waited for the next day's run, not its delay.
    settings = scheduled_settings.model_copy(update={"import_schedule": "", "notify_schedule": "0 6 * * *"})
    retried = threading.Event()
    monkeypatch.setattr(app.scheduler, "croniter", _DueOnceThenTomorrow)
    monkeypatch.setattr(  # the run leaves a digest whose retry is due at once
        app.scheduler, "run_scheduled_reminders", lambda given: datetime.now(UTC) - timedelta(seconds=1)
    )
    monkeypatch.setattr(app.scheduler, "retry_scheduled_reminders", lambda given: retried.set())
    stop = start_scheduler(settings)
    try:
        assert retried.wait(5)
    finally:
        stop.set()


def test_a_retry_pass_sends_what_waits_and_builds_nothing(
    engine: Engine, database_url: str, caplog_info: pytest.LogCaptureFixture
) -> None:
    build(engine)
    with smtp_server() as (_, closed_port):
        pass  # the port is free again: nothing listens there
    retry_at = run_scheduled_reminders(settings_for(database_url, closed_port))
    assert retry_at is not None and retry_at > datetime.now(UTC)  # the run says when to come back
    with Session(engine) as db, db.begin():  # that time has come
        db.execute(update(OutboxMessage).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.execute(delete(OutboxMessage).where(OutboxMessage.recipient == "coord@example.gov"))
    with smtp_server() as (mailbox, port):
        assert retry_scheduled_reminders(settings_for(database_url, port)) is None  # nothing waits now
    assert [m["To"] for m in mailbox.messages] == ["fp.a@example.gov"]  # the coordinator's: not built again
    assert scheduler_messages(caplog_info)[-1][1] == "reminder retries: 1 sent, 0 to retry, 0 failed"


def test_a_server_started_while_digests_wait_retries_them_at_their_time(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, database_url: str
) -> None:
    # Restarted after an outage (a new release, a rolling update), nrtd serve forgot the retries and
    # waited for the next scheduled run.
    build(engine)
    with smtp_server() as (_, closed_port):
        pass  # the port is free again: nothing listens there
    run_scheduled_reminders(settings_for(database_url, closed_port))
    with Session(engine) as db, db.begin():  # their retry time has come
        db.execute(update(OutboxMessage).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
    settings = settings_for(database_url, closed_port).model_copy(update={"notify_schedule": "0 6 * * *"})
    retried = threading.Event()
    monkeypatch.setattr(app.scheduler, "croniter", _DueOnceThenTomorrow)
    monkeypatch.setattr(app.scheduler, "run_scheduled_reminders", lambda given: pytest.fail("not its time"))
    monkeypatch.setattr(app.scheduler, "retry_scheduled_reminders", lambda given: retried.set())
    monkeypatch.setattr(_DueOnceThenTomorrow, "first", timedelta(hours=5))  # the run: hours away
    stop = start_scheduler(settings)
    try:
        assert retried.wait(5)
    finally:
        stop.set()


# The loops' timing alone (the runs are stand-ins that touch no database): the same on either run.
@pytest.mark.database_run("sqlite")
@pytest.mark.parametrize("schedule", ["import", "reminders"])
def test_a_run_that_outlasts_the_times_after_it_is_not_followed_by_one_run_per_time_missed(
    monkeypatch: pytest.MonkeyPatch, scheduled_settings: Settings, schedule: str
) -> None:
    # Before: each time the run outlasted was due at once when it ended, so an hourly import that
    # took three hours was followed by three more, back to back (the reminder runs too). A schedule
    # of every second here (croniter's sixth field), and a first run of 2.5 s.
    starts: list[float] = []
    stop = threading.Event()

    def run(_settings: Settings) -> None:
        starts.append(time.monotonic())
        if len(starts) == 1:
            time.sleep(2.5)
        elif len(starts) == 3:
            stop.set()

    settings = scheduled_settings.model_copy(update={"smtp_host": ""})  # no retry between the runs
    if schedule == "import":
        loop = threading.Thread(
            target=app.scheduler._loop, args=("* * * * * *", run, "import", settings, stop)
        )
    else:
        monkeypatch.setattr(app.scheduler, "run_scheduled_reminders", run)
        loop = threading.Thread(target=app.scheduler._reminder_loop, args=("* * * * * *", settings, stop))
    loop.start()
    loop.join(timeout=15)
    assert not loop.is_alive()
    assert len(starts) == 3
    # After the long run, the next one waits for the next whole second; none starts on its heels.
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert gaps[0] >= 2.5 and all(gap > 0.5 for gap in gaps[1:]), gaps


@pytest.mark.parametrize(
    ("setting", "what"), [("notify_schedule", "reminder run"), ("import_schedule", "UHRI import")]
)
def test_the_schedules_are_read_in_the_instances_time_zone(
    scheduled_settings: Settings, caplog_info: pytest.LogCaptureFixture, setting: str, what: str
) -> None:
    # "0 6 * * *" was 06:00 UTC, 01:00 in Lima: the digests came in the night, and the import ran
    # at an hour no one had chosen. It is 06:00 in NRTD_TIME_ZONE, summer time included.
    settings = scheduled_settings.model_copy(
        update={
            "import_schedule": "",
            "notify_schedule": "",
            setting: "0 6 * * *",
            "time_zone": "America/Lima",
        }
    )
    stop = start_scheduler(settings)
    prefix = f"next scheduled {what} at "
    try:
        deadline = time.monotonic() + 5
        while not [m for m in caplog_info.messages if m.startswith(prefix)] and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
    (message,) = [m for m in caplog_info.messages if m.startswith(prefix)]
    due = datetime.fromisoformat(message.removeprefix(prefix))
    assert (due.hour, due.minute, due.utcoffset()) == (6, 0, timedelta(hours=-5))
    assert due.astimezone(UTC).hour == 11
    assert datetime.now(UTC) < due <= datetime.now(UTC) + timedelta(days=1)
