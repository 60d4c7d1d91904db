"""Reminder digests through a real SMTP server on 127.0.0.1: who gets what, in which language, each
digest exactly once (reruns, a failing server, a sender killed mid-send), one sender at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.dates import utc_today
from app.core.errors import ImportLocked
from app.import_runs.lock import NOTIFY_ADVISORY_KEY, NOTIFY_LEASE_NAME, exclusive
from app.models import Deadline, Entity, OutboxMessage, User
from app.notify.digest import render_digest
from app.notify.items import Item, Section
from app.notify.outbox import period_of
from app.notify.service import run_reminders
from tests import accounts
from tests.builder import building
from tests.cli_runner import run_cli
from tests.conftest import ROOT
from tests.smtp import Mailbox, smtp_server

BASE_URL = "https://nrtd.example.gov"


@dataclass(frozen=True)
class World:
    coordinator: str
    fp_a: str
    fp_b: str
    action_a_overdue: int
    action_a_soon: int
    action_b: int
    returned: int


def build(engine: Engine) -> World:
    today = utc_today()
    with building(engine) as b:
        a = b.entity("Ministry of Justice").id
        other = b.entity("Ministry of Health").id
        b.user("coord@example.gov", "coordinator")
        fp_a = b.user("fp.a@example.gov", "focal_point", entity_id=a)
        fp_b = b.user("fp.b@example.gov", "focal_point", entity_id=other)
        b.user("reader@example.gov", "reader")
        b.user("gone@example.gov", "coordinator")
        overdue = b.action("Train prison staff", lead_entity_id=a, due_date=today - timedelta(days=3)).id
        soon = b.action("Open a legal aid office", lead_entity_id=a, due_date=today + timedelta(days=5)).id
        b.action("Far away", lead_entity_id=a, due_date=today + timedelta(days=200))
        b.action("Done already", lead_entity_id=a, due_date=today - timedelta(days=9), status="completed")
        action_b = b.action("Vaccinate", lead_entity_id=other, due_date=today - timedelta(days=1)).id
        returned = b.progress(
            overdue, "returned", "Half done", author_id=fp_a, review_comment="Add the number of trainees"
        ).id
        b.progress(action_b, "submitted", "Campaign started", author_id=fp_b)
        b.session.add_all(
            [
                Deadline(
                    kind="custom", title="Report to parliament", due_on=today + timedelta(days=4), entity_id=a
                ),
                Deadline(
                    kind="custom",
                    title="Health plan review",
                    due_on=today + timedelta(days=2),
                    entity_id=other,
                ),
                Deadline(kind="custom", title="Budget hearing", due_on=today + timedelta(days=90)),
            ]
        )
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.email == "fp.a@example.gov").values(language="fr", digest="daily"))
        db.execute(update(User).where(User.email == "fp.b@example.gov").values(language="es", digest="never"))
        db.execute(update(User).where(User.email == "gone@example.gov").values(active=False))
    return World(
        "coord@example.gov", "fp.a@example.gov", "fp.b@example.gov", overdue, soon, action_b, returned
    )


def settings_for(database_url: str, port: int) -> Settings:
    return Settings(
        database_url=database_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="NRTD <nrtd@example.gov>",
        base_url=BASE_URL,
    )


def outbox(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as db:
        return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_each_person_gets_their_own_items_in_their_language(engine: Engine, database_url: str) -> None:
    world = build(engine)
    with smtp_server() as (mailbox, port):
        summary = run_reminders(engine, settings_for(database_url, port))
        assert (summary.built.digests, summary.sent and summary.sent.sent) == (2, 2), summary.line()
        assert sorted(m["To"] for m in mailbox.messages) == [world.coordinator, world.fp_a]

        [coordinator] = mailbox.to(world.coordinator)
        text = coordinator.get_content()
        assert coordinator["Subject"].startswith("Your work in NRTD")
        assert coordinator["From"] == "NRTD <nrtd@example.gov>"
        assert coordinator["Auto-Submitted"] == "auto-generated"
        # Exchange and Outlook, which most ministries use, read no Auto-Submitted: their own header.
        assert coordinator["X-Auto-Response-Suppress"] == "OOF, AutoReply"
        assert "Progress updates waiting for your approval (1)" in text
        assert "Vaccinate" in text and "Train prison staff" in text  # overdue, of every entity
        assert "Open a legal aid office" not in text  # due soon: the focal point's business
        assert "Deadlines due soon or overdue (2)" in text  # every entity's, within 14 days
        assert (
            "Report to parliament" in text and "Health plan review" in text and "Budget hearing" not in text
        )
        assert f"{BASE_URL}/staff/progress/" in text

        [focal] = mailbox.to(world.fp_a)
        text = focal.get_content()
        assert focal["Content-Language"] == "fr"
        assert focal["Subject"].startswith("Votre travail dans NRTD")
        assert "Actions en retard (1)" in text
        assert "Train prison staff" in text and "Open a legal aid office" in text
        assert "Add the number of trainees" in text  # the reviewer's comment
        assert f"{BASE_URL}/staff/progress/{world.returned}?lang=fr" in text
        assert f"{BASE_URL}/staff/actions/{world.action_a_soon}?lang=fr" in text
        assert "Vaccinate" not in text and "Far away" not in text and "Done already" not in text
        assert "Report to parliament" in text and "Health plan review" not in text  # their entity's only


def test_a_rerun_in_the_same_period_sends_nothing_again(engine: Engine, database_url: str) -> None:
    build(engine)
    with smtp_server() as (mailbox, port):
        settings = settings_for(database_url, port)
        run_reminders(engine, settings)
        again = run_reminders(engine, settings)
        assert (again.built.digests, again.built.already) == (0, 2)
        assert again.sent is not None and again.sent.sent == 0
        assert len(mailbox.messages) == 2
        # The next day: the daily digest again, the weekly one only in a new ISO week.
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        later = run_reminders(engine, settings, tomorrow)
        new_week = period_of("weekly", tomorrow.date()) != period_of("weekly", utc_today())
        assert later.built.digests == (2 if new_week else 1)
        assert len(mailbox.messages) == 2 + later.built.digests


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
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.email == world.fp_b).values(digest="daily"))
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
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.email == world.fp_b).values(digest="daily"))
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
    assert f"{1 + new_week} older digest(s) replaced by a newer one" in next_day.line()


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
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.email == world.fp_a).values(email="josé@example.gov"))
    with smtp_server(smtputf8=False) as (mailbox, port):
        run = run_reminders(engine, settings_for(database_url, port))
    assert [m["To"] for m in mailbox.messages] == [world.coordinator]
    [refused] = [r for r in outbox(engine) if r.recipient == "josé@example.gov"]
    assert (refused.state, refused.attempts) == ("failed", 1)
    assert refused.last_error and "SMTPUTF8" in refused.last_error
    assert run.sent is not None and run.sent.failed == 1


def test_send_exits_1_while_a_digest_waits_for_its_retry(engine: Engine, database_url: str) -> None:
    build(engine)
    with smtp_server() as (_, closed_port):
        pass  # the port is free again: nothing listens there
    env = {
        "NRTD_DATABASE_URL": database_url,
        "NRTD_SMTP_HOST": "127.0.0.1",
        "NRTD_SMTP_PORT": str(closed_port),
        "NRTD_SMTP_STARTTLS": "false",
        "NRTD_SMTP_FROM": "nrtd@example.gov",
        "NRTD_BASE_URL": BASE_URL,
    }
    down = run_cli(["notify", "send"], env=env)
    assert down.returncode == 1, down.stderr
    assert "0 sent, 2 to retry, 0 failed (last error: " in down.stderr
    again = run_cli(["notify", "send"], env=env)  # before the retry time: nothing attempted
    assert again.returncode == 1, again.stderr
    said = " ".join(again.stderr.split())
    assert (
        "0 sent, 0 to retry, 0 failed, 2 still waiting for a retry after an earlier failure (the next at "
        in said
    )
    assert "see nrtd notify status" in said
    status = run_cli(["notify", "status"], env=env)
    assert "pending: 2, sending: 0" in status.stderr
    with smtp_server() as (mailbox, port):
        later = run_reminders(
            engine, settings_for(database_url, port), datetime.now(UTC) + timedelta(minutes=2)
        )
        assert later.sent is not None and (later.sent.sent, later.sent.waiting) == (2, 0)
        assert not later.unsent and "waiting" not in later.line()
        assert len(mailbox.messages) == 2


def test_notify_status_counts_the_digests_and_names_the_failures(engine: Engine, database_url: str) -> None:
    build(engine)
    env = {"NRTD_DATABASE_URL": database_url}
    empty = run_cli(["notify", "status"], env=env)
    assert empty.returncode == 0, empty.stderr
    assert "pending: 0, sending: 0, sent: 0, failed: 0" in empty.stdout + empty.stderr
    with smtp_server() as (_, closed_port):
        pass  # the port is free again: nothing listens there
    run_reminders(engine, settings_for(database_url, closed_port), datetime.now(UTC))
    waiting = run_cli(["notify", "status"], env=env)
    assert waiting.returncode == 0, waiting.stderr
    said = " ".join((waiting.stdout + waiting.stderr).split())
    assert "pending: 2, sending: 0, sent: 0, failed: 0" in said
    assert f"127.0.0.1:{closed_port}" in said  # each waiting digest's reason


def test_an_smtp_server_without_a_from_or_site_address_is_refused_before_anything_is_claimed(
    engine: Engine, database_url: str
) -> None:
    build(engine)
    with smtp_server() as (mailbox, port):
        env = {
            "NRTD_DATABASE_URL": database_url,
            "NRTD_SMTP_HOST": "127.0.0.1",
            "NRTD_SMTP_PORT": str(port),
            "NRTD_SMTP_STARTTLS": "false",
        }
        no_from = run_cli(["notify", "send"], env={**env, "NRTD_SMTP_FROM": ""})
        assert no_from.returncode == 2, no_from.stderr
        assert "Traceback" not in no_from.stderr
        assert no_from.stderr.startswith(
            "NRTD_SMTP_HOST is set but NRTD_SMTP_FROM is empty: set NRTD_SMTP_FROM"
        )
        assert outbox(engine) == []  # nothing built, nothing left "sending"
        # A server scheduled to send is refused at start too, rather than failing at every run.
        serve = run_cli(
            ["serve", "--port", "1"], env={**env, "NRTD_SMTP_FROM": "", "NRTD_NOTIFY_SCHEDULE": "0 6 * * *"}
        )
        assert serve.returncode == 2 and "NRTD_SMTP_FROM is empty" in serve.stderr, serve.stderr

        not_an_address = run_cli(["notify", "send"], env={**env, "NRTD_SMTP_FROM": "not an address"})
        assert not_an_address.returncode == 2
        assert not_an_address.stderr.startswith(
            "setting NRTD_SMTP_FROM: not an e-mail address: 'not an address'"
        ), not_an_address.stderr
        for wrong in ("nrtd@", "a@example.org, b@example.org", "Doe, John <doe@example.org>"):
            refused = run_cli(["notify", "send"], env={**env, "NRTD_SMTP_FROM": wrong})
            assert refused.returncode == 2 and "not an e-mail address" in refused.stderr, refused.stderr
        assert outbox(engine) == [] and mailbox.messages == []

        # Every link of every digest would open the default http://127.0.0.1:8000 on the reader's own
        # computer: refused too, until the site's address is set.
        no_site = run_cli(["notify", "send"], env={**env, "NRTD_SMTP_FROM": "nrtd@example.gov"})
        assert no_site.returncode == 2, no_site.stderr
        assert no_site.stderr.startswith("NRTD_SMTP_HOST is set but NRTD_BASE_URL is not"), no_site.stderr
        serve = run_cli(
            ["serve", "--port", "1"],
            env={**env, "NRTD_SMTP_FROM": "nrtd@example.gov", "NRTD_NOTIFY_SCHEDULE": "0 6 * * *"},
        )
        assert serve.returncode == 2 and "NRTD_BASE_URL is not" in serve.stderr, serve.stderr
        assert outbox(engine) == [] and mailbox.messages == []

        env["NRTD_BASE_URL"] = BASE_URL
        named = run_cli(
            ["notify", "send"], env={**env, "NRTD_SMTP_FROM": '"Ministry, NRTD" <nrtd@example.gov>'}
        )
        assert named.returncode == 0, named.stderr
        assert {m["From"] for m in mailbox.messages} == {'"Ministry, NRTD" <nrtd@example.gov>'}


def test_only_one_run_sends_at_a_time(engine: Engine, database_url: str) -> None:
    build(engine)
    lock = exclusive(engine, NOTIFY_LEASE_NAME, NOTIFY_ADVISORY_KEY, ttl_seconds=60, what="reminder run")
    with smtp_server() as (mailbox, port), lock, pytest.raises(ImportLocked, match="another reminder run"):
        run_reminders(engine, settings_for(database_url, port))
    assert mailbox.messages == [] and outbox(engine) == []


@pytest.mark.slow
def test_killed_mid_send_a_rerun_delivers_each_digest_exactly_once(engine: Engine, database_url: str) -> None:
    world = build(engine)
    with smtp_server() as (mailbox, port):
        mailbox.slow_mail = (2, 30.0)  # the second digest's MAIL FROM hangs: the sender is killed there
        env = {
            **os.environ,
            "NRTD_DATABASE_URL": database_url,
            "NRTD_SMTP_HOST": "127.0.0.1",
            "NRTD_SMTP_PORT": str(port),
            "NRTD_SMTP_STARTTLS": "false",
            "NRTD_SMTP_FROM": "nrtd@example.gov",
            "NRTD_BASE_URL": BASE_URL,
        }
        sender = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "notify", "send"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            mailbox.wait_for(1, timeout=60)
            deadline = time.monotonic() + 30
            while mailbox.mail_commands < 2:
                assert time.monotonic() < deadline and sender.poll() is None
                time.sleep(0.02)
        finally:
            os.kill(sender.pid, signal.SIGKILL)
            sender.wait()
        assert len(mailbox.messages) == 1
        states = sorted(r.state for r in outbox(engine))
        assert states == ["sending", "sent"]

        mailbox.slow_mail = None
        rerun = run_cli(["notify", "send"], env={k: v for k, v in env.items() if k.startswith("NRTD_")})
        assert rerun.returncode == 0, rerun.stderr
        assert "1 sent" in rerun.stderr
        assert sorted(m["To"] for m in mailbox.messages) == [world.coordinator, world.fp_a]
        assert len({m["Message-ID"] for m in mailbox.messages}) == 2
    assert {r.state for r in outbox(engine)} == {"sent"}


def test_the_digest_reads_as_a_letter(engine: Engine, database_url: str) -> None:
    world = build(engine)
    with smtp_server() as (mailbox, port):
        run_reminders(engine, settings_for(database_url, port))
    [focal] = mailbox.to(world.fp_a)
    lines = focal.get_content().splitlines()
    assert lines[0] == "Bonjour fp.a@example.gov,"
    soon = lines.index("Actions à échéance prochaine (1)")
    assert lines[soon + 1].startswith("- Open a legal aid office (")
    assert lines[soon + 2] == f"  {BASE_URL}/staff/actions/{world.action_a_soon}?lang=fr"
    assert lines[soon + 3] == ""
    assert lines[-1].endswith(f"{BASE_URL}/staff/account?lang=fr")  # the account page in French too


def test_a_deadline_is_named_by_its_kind_in_the_readers_language(engine: Engine, database_url: str) -> None:
    # The mid-term report carries its review's title: alone, "Fifth UPR review" due in 5 days would
    # announce the review itself.
    world = build(engine)
    today = utc_today()
    with Session(engine) as db, db.begin():
        db.add(
            Deadline(
                kind="upr_review",
                title="Fifth UPR review",
                due_on=today + timedelta(days=1000),
                last_review_on=today - timedelta(days=990),
            )
        )
    with smtp_server() as (mailbox, port):
        run_reminders(engine, settings_for(database_url, port))
    [coordinator] = mailbox.to(world.coordinator)
    lines = coordinator.get_content().splitlines()
    assert any(line.startswith("- UPR mid-term report: Fifth UPR review (") for line in lines), lines
    assert any(line.startswith("- Report to parliament (") for line in lines)  # entered: its own title
    [focal] = mailbox.to(world.fp_a)
    lines = focal.get_content().splitlines()
    midterm = "- Rapport à mi-parcours de l'EPU : Fifth UPR review ("
    assert any(line.startswith(midterm) for line in lines), lines


def test_every_link_of_the_digest_opens_the_page_in_its_language() -> None:
    # Only the items' links carried the language: "All of them" and the account page opened in English.
    reader = SimpleNamespace(language="fr", full_name="A", email="a@example.gov")
    overdue = Section("Overdue actions", 30, "/staff/actions?overdue=true", [Item("T", "/staff/actions/3")])
    body = render_digest(cast(User, reader), [overdue], BASE_URL, date(2026, 12, 6)).body
    assert f"  {BASE_URL}/staff/actions/3?lang=fr\n" in body
    assert f"La liste complète : {BASE_URL}/staff/actions?overdue=true&lang=fr\n" in body
    assert body.endswith(f"{BASE_URL}/staff/account?lang=fr")


def test_a_link_to_a_part_of_a_page_keeps_its_language_and_its_part() -> None:
    # A follow-up reply due links its recommendation's follow-up section: "?lang=fr" was added after
    # the "#", so the page opened in the remembered language, and not at the section.
    reader = SimpleNamespace(language="fr", full_name="A", email="a@example.gov")
    reply = Item("CRC/C/PER/CO/6-7", "/staff/recommendations/7#treaty-follow-up", kind="follow_up_reply")
    deadlines = Section("Deadlines due soon or overdue", 1, "/staff/calendar", [reply])
    body = render_digest(cast(User, reader), [deadlines], BASE_URL, date(2026, 12, 6)).body
    assert f"  {BASE_URL}/staff/recommendations/7?lang=fr#treaty-follow-up\n" in body


def test_a_reviewers_comment_of_several_lines_stays_under_its_item() -> None:
    # A comment typed in the review form's text area is several lines; its "- ..." lines read as
    # items of the digest's list, at the start of the line.
    reader = SimpleNamespace(language="en", full_name="A", email="a@example.gov")
    note = "Please add:\r\n- the number of trainees\r\n- the dates"
    returned = Item("Train prison staff", "/staff/progress/4", date(2026, 12, 1), note)
    section = Section("Progress updates returned to you", 1, "/staff/progress?state=returned", [returned])
    lines = render_digest(cast(User, reader), [section], BASE_URL, date(2026, 12, 6)).body.splitlines()
    comment = lines.index("  Comment: Please add:")
    assert lines[comment + 1 : comment + 3] == ["    - the number of trainees", "    - the dates"]
