"""Timestamps leave the API in UTC with an explicit offset, whatever the database returned.

SQLite hands back ``DateTime(timezone=True)`` columns as naive values (written in UTC);
PostgreSQL returns them aware. Responses must not depend on the backend.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from app.core.catalogue import marked as _


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_or_none(value: datetime | None) -> datetime | None:
    """``as_utc`` for a time that may be missing: what a response model's ``UtcDateTime`` makes of
    it, for the values a list page serialises without validating (``recommendations.service``)."""
    return None if value is None else as_utc(value)


def _in_utc(value: datetime) -> datetime:
    """``as_utc`` for input: a time that falls outside the calendar once in UTC (0001-01-01T00:00+05:00)
    is invalid input, named with its field, not an overflow."""
    try:
        return as_utc(value)
    except OverflowError:
        raise ValueError(_("is out of range once converted to UTC")) from None


UtcDateTime = Annotated[datetime, AfterValidator(_in_utc)]


_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_the_iso_way(expected: str) -> Callable[[Any], Any]:
    """Pydantic's lax datetimes also take a number, as a Unix time: `since=0` was 1970-01-01, an API
    key's `"expires_at": 1800000000` a day of 2027. A time in a request starts with its date, as the
    date filters are written (app.core.dates.IsoDate); anything else is refused saying ``expected``."""

    def check(value: Any) -> Any:
        if isinstance(value, datetime):
            return value
        if not isinstance(value, str) or not _ISO_START.match(value):
            raise PydanticCustomError("datetime_parsing", expected)
        return value

    return check


_ZONE = "UTC, unless an offset such as +02:00 follows"

# A time a request gives (a filter's bound), read as UtcDateTime once written the ISO way.
IsoDateTime = Annotated[
    datetime,
    BeforeValidator(_written_the_iso_way(f"must be a date and time written YYYY-MM-DDTHH:MM:SS ({_ZONE})")),
    AfterValidator(_in_utc),
]
# The same where a date alone is enough (its midnight in UTC): an expiry.
IsoDayOrTime = Annotated[
    datetime,
    BeforeValidator(
        _written_the_iso_way(
            f"must be a string: a date written YYYY-MM-DD or a date and time YYYY-MM-DDTHH:MM:SS ({_ZONE})"
        )
    ),
    AfterValidator(_in_utc),
]
