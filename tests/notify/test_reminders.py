"""Reminder digests through a real SMTP server on 127.0.0.1: who gets what, in which language, each
digest exactly once (reruns, a failing server, a sender killed mid-send), one sender at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.errors import ImportLocked
from app.core.time_zone import local_today
from app.import_runs.lock import NOTIFY_ADVISORY_KEY, NOTIFY_LEASE_NAME, exclusive
from app.models import Deadline, User
from app.notify.digest import render_digest
from app.notify.items import Item, Section, work_for
from app.notify.outbox import period_of
from app.notify.service import run_reminders
from app.web.i18n import environment, translations
from tests.cli_runner import run_cli, unstamped
from tests.conftest import ROOT
from tests.notify.reminder_world import BASE_URL, build, command_env, outbox, set_user, settings_for
from tests.smtp import smtp_server


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
        assert "Indicator values to approve (1)\r\n- Children vaccinated (Vaccinate)" in text
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
        assert "Actions à l’échéance dépassée (1)" in text  # noqa: RUF001
        assert "Train prison staff" in text and "Open a legal aid office" in text
        assert "Add the number of trainees" in text  # the reviewer's comment
        # A returned indicator value too, with its comment: it was on My work only, never e-mailed.
        assert (
            "Valeurs d’indicateur qui vous sont renvoyées (1)\r\n- Officers trained (Train prison staff)"  # noqa: RUF001
            in text
        )
        assert "Count the women apart" in text and f"{BASE_URL}/staff/values/" in text
        assert "Children vaccinated" not in text  # another entity's, and not returned
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
        new_week = period_of("weekly", tomorrow.date()) != period_of("weekly", local_today())
        assert later.built.digests == (2 if new_week else 1)
        assert len(mailbox.messages) == 2 + later.built.digests


def test_changing_how_often_brings_no_second_digest_the_same_day(engine: Engine, database_url: str) -> None:
    # Its weekly digest received in the morning, a coordinator chose daily ones (and a focal point
    # weekly ones, its daily one received): the next run that day (cron every hour, to send the
    # retries) sent each of them the same digest again, under its new period.
    world = build(engine)
    with smtp_server() as (mailbox, port):
        settings = settings_for(database_url, port)
        run_reminders(engine, settings)
        assert len(mailbox.messages) == 2
        set_user(engine, world.coordinator, digest="daily")
        set_user(engine, world.fp_a, digest="weekly")
        again = run_reminders(engine, settings)
        assert (again.built.digests, again.built.already) == (0, 2), again.line()
        assert len(mailbox.messages) == 2
        # The next day each gets the digest of their new choice (the focal point's week had none).
        later = run_reminders(engine, settings, datetime.now(UTC) + timedelta(days=1))
        assert later.built.digests == 2, later.line()
        assert len(mailbox.messages) == 4


def test_send_exits_1_while_a_digest_waits_for_its_retry(engine: Engine, database_url: str) -> None:
    build(engine)
    with smtp_server() as (_, closed_port):
        pass  # the port is free again: nothing listens there
    env = command_env(database_url, closed_port)
    down = run_cli(["notify", "send"], env=env)
    assert down.returncode == 1, down.stderr
    # One line, after its time in UTC as an import's (cron appends each night's run to one log).
    [line] = down.stderr.strip().splitlines()
    assert unstamped(line).startswith("2 digests built, 0 already built this period, ")
    assert "0 sent, 2 to retry, 0 failed (last error: " in line
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
        env = {**os.environ, **command_env(database_url, port)}
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
    today = local_today()
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
    midterm = "- Rapport à mi-parcours de l’EPU : Fifth UPR review ("  # noqa: RUF001
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


def test_an_overdue_deadline_says_so_and_comes_first(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Deadlines due soon or overdue" listed each with its date alone: a focal point could not tell
    # the one already missed from the one due in four days without working out the dates.
    for lang, words in (("fr", "%(date)s, en retard"), ("es", "%(date)s, con retraso")):
        monkeypatch.setitem(vars(translations(lang))["_catalog"], "%(date)s, overdue", words)
    world = build(engine)
    today = local_today()
    with Session(engine) as db, db.begin():
        justice = db.scalars(select(User.entity_id).where(User.email == world.fp_a)).one()
        db.add(
            Deadline(
                kind="custom",
                title="Answer the ombudsman",
                due_on=today - timedelta(days=6),
                entity_id=justice,
            )
        )
    with Session(engine) as db:
        me = db.scalars(select(User).where(User.email == world.fp_a)).one()
        lines = render_digest(me, work_for(db, me, 14, today), BASE_URL, today).body.splitlines()
    french = environment(Path("."), "fr").filters["date"]
    heading = lines.index("Échéances proches ou dépassées (2)")
    assert lines[heading + 1] == f"- Answer the ombudsman ({french(today - timedelta(days=6))}, en retard)", (
        lines
    )
    assert lines[heading + 3] == f"- Report to parliament ({french(today + timedelta(days=4))})"


def test_a_digest_names_where_to_stop_it_as_mail_programs_read_it(engine: Engine, database_url: str) -> None:
    # The footer said where to change how often the digest comes; a mail program offers its own
    # "Unsubscribe" from List-Unsubscribe (RFC 2369) alone, and there was none.
    world = build(engine)
    with smtp_server() as (mailbox, port):
        run_reminders(engine, settings_for(database_url, port))
    [focal] = mailbox.to(world.fp_a)
    assert focal["List-Unsubscribe"] == f"<{BASE_URL}/staff/account?lang=fr>"
    [coordinator] = mailbox.to(world.coordinator)
    assert coordinator["List-Unsubscribe"] == f"<{BASE_URL}/staff/account?lang=en>"


def test_a_message_id_names_the_sites_host_even_an_ip_v6_address(engine: Engine, database_url: str) -> None:
    # The host was cut at the first colon: at http://[2001:db8::1]:8000 a Message-ID ended "@[>",
    # which is no message identifier (RFC 5322) and which a mail server may refuse or replace.
    world = build(engine)
    settings = settings_for(database_url, 1).model_copy(update={"base_url": "http://[2001:db8::1]:8000/nrtd"})
    run_reminders(engine, settings.model_copy(update={"smtp_host": ""}))
    ids = {row.recipient: row.message_id for row in outbox(engine)}
    assert ids[world.fp_a].endswith("@[2001:db8::1]>"), ids
