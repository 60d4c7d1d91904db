"""Only one reminder run sends, however long it runs: on SQLite its lease is renewed while it works,
and a run that finds its lease taken over claims no further digest. Real processes (``nrtd notify
send``), a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select, update

from app.import_runs.lock import NOTIFY_ADVISORY_KEY, NOTIFY_LEASE_NAME, exclusive
from app.models import ImportLease
from app.notify.sender import send_pending
from app.notify.service import run_reminders
from tests.cli_runner import unstamped
from tests.conftest import ROOT
from tests.notify.reminder_world import build, command_env, outbox, settings_for
from tests.smtp import smtp_server

# `nrtd notify send` with a lease of two seconds instead of an hour: what a run that outlives its
# lease does, without waiting an hour.
SHORT_LEASE = (
    "import app.notify.service as service; service.LOCK_TTL_SECONDS = 2; from app.cli import main; main()"
)


def _send(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SHORT_LEASE, "notify", "send"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_a_run_slower_than_its_lease_keeps_it_and_no_digest_goes_twice(
    engine: Engine, database_url: str
) -> None:
    # A run holds the lease an hour; a slow relay (or hundreds of digests) can make it longer. On
    # SQLite the lease was never renewed: a second run (cron's next, another replica's) took it over,
    # claimed the digest the first was handing to the server and sent it too. The lease is now renewed
    # while the run works, so the second run is refused (exit 75) and each digest arrives once.
    world = build(engine)
    with smtp_server() as (mailbox, port):
        # The first digest is handed over once the second run has ended (at least two leases later):
        # on a loaded machine the second process could take longer to start than a fixed wait, and
        # find the first run done.
        mailbox.slow_mail = (1, 90.0)
        mailbox.release = threading.Event()
        env = {**os.environ, **command_env(database_url, port)}
        first = _send(env)
        try:
            deadline = time.monotonic() + 60
            while mailbox.mail_commands < 1:
                assert time.monotonic() < deadline and first.poll() is None, first.communicate()[1][-3000:]
                time.sleep(0.02)
            time.sleep(3)  # the first run is still sending; its first lease would have run out
            second = _send(env)
            _, second_err = second.communicate(timeout=60)
            assert first.poll() is None, "the first run was still sending while the second ran"
            mailbox.release.set()
            _, first_err = first.communicate(timeout=60)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        assert first.returncode == 0, first_err
        assert second.returncode == 75, (second_err, first_err, [m["To"] for m in mailbox.messages])
        assert "another reminder run is running" in unstamped(second_err.strip().splitlines()[-1])
        assert sorted(m["To"] for m in mailbox.messages) == [world.coordinator, world.fp_a]
    assert {r.state for r in outbox(engine)} == {"sent"}


def test_a_run_whose_lease_was_taken_over_claims_no_further_digest(engine: Engine, database_url: str) -> None:
    # A run that could not renew its lease in time (its machine slept, the database stayed locked)
    # finds another run holding it: it stops claiming, and leaves the digests to the run that holds it.
    build(engine)
    settings = settings_for(database_url, 1)
    run_reminders(engine, settings.model_copy(update={"smtp_host": ""}))  # built, not sent
    lock = exclusive(engine, NOTIFY_LEASE_NAME, NOTIFY_ADVISORY_KEY, ttl_seconds=60, what="reminder run")
    with smtp_server() as (mailbox, port), lock as hold:
        if engine.dialect.name == "sqlite":
            with engine.begin() as conn:
                conn.execute(
                    update(ImportLease)
                    .where(ImportLease.name == NOTIFY_LEASE_NAME)
                    .values(holder="another-host:4242")
                )
        result = send_pending(engine, settings_for(database_url, port), datetime.now(UTC), hold)
        if engine.dialect.name == "sqlite":
            assert (result.sent, mailbox.messages) == (0, [])
            assert result.error and "taken over" in result.error
            assert {r.state for r in outbox(engine)} == {"pending"}
        else:  # the advisory lock lives as long as its connection: nobody can take it over
            assert result.sent == 2


def test_a_run_whose_database_connection_dropped_claims_no_further_digest(
    engine: Engine, database_url: str
) -> None:
    # PostgreSQL frees an advisory lock with the connection holding it: that connection dropped (a
    # restarted server, a proxy's idle timeout), another replica's run could take the lock while
    # this one went on sending, both claiming what the other had listed. A run checks, at each
    # claim, that its lock's connection still holds it.
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's lease is a row: the test above")
    build(engine)
    settings = settings_for(database_url, 1)
    run_reminders(engine, settings.model_copy(update={"smtp_host": ""}))  # built, not sent
    lock = exclusive(engine, NOTIFY_LEASE_NAME, NOTIFY_ADVISORY_KEY, ttl_seconds=60, what="reminder run")
    with smtp_server() as (mailbox, port), lock as hold:
        assert hold.advisory is not None
        with engine.connect() as conn:
            assert conn.execute(select(func.pg_terminate_backend(hold.advisory[1]))).scalar()
        result = send_pending(engine, settings_for(database_url, port), datetime.now(UTC), hold)
        assert (result.sent, mailbox.messages) == (0, [])
        assert result.error and "taken over" in result.error
        # The lock is free for the next run, which sends them.
        assert run_reminders(engine, settings_for(database_url, port)).sent.sent == 2  # type: ignore[union-attr]
    assert sorted(m["To"] for m in mailbox.messages) == ["coord@example.gov", "fp.a@example.gov"]
