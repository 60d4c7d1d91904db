"""The built-in schedule: ``nrtd serve`` runs the UHRI import on NRTD_IMPORT_SCHEDULE (cron).

Every replica may run it; the import lock lets one of them import and the others skip.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from croniter import croniter

from app.core.config import Settings
from app.core.db import make_engine
from app.core.errors import DomainError

log = logging.getLogger("nrtd.scheduler")


def run_scheduled_import(settings: Settings) -> None:
    from importers.run import import_uhri

    engine = make_engine(settings.database_url)
    try:
        summary = import_uhri(engine, settings)
        log.info("scheduled import: %s", summary.line())
    except DomainError as exc:
        log.warning("scheduled import skipped: %s", exc.detail)
    except Exception:
        log.exception("scheduled import crashed")
    finally:
        engine.dispose()


def _loop(settings: Settings, stop: threading.Event) -> None:
    schedule = croniter(settings.import_schedule, datetime.now(UTC))
    while not stop.is_set():
        due: datetime = schedule.get_next(datetime)
        log.info("next scheduled UHRI import at %s", due.isoformat())
        if stop.wait(max(0.0, (due - datetime.now(UTC)).total_seconds())):
            return
        run_scheduled_import(settings)


def start_scheduler(settings: Settings) -> threading.Event:
    """Start the schedule in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=_loop, args=(settings, stop), name="nrtd-scheduler", daemon=True).start()
    return stop
