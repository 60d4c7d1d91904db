"""The instance's time zone (``NRTD_TIME_ZONE``, an IANA name, UTC by default): what "today" is for
deadlines, overdue items, the reminder digests' days and the times the pages show. Stored timestamps
stay in UTC; only the reading of a day, and the writing of a time for a person, use it.

A server's requests read their app's zone (``TimeZoneMiddleware``, per request: the tests run apps of
several settings in one process); a command sets the process's at its start (``set_process_zone``);
a run in a thread of its own (the reminders in ``nrtd serve``) holds its settings' zone while it runs
(``in_zone``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

UTC_NAME = "UTC"

_process_zone: list[ZoneInfo] = [ZoneInfo(UTC_NAME)]
_zone: ContextVar[ZoneInfo | None] = ContextVar("nrtd_time_zone", default=None)


@lru_cache
def zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def instance_zone() -> ZoneInfo:
    return _zone.get() or _process_zone[0]


def set_process_zone(name: str) -> None:
    """The zone of a command's whole process (and of threads it starts, which do not inherit a
    context variable)."""
    _process_zone[0] = zone_named(name)


@contextmanager
def in_zone(name: str) -> Iterator[None]:
    token = _zone.set(zone_named(name))
    try:
        yield
    finally:
        _zone.reset(token)


def local_today() -> dt.date:
    """Today where the instance is: in Lima (UTC-5) a deadline of the 7th is not overdue at 19:00 on
    the 7th, which is already the 8th in UTC."""
    return dt.datetime.now(instance_zone()).date()


def local_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` (aware, or naive in UTC as SQLite hands it back) in the instance's zone."""
    aware = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    return aware.astimezone(instance_zone())


def local_day(moment: dt.datetime) -> dt.date:
    """The day ``moment`` falls on in the instance's zone."""
    return local_time(moment).date()


def day_start(day: dt.date) -> dt.datetime:
    """When ``day`` begins in the instance's zone, in UTC (what stored timestamps compare with)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=instance_zone()).astimezone(dt.UTC)


class TimeZoneMiddleware:
    """Each request reads days and writes times in ``zone`` (its app's ``NRTD_TIME_ZONE``). A context
    variable, which the threads Starlette runs a request's sync code in inherit."""

    def __init__(self, app: Any, zone: str) -> None:
        self.app = app
        self.zone = zone_named(zone)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        token = _zone.set(self.zone)
        try:
            await self.app(scope, receive, send)
        finally:
            _zone.reset(token)
