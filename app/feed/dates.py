"""The checks every reader applies to a source's dates and times, and the advice given for a date
a spreadsheet wrote in its own way.

A value that cannot be stored is a ``RecordError`` naming the field: the record is rejected and the
run goes on.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime, timedelta

from app.feed import refusals
from app.feed.records import RecordError

# The first day of year 1: what a .NET export (DateTime.MinValue) writes for a date it does not have.
_NO_DATE = date(1, 1, 1)


def parse_date(value: object, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return None if value == _NO_DATE else value
    if not isinstance(value, str):
        raise RecordError(refusals.refusal(refusals.NOT_A_DATE, field=field, type=type(value).__name__))
    try:
        parsed = datetime.fromisoformat(value.strip()).date()
        return None if parsed == _NO_DATE else parsed
    except ValueError:
        raise RecordError(
            refusals.refusal(refusals.NOT_AN_ISO_DATE, field=field, value=repr(value[:40]))
        ) from None


def parse_datetime(value: object, field: str) -> datetime | None:
    """A time as stored: in UTC without an offset. UHRI gives its times without one (read as UTC);
    a time with an offset is converted, so that every database stores the same instant (the API
    adds the offset back: app.core.timestamps)."""
    if value in (None, ""):
        return None
    if not isinstance(value, datetime | str):
        raise RecordError(refusals.refusal(refusals.NOT_A_DATE_TIME, field=field, type=type(value).__name__))
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise RecordError(
                refusals.refusal(refusals.NOT_AN_ISO_DATE_TIME, field=field, value=repr(value[:40]))
            ) from None
    else:
        parsed = value
    if parsed.date() == _NO_DATE and parsed.tzinfo is None:
        return None  # the placeholder of no date (parse_date)
    return parsed if parsed.tzinfo is None else parsed.astimezone(UTC).replace(tzinfo=None)


# What a spreadsheet writes of a date cell in its locale (10/05/2023, 10.05.2023, 5-10-2023, a time
# after it), and the number Excel keeps a date as (days since 1899-12-30; 20000-80000: 1954-2119).
_LOCALE_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T][\d:.]*)?$")
_EXCEL_NUMBER = re.compile(r"^[2-7]\d{4}$")
_EXCEL_DAY_ZERO = date(1899, 12, 30)
_MONTHS = ("", *refusals.MONTHS)


def spreadsheet_date_advice(value: str) -> str:
    """What a spreadsheet made of the date ``value`` and what to type instead; "" when it is no date
    a spreadsheet writes."""
    if _EXCEL_NUMBER.match(value):
        meant = (_EXCEL_DAY_ZERO + timedelta(days=int(value))).isoformat()
        return refusals.refusal(refusals.EXCEL_DATE_NUMBER, date=meant)
    match = _LOCALE_DATE.match(value)
    if not match:
        return ""
    first, second, year = (int(part) for part in match.groups())
    readings: list[date] = []
    for day, month in ((first, second), (second, first)):  # day first (most locales), month first (US)
        with contextlib.suppress(ValueError):
            if (candidate := date(year, month, day)) not in readings:
                readings.append(candidate)
    if not readings:
        return ""
    if len(readings) == 1:
        return refusals.refusal(refusals.DATE_OWN_WAY, dates=readings[0].isoformat())
    day_first, month_first = readings
    typed = refusals.refusal(
        refusals.TWO_DATES, first_date=day_first.isoformat(), second_date=month_first.isoformat()
    )
    which = refusals.refusal(
        refusals.WHICH_DATE,
        day=day_first.day,
        month=_MONTHS[day_first.month],
        other_month=_MONTHS[month_first.month],
        other_day=month_first.day,
    )
    return refusals.refusal(refusals.DATE_OWN_WAY_WHICH, which=which, dates=typed)
