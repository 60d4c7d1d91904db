"""The built-in schedule: ``nrtd serve`` runs the UHRI import on NRTD_IMPORT_SCHEDULE (cron), and
the reminder digests on NRTD_NOTIFY_SCHEDULE.

Every replica may run them; a lock lets one of them run and the others skip.

This module is also where the staff workspace's imports start (``import_runners``): an uploaded file
and "run the scheduled import now". Only app.cli and app.scheduler may import ``importers``; app.main
hands these entry points to the pages as ``app.state.import_runners`` (their shapes are in
app/import_runs/uploads.py), so the web layer runs the CLI's imports without importing them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from croniter import croniter
from sqlalchemy import Engine

from app.core.catalogue import marked as _
from app.core.config import Settings
from app.core.db import command_limits, make_engine
from app.core.errors import DomainError, ImportFailed, ImportLocked
from app.core.time_zone import zone_named
from app.import_runs.uploads import ImportRunners, UploadedRun, UploadKind

log = logging.getLogger("nrtd.scheduler")


def run_scheduled_import(settings: Settings) -> None:
    from importers.run import import_uhri

    engine = make_engine(settings.database_url, command_limits(settings))
    try:
        # Read on the staff workspace, whose button starts it too: no option to name there.
        summary = import_uhri(engine, settings, withdraw_advice="ask-administrator")
        # A failed run is an error of the log, not news: NRTD_LOG_LEVEL=WARNING (no access log) must
        # still show that last night's import wrote nothing, and why.
        counts = summary.counts
        if not summary.ok:
            log.error("scheduled import: %s", summary.line())
        elif counts.rejected and not (counts.created or counts.updated or counts.unchanged):
            # Stored nothing (nrtd import exits 3): news too, at NRTD_LOG_LEVEL=WARNING.
            log.warning(
                "scheduled import: %s; nothing was imported: every record read was rejected", summary.line()
            )
        else:
            log.info("scheduled import: %s", summary.line())
    except DomainError as exc:
        log.warning("scheduled import skipped: %s", exc.detail)
    except Exception:
        _crashed("scheduled import", engine, settings)
    finally:
        engine.dispose()


def _crashed(
    what: str, engine: Engine, settings: Settings, then: str = "tried again at the next scheduled time"
) -> None:
    """A run that stopped on an error: one line when the database cannot be reached (down, dropped,
    its password changed) or its schema is not this release's (nothing a traceback would explain, and
    it comes back at every run), else the traceback, a fault of the code."""
    from app.health.service import database_fault

    fault = database_fault(engine, settings.database_url)
    if fault is None:
        log.exception("%s crashed", what)
    else:
        log.error("%s failed: %s; %s", what, fault, then)


def _reminder_work(
    settings: Settings, what: str, work: Callable[[Engine], datetime | None]
) -> datetime | None:
    """``work`` on an engine of its own, a refusal or a crash logged as ``what``'s (the thread goes
    on): what it returns, else None."""
    engine = make_engine(settings.database_url, command_limits(settings))
    try:
        return work(engine)
    except DomainError as exc:
        log.warning("%s skipped: %s", what, exc.detail)
    except Exception:
        _crashed(what, engine, settings)
    finally:
        engine.dispose()
    return None


def run_scheduled_reminders(settings: Settings) -> datetime | None:
    """The period's run; returns when the earliest digest waiting for a retry is due, if one is."""
    from app.notify.service import next_retry, run_reminders

    def run(engine: Engine) -> datetime | None:
        summary = run_reminders(engine, settings)
        log.log(logging.WARNING if summary.unsent else logging.INFO, "reminders: %s", summary.line())
        return next_retry(engine) if summary.sent is not None else None

    return _reminder_work(settings, "reminders", run)


def retry_scheduled_reminders(settings: Settings) -> datetime | None:
    """Between two runs, at a retry time: send the digests whose retry is due (build none); returns
    the next retry time, if a digest still waits."""
    from app.notify.service import next_retry, send_retries

    def retry(engine: Engine) -> datetime | None:
        sent = send_retries(engine, settings)
        if sent is None:
            return None
        unsent = sent.failed or sent.retrying
        log.log(
            logging.WARNING if unsent else logging.INFO,
            "reminder retries: %s sent, %s to retry, %s failed%s",
            sent.sent,
            sent.retrying,
            sent.failed,
            f" (last error: {sent.error})" if sent.error else "",
        )
        return next_retry(engine)

    return _reminder_work(settings, "reminder retries", retry)


def _next_time(schedule_text: str, settings: Settings) -> datetime:
    """The schedule's next time after now, read in the instance's time zone (NRTD_TIME_ZONE, summer
    time included: "0 3 * * *" is 03:00 where the instance's users are). Asked again after each run:
    a run that outlasted the times after its own (an hourly import that took three hours) is
    followed by the next time from its end, not by one run for each time it missed, back to back."""
    due: datetime = croniter(schedule_text, datetime.now(zone_named(settings.time_zone))).get_next(datetime)
    return due


def _loop(
    schedule_text: str, job: Callable[[Settings], None], what: str, settings: Settings, stop: threading.Event
) -> None:
    while not stop.is_set():
        due = _next_time(schedule_text, settings)
        log.info("next scheduled %s at %s", what, due.isoformat())
        if stop.wait(max(0.0, (due - datetime.now(UTC)).total_seconds())):
            return
        job(settings)


def _waiting_retry(settings: Settings) -> datetime | None:
    """When the earliest digest an earlier process left waiting for a retry is due, if one is."""
    from app.notify.service import next_retry

    if not settings.smtp_host:
        return None
    engine = make_engine(settings.database_url, command_limits(settings))
    try:
        return next_retry(engine)
    except Exception:
        _crashed("reminder retries: reading the outbox", engine, settings, "read again at the next run")
        return None
    finally:
        engine.dispose()


def _reminder_loop(schedule_text: str, settings: Settings, stop: threading.Event) -> None:
    """The reminder runs on their schedule, and between two of them a pass at each retry time: a
    digest the server could not take waits its delay (1, 2, 4 ... minutes), not the next run; those
    a process before this one left waiting too. The schedule is read in the instance's time zone
    (NRTD_TIME_ZONE), summer time included: "0 6 * * *" is 06:00 where the digests' readers are."""
    due = _next_time(schedule_text, settings)
    retry = _waiting_retry(settings)
    while not stop.is_set():
        retrying = retry is not None and retry < due
        wake = retry if retry is not None and retrying else due
        log.info(
            "next scheduled %s at %s", "reminder retry" if retrying else "reminder run", wake.isoformat()
        )
        if stop.wait(max(0.0, (wake - datetime.now(UTC)).total_seconds())):
            return
        if retrying:
            retry = retry_scheduled_reminders(settings)
        else:
            retry = run_scheduled_reminders(settings)
            due = _next_time(schedule_text, settings)


def start_scheduler(settings: Settings) -> threading.Event:
    """Start each configured schedule in a daemon thread; set the returned event to stop them."""
    stop = threading.Event()
    if settings.import_schedule:
        imports = (settings.import_schedule, run_scheduled_import, "UHRI import", settings, stop)
        threading.Thread(target=_loop, args=imports, name="nrtd-scheduler", daemon=True).start()
    if settings.notify_schedule:
        reminders = (settings.notify_schedule, settings, stop)
        threading.Thread(target=_reminder_loop, args=reminders, name="nrtd-reminders", daemon=True).start()
    return stop


# --- the staff workspace's imports ---------------------------------------------------------


# The command's refusal names its options (--country, --all-countries), which a page has none of.
_NO_STATE_TO_UPLOAD = _(
    "this server tracks no State (NRTD_COUNTRY is empty), and UHRI and UPR Info files are imported "
    "for the State it tracks: an administrator sets NRTD_COUNTRY in the server's settings first. The "
    "template of manual recommendations (CSV or Excel) can be imported meanwhile"
)


def import_upload(settings: Settings, kind: UploadKind, path: Path) -> UploadedRun:
    """An uploaded file through the import its ``nrtd import`` command runs (same lock, same one
    transaction), for the State of NRTD_COUNTRY (the template: every row, as the CLI does). The run
    has an engine of its own, as the CLI's and the schedule's do (their lock waits, not a request's).
    A file the import refuses as a whole (not of its kind, empty, unreadable, no record) is recorded
    as a failed run with the reason, as the command records it: the runs list keeps what was tried."""
    from importers.csv_runs import import_csv_template, import_upr_info
    from importers.run import import_uhri

    if kind != "csv-template" and not settings.country.strip():
        raise ImportFailed(_NO_STATE_TO_UPLOAD)
    engine = make_engine(settings.database_url, command_limits(settings))
    shown = path.name  # the name the file was sent with: its temporary copy is gone after the run
    try:
        if kind == "uhri-xlsx":
            summary = import_uhri(engine, settings, str(path), shown_as=shown)
        elif kind == "upr-info-csv":
            summary = import_upr_info(engine, settings, path, shown_as=shown)
        else:
            summary = import_csv_template(engine, settings, path, shown_as=shown)
    finally:
        engine.dispose()
    log.info("uploaded import: %s", summary.line())
    return UploadedRun(
        summary.run_id,
        summary.outcome,
        summary.message,
        summary.counts.rejected,
        # Failed before a record was read: the file itself was refused.
        refused=summary.outcome == "failed" and summary.counts.read == 0,
        kept=summary.counts.created + summary.counts.updated + summary.counts.unchanged,
    )


# The import the Imports page started last in this process: until it has taken the import lock (its
# download starting), the lock does not show it, and a second click would start another, which only
# logged that it skipped while the page said "started" twice.
_started_now: threading.Thread | None = None
_starting_now = threading.Lock()


def start_scheduled_import_now(engine: Engine, settings: Settings) -> None:
    """The scheduled UHRI import, started now in a background thread (what ``run_scheduled_import``
    does on the schedule). Refused at once when an import runs (the one this page started, too) or
    no State is configured; should another import take the lock in between, the thread logs that it
    skipped, as the schedule does."""
    global _started_now
    from app.import_runs.lock import import_running
    from importers.scope import check_languages, scope_country

    scope_country(settings, None, False)
    check_languages(settings)
    with _starting_now:
        if _started_now is not None and _started_now.is_alive():
            raise ImportLocked(
                _(
                    "the UHRI import started from this page is still running: it is listed here when it "
                    "has finished (reload the page)"
                )
            )
        if import_running(engine):
            raise ImportLocked(_("another import is running: start this one when it has finished"))
        _started_now = threading.Thread(
            target=run_scheduled_import, args=(settings,), name="nrtd-import-now", daemon=True
        )
        _started_now.start()


def import_runners() -> ImportRunners:
    """The staff workspace's entry points to the imports (app.main puts them on app.state)."""
    return ImportRunners(upload=import_upload, start_scheduled=start_scheduled_import_now)
