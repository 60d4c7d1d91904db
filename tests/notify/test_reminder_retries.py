"""Reminder digests when the mail server fails or the people change meanwhile: each digest retried at
its time and delivered once, never to someone who should no longer get it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Deadline, Entity, OutboxMessage, User
from app.notify.outbox import period_of
from app.notify.service import run_reminders
from tests import accounts
from tests.notify.reminder_world import build, outbox, set_user, settings_for
from tests.smtp import Mailbox, smtp_server


def test_a_server_down_is_retried_later_and_each_digest_arrives_once(
    engine: Engine, database_url: str
) -> None:
    build(engine)
    with smtp_server() as (_, closed_port):
        pass  # the port is free again: nothing listens there
    now = datetime.now(UTC)
    down = run_reminders(engine, settings_for(database_url, closed_port), now)
    assert down.sent is not None and (down.sent.sent, down.sent.retrying) == (0, 2)
    assert down.sent.error and f"127.0.0.1:{closed_port}" in down.sent.error
    rows = outbox(engine)
    assert {(r.state, r.attempts) for r in rows} == {("pending", 1)}
    assert all(r.next_attempt_at.replace(tzinfo=UTC) > now for r in rows)  # backoff: not at once
    with smtp_server() as (mailbox, port):
        settings = settings_for(database_url, port)
        early = run_reminders(engine, settings, now + timedelta(seconds=10))
        assert early.sent is not None and early.sent.sent == 0  # still waiting out the delay
        up = run_reminders(engine, settings, now + timedelta(minutes=2))
        assert up.sent is not None and up.sent.sent == 2
        assert len(mailbox.messages) == 2
    assert {(r.state, r.last_error) for r in outbox(engine)} == {("sent", None)}


def test_a_digest_waiting_for_a_retry_never_reaches_someone_deactivated_or_opted_out_since(
    engine: Engine, database_url: str
) -> None:
    # The retry may come hours later: the person who left the ministry meanwhile gets nothing.
    world = build(engine)
    set_user(engine, world.fp_b, digest="daily")
    with smtp_server() as (_, closed_port):
        pass  # the port is free again: nothing listens there
    now = datetime.now(UTC)
    assert run_reminders(engine, settings_for(database_url, closed_port), now).built.digests == 3
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.email == world.fp_a).values(active=False))
        db.execute(update(User).where(User.email == world.coordinator).values(digest="never"))
        db.execute(update(User).where(User.email == world.fp_b).values(role="reader", entity_id=None))
    with smtp_server() as (mailbox, port):
        up = run_reminders(engine, settings_for(database_url, port), now + timedelta(minutes=2))
    assert mailbox.messages == []
    assert up.sent is not None and (up.sent.sent, up.sent.failed, up.sent.dropped) == (0, 0, 3)
    assert "3 dropped" in up.line() and not up.unsent
    assert {(r.recipient, r.state) for r in outbox(engine)} == {
        (world.fp_a, "dropped"),
        (world.coordinator, "dropped"),
        (world.fp_b, "dropped"),
    }
    # The database takes only the states a run handles (migration 0020): a misspelt one is refused.
    with Session(engine) as db, pytest.raises(IntegrityError, match=r"ck_notification_outbox_state|CHECK"):
        db.execute(update(OutboxMessage).values(state="droped"))


class OneMessagePerSession(Mailbox):
    """A server that takes one message per session: the next is answered 421 and the session closed,
    as servers limiting the messages per connection do."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if getattr(session, "delivered", False):
            return "421 4.7.0 Too many messages in this session, try again later"
        session.delivered = True
        return await super().handle_DATA(server, session, envelope)


def test_a_session_the_server_ends_is_opened_again_for_the_next_digests(
    engine: Engine, database_url: str
) -> None:
    # The digests after the one answered 421 were charged an attempt, put off to the next run (a day
    # later on a daily schedule) with the reason "please run connect() first".
    world = build(engine)
    set_user(engine, world.fp_b, digest="daily")
    with smtp_server(handler=OneMessagePerSession()) as (mailbox, port):
        now = datetime.now(UTC)
        run = run_reminders(engine, settings_for(database_url, port), now)
        assert run.sent is not None and (run.sent.sent, run.sent.retrying) == (2, 1), run.line()
        assert sorted(m["To"] for m in mailbox.messages) == [world.coordinator, world.fp_b]
        [(state, attempts, error)] = [
            (r.state, r.attempts, r.last_error) for r in outbox(engine) if r.recipient == world.fp_a
        ]
        assert (state, attempts) == ("pending", 1) and error and "421" in error
        later = run_reminders(engine, settings_for(database_url, port), now + timedelta(minutes=2))
        assert later.sent is not None and later.sent.sent == 1
        assert sorted(m["To"] for m in mailbox.messages) == sorted(
            [world.coordinator, world.fp_a, world.fp_b]
        )


def test_a_digest_waiting_for_a_retry_never_reaches_someone_moved_to_another_entity_or_role_since(
    engine: Engine, database_url: str, anonymous_client: TestClient
) -> None:
    # The justice focal point's digest (a returned update with its reviewer's comment) went, hours
    # later, to them at the ministry of health; the coordinator's (every entity's work) to a focal point.
    world = build(engine)
    with smtp_server() as (_, closed_port):
        pass  # the port is free again: nothing listens there
    now = datetime.now(UTC)
    assert run_reminders(engine, settings_for(database_url, closed_port), now).built.digests == 2
    admin = accounts.headers_for(engine, "admin")
    with Session(engine) as db:
        ids = {email: user_id for email, user_id in db.execute(select(User.email, User.id))}
        health = db.scalars(select(Entity.id).where(Entity.name == "Ministry of Health")).one()
    for email, change in (
        (world.fp_a, {"entity_id": health}),
        (world.coordinator, {"role": "focal_point", "entity_id": health}),
    ):
        path = f"/api/v1/users/{ids[email]}"
        version = anonymous_client.get(path, headers=admin).headers["ETag"]
        changed = anonymous_client.patch(path, json=change, headers={**admin, "If-Match": version})
        assert changed.status_code == 200, changed.text
    with smtp_server() as (mailbox, port):
        up = run_reminders(engine, settings_for(database_url, port), now + timedelta(minutes=2))
    assert mailbox.to(world.fp_a) == [] and mailbox.to(world.coordinator) == []
    assert up.sent is not None and up.sent.dropped == 2 and not up.unsent
    assert {r.state for r in outbox(engine) if r.recipient in (world.fp_a, world.coordinator)} == {"dropped"}


def test_a_digest_still_waiting_when_the_next_one_is_built_is_replaced_by_it(
    engine: Engine, database_url: str
) -> None:
    # The server was down at the day's run: on a daily schedule the retry comes with the next day's
    # run, which sent yesterday's digest and today's, one after the other, to each daily reader.
    world = build(engine)
    with smtp_server() as (_, closed_port):
        pass  # the port is free again: nothing listens there
    today = datetime.now(UTC)
    assert run_reminders(engine, settings_for(database_url, closed_port), today).built.digests == 2
    tomorrow = today + timedelta(days=1)
    with smtp_server() as (mailbox, port):
        next_day = run_reminders(engine, settings_for(database_url, port), tomorrow)
    [focal] = mailbox.to(world.fp_a)  # their daily digest: tomorrow's alone
    assert f".{tomorrow.date().isoformat()}." in focal["Message-ID"]
    assert len(mailbox.to(world.coordinator)) == 1  # weekly: this week's, built once
    [yesterday] = [r for r in outbox(engine) if r.period == today.date().isoformat()]
    assert (yesterday.state, yesterday.last_error) == (
        "dropped",
        f"not sent: replaced by the digest of {tomorrow.date().isoformat()}",
    )
    assert next_day.sent is not None and not next_day.unsent
    new_week = period_of("weekly", tomorrow.date()) != period_of("weekly", today.date())
    replaced = "2 older digests" if new_week else "1 older digest"
    assert f"{replaced} replaced by a newer one" in next_day.line()


class RefusesTheSender(Mailbox):
    """A relay that does not take this From address (until it is told to)."""

    refuse = True

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.refuse:
            return "553 5.7.1 <nrtd@example.gov>: Sender address rejected: not owned by user"
        return await super().handle_MAIL(server, session, envelope, address, options)


def test_a_relay_refusing_the_from_address_fails_no_digest_for_good(
    engine: Engine, database_url: str
) -> None:
    # A 5xx to MAIL FROM is the relay's settings (a login it wants, a From it does not allow), not the
    # digest's: every digest of the period was marked failed at once, and none went once fixed.
    world = build(engine)
    with smtp_server(handler=RefusesTheSender()) as (mailbox, port):
        now = datetime.now(UTC)
        refused = run_reminders(engine, settings_for(database_url, port), now)
        assert refused.sent is not None and (refused.sent.failed, refused.sent.retrying) == (0, 2)
        assert refused.sent.error and "553" in refused.sent.error
        assert {r.state for r in outbox(engine)} == {"pending"}
        cast(RefusesTheSender, mailbox).refuse = False  # the operator has the relay fixed
        fixed = run_reminders(engine, settings_for(database_url, port), now + timedelta(minutes=2))
        assert fixed.sent is not None and fixed.sent.sent == 2
        assert sorted(m["To"] for m in mailbox.messages) == [world.coordinator, world.fp_a]


def test_a_server_configured_after_days_without_one_sends_each_person_one_digest(
    engine: Engine, database_url: str
) -> None:
    # Without NRTD_SMTP_HOST the runs build the digests into the outbox; once a server is set, each
    # daily reader would have received every day's digest built meanwhile.
    world = build(engine)
    start = datetime.now(UTC)
    unsent = settings_for(database_url, 1).model_copy(update={"smtp_host": ""})
    for day in range(3):
        run_reminders(engine, unsent, start + timedelta(days=day))
    with smtp_server() as (mailbox, port):
        run_reminders(engine, settings_for(database_url, port), start + timedelta(days=3))
    assert len(mailbox.to(world.fp_a)) == 1 and len(mailbox.to(world.coordinator)) == 1


def test_an_address_the_server_cannot_take_fails_at_once_with_the_reason(
    engine: Engine, database_url: str
) -> None:
    # An address written with an accent (accepted for an account) needs a server announcing SMTPUTF8;
    # without it each of that person's digests was retried ten times over eight hours, then failed.
    world = build(engine)
    set_user(engine, world.fp_a, email="josé@example.gov")
    with smtp_server(smtputf8=False) as (mailbox, port):
        run = run_reminders(engine, settings_for(database_url, port))
    assert [m["To"] for m in mailbox.messages] == [world.coordinator]
    [refused] = [r for r in outbox(engine) if r.recipient == "josé@example.gov"]
    assert (refused.state, refused.attempts) == ("failed", 1)
    assert refused.last_error and "SMTPUTF8" in refused.last_error
    assert run.sent is not None and run.sent.failed == 1


def test_a_digest_sent_on_a_retry_lists_what_is_waiting_then(engine: Engine, database_url: str) -> None:
    # Built at the morning's run, the server down, sent hours later: it listed a deadline deleted
    # meanwhile (its link a 404) and another moved months away as due in days. A retry lists the
    # person's work as it is when it goes, in the language they chose meanwhile; nothing left, none.
    world = build(engine)
    with smtp_server() as (_, closed_port):
        pass  # the port is free again: nothing listens there
    now = datetime.now(UTC)
    assert run_reminders(engine, settings_for(database_url, closed_port), now).built.digests == 2
    [before] = [row.body for row in outbox(engine) if row.recipient == world.fp_a]
    assert "Report to parliament" in before
    with Session(engine) as db, db.begin():
        db.execute(delete(Deadline).where(Deadline.title == "Report to parliament"))
    set_user(engine, world.fp_a, language="es")
    with smtp_server() as (mailbox, port):
        run_reminders(engine, settings_for(database_url, port), now + timedelta(minutes=2))
    [focal] = mailbox.to(world.fp_a)
    text = focal.get_content()
    assert "Report to parliament" not in text and "Train prison staff" in text
    assert focal["Content-Language"] == "es" and focal["Subject"].startswith("Su trabajo en NRTD")
    assert focal["Message-ID"] == next(r.message_id for r in outbox(engine) if r.recipient == world.fp_a)


def test_the_next_retry_is_said_in_utc_whatever_the_databases_time_zone(
    engine: Engine, database_url: str
) -> None:
    # A PostgreSQL server keeps the time zone of the machine it was set up on (Debian's does): the
    # retry time came back in it and was printed as it was, "UTC" after it, an hour or two off.
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps no time zone")
    build(engine)
    lima = create_engine(engine.url, connect_args={"options": "-c timezone=America/Lima"})
    try:
        with smtp_server() as (_, closed_port):
            pass  # the port is free again: nothing listens there
        now = datetime(2026, 12, 7, 23, 58, 30, tzinfo=UTC)  # after 23:59 UTC, before midnight in Lima
        settings = settings_for(database_url, closed_port)
        run_reminders(lima, settings, now)
        summary = run_reminders(lima, settings, now + timedelta(seconds=10))
        assert summary.sent is not None and summary.sent.waiting == 2
        assert summary.sent.next_retry == now + timedelta(minutes=1)
        assert "(the next at 2026-12-07 23:59 UTC;" in summary.line(), summary.line()
    finally:
        lima.dispose()


def test_a_digest_another_run_sent_meanwhile_is_not_sent_again(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A run lists the digests due, then claims them one by one. On SQLite a run that outlives its
    # lease (an hour: a slow relay, hundreds of digests) has a second one beside it: the second
    # claimed what it had listed even when the first had sent it since, and sent it again. A digest
    # is claimed only while it is still waiting.
    from app.notify import sender

    world = build(engine)
    settings = settings_for(database_url, 1)
    run_reminders(engine, settings.model_copy(update={"smtp_host": ""}))  # built, not sent
    now = datetime.now(UTC)
    with Session(engine) as db:
        listed = sender._due(db, now)
    with smtp_server() as (mailbox, port):
        settings = settings_for(database_url, port)
        assert sender.send_pending(engine, settings, now).sent == 2
        monkeypatch.setattr(sender, "_due", lambda db, now: listed)  # the second run's earlier list
        again = sender.send_pending(engine, settings, now)
        assert (again.sent, again.dropped) == (0, 0)
        assert sorted(m["To"] for m in mailbox.messages) == [world.coordinator, world.fp_a]
