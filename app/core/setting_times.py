"""The checks of the settings that say when: the schedules (cron expressions) and the time zone they
are read in (``app.core.config.Settings`` calls them, as it calls ``app.core.setting_checks``): each
returns the value as kept, or raises ValueError with what is wrong and what to give instead."""

from __future__ import annotations

import re
from collections.abc import Callable


def cron(value: str) -> str:
    value = value.strip()
    if not value:
        return value
    from croniter import CroniterBadDateError, croniter  # ~20 ms: loaded only when a schedule is set

    fields = len(value.split())
    if not value.startswith("@") and fields != 5:
        # croniter reads a sixth field as seconds and a seventh as the year: "0 0 3 * * *" (seconds
        # first, as some schedulers write it) would run on the 3rd of every month, once a second
        # for a minute.
        raise ValueError(
            f"not a cron expression of five fields (minute hour day-of-month month day-of-week, e.g. "
            f"0 3 * * * for 03:00 every day, in NRTD_TIME_ZONE): {value!r} has {fields}"
        )
    if not croniter.is_valid(value):
        raise ValueError(f"not a valid cron expression: {value!r}{_cron_fault(value, croniter.is_valid)}")
    try:
        croniter(value).get_next(float)
    except CroniterBadDateError:  # e.g. 30 February: the scheduler's thread would die on it
        raise ValueError(f"no date ever matches the cron expression {value!r}") from None
    return value


# The five fields of a cron expression, and what each takes.
_CRON_FIELDS = (
    ("minute", "0-59"),
    ("hour", "0-23"),
    ("day of the month", "1-31"),
    ("month", "1-12 or JAN-DEC"),
    ("day of the week", "0-7 (0 and 7: Sunday) or SUN-SAT"),
)


def _cron_fault(value: str, valid: Callable[[str], bool]) -> str:
    """Which field of an invalid expression is wrong, and what it takes ("0 25 * * *": the hour)."""
    if value.startswith("@"):
        return ": the names are @hourly, @daily (or @midnight), @weekly, @monthly and @yearly (or @annually)"
    parts = value.split()
    for index, (name, takes) in enumerate(_CRON_FIELDS):
        alone = ["*"] * 5
        alone[index] = parts[index]
        if not valid(" ".join(alone)):
            return f": its {name}, {parts[index]!r}, is not {takes}"
    return ""


# An offset written as one says it ("GMT-5", "UTC+05:00"): the time zone database's fixed-offset names
# count the other way round (Etc/GMT+5 is UTC-5, POSIX's sign), so the closest spelling, Etc/GMT-5,
# would put the instance ten hours off.
_OFFSET = re.compile(r"(?:utc|gmt)_*([+\-\u2212])_*(\d{1,2})(?::?00)?")


# Files the zone database's folder holds beside the zones, which open as one but are no zone's name: the
# server's own zone ("localtime": whatever the host is set to) and the "posix/" and "right/" copies
# ("right/" counts leap seconds). The feeds give the name to calendar programs (X-WR-TIMEZONE), which
# know none of these.
_NOT_ZONES = ("localtime", "posixrules")
_COPIES = ("posix/", "right/")


def _offset_hint(offset: re.Match[str], known: set[str]) -> str:
    ahead, hours = offset.group(1) == "+", int(offset.group(2))
    name = f"Etc/GMT{'-' if ahead else '+'}{hours}" if hours else "UTC"
    if name not in known:
        return ""
    return (
        f" (did you mean {name}, which is UTC{'+' if ahead else '-'}{hours}?)"
        if hours
        else " (did you mean UTC?)"
    )


def time_zone(value: str) -> str:
    """An IANA time zone name (America/Lima, Europe/Paris, UTC), as the system's or the tzdata
    package's database knows it."""
    import difflib
    import zoneinfo

    name = value.strip()
    try:
        if not name:
            raise ValueError("empty")
        zoneinfo.ZoneInfo(name)
        if name.lower() in _NOT_ZONES or name.lower().startswith(_COPIES):
            raise ValueError("a file of the database's folder, not a zone's name")
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        known = zoneinfo.available_timezones() - set(_NOT_ZONES)
        by_lower = {known_name.lower(): known_name for known_name in known}
        wanted = name.lower().replace(" ", "_").removeprefix("posix/").removeprefix("right/")
        # "america/lima" is America/Lima, "Lima" a city's zone; else the closest spellings.
        close = [by_lower[wanted]] if wanted in by_lower else []
        close = close or sorted(
            known_name for known_name in known if known_name.lower().endswith("/" + wanted)
        )
        close = close or [
            by_lower[match] for match in difflib.get_close_matches(wanted, by_lower, n=3, cutoff=0.6)
        ]
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        if (offset := _OFFSET.fullmatch(wanted)) is not None:
            hint = _offset_hint(offset, known)  # never the closest spelling: its sign is the reverse
        raise ValueError(
            f"{value!r} is not a time zone{hint}: give an IANA name, such as America/Lima, Europe/Paris "
            "or UTC"
        ) from None
    return name
