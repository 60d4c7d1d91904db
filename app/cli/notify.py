"""``nrtd notify ...``: the reminder digests from cron (``send``) and the outbox's state (``status``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from app.cli.common import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_USAGE,
    Group,
    database,
    say,
    settings_or_exit,
    stamped,
)

if TYPE_CHECKING:
    from app.core.config import Settings

notify_cli = typer.Typer(
    cls=Group, help="The reminder digests sent by e-mail (docs/reminders.md).", rich_markup_mode=None
)


@notify_cli.command("send", short_help="Build this period's digests and send the ones that are due.")
def notify_send_cmd() -> None:
    """Build this period's digests and send every one that is due (exit 1 when one failed or waits for
    a retry, 75 when another run is on)."""
    from app.core.errors import ImportLocked
    from app.notify.service import run_reminders

    settings = settings_or_exit()
    need_mail_settings(settings)
    engine = database()
    try:
        summary = run_reminders(engine, settings)
    except ImportLocked as exc:
        say(stamped(exc.detail), "yellow")
        raise typer.Exit(EXIT_LOCKED) from None
    # After its time in UTC, as an import's lines: cron appends each run's line to one log. The
    # refusals of a setting above come before any run, and are not stamped.
    say(stamped(summary.line()))
    if summary.unsent:  # a digest failed or waits for a retry, from this run or an earlier one
        raise typer.Exit(EXIT_FAILED)


def need_mail_settings(settings: Settings) -> None:
    """With an SMTP server, the digests need a From address and the site's address (their links
    start with it; the default, http://127.0.0.1:8000, would open the reader's own computer): refused
    before any digest is built or claimed (exit 2), rather than each one failing at the server or
    reaching everyone with links that open nothing."""
    if settings.smtp_host and not settings.smtp_from:
        say(
            "NRTD_SMTP_HOST is set but NRTD_SMTP_FROM is empty: set NRTD_SMTP_FROM to the digests' From "
            "address (nrtd@example.org or NRTD <nrtd@example.org>); nothing sent",
            "red",
        )
        raise typer.Exit(EXIT_USAGE)
    if settings.smtp_host and "base_url" not in settings.model_fields_set:
        say(
            "NRTD_SMTP_HOST is set but NRTD_BASE_URL is not: the digests' links would open "
            f"{settings.base_url}; set NRTD_BASE_URL to the address people open the service at "
            "(https://nrtd.example.gov); nothing sent",
            "red",
        )
        raise typer.Exit(EXIT_USAGE)


@notify_cli.command("status", short_help="Digests waiting, sent and given up; the latest failures.")
def notify_status_cmd() -> None:
    """How many digests are waiting, sent and given up, and the latest failures' reasons."""
    from app.models.notify import OUTBOX_STATES
    from app.notify.service import failures, outbox_counts

    settings_or_exit()
    engine = database()
    counts = outbox_counts(engine)
    say(", ".join(f"{state}: {counts.get(state, 0)}" for state in OUTBOX_STATES))
    for row in failures(engine):
        say(f"{row.state} {row.recipient} {row.period} (attempt {row.attempts}): {row.last_error}", "red")
