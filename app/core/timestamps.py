"""Timestamps leave the API in UTC with an explicit offset, whatever the database returned.

SQLite hands back ``DateTime(timezone=True)`` columns as naive values (written in UTC);
PostgreSQL returns them aware. Responses must not depend on the backend.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from app.core.catalogue import marked as _


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _in_utc(value: datetime) -> datetime:
    """``as_utc`` for input: a time that falls outside the calendar once in UTC (0001-01-01T00:00+05:00)
    is invalid input, named with its field, not an overflow."""
    try:
        return as_utc(value)
    except OverflowError:
        raise ValueError(_("is out of range once converted to UTC")) from None


UtcDateTime = Annotated[datetime, AfterValidator(_in_utc)]


_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_time_text(value: Any) -> Any:
    # Pydantic's lax datetimes also take a number, as a Unix time: `since=0` was 1970-01-01. A time in a
    # request starts with its date, as the date filters are written (app.core.dates.IsoDate).
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_START.match(value):
        raise PydanticCustomError(
            "datetime_parsing",
            "must be a date and time written YYYY-MM-DDTHH:MM:SS (UTC, unless an offset such as +02:00 "
            "follows)",
        )
    return value


# A time a request gives (a filter's bound), read as UtcDateTime once written the ISO way.
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_time_text), AfterValidator(_in_utc)]
