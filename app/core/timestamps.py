"""Timestamps leave the API in UTC with an explicit offset, whatever the database returned.

SQLite hands back ``DateTime(timezone=True)`` columns as naive values (written in UTC);
PostgreSQL returns them aware. Responses must not depend on the backend.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator

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
