"""Dates in requests: a real calendar date written YYYY-MM-DD, nothing laxer, and not in the future."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from app.core.catalogue import marked as _
from app.core.errors import InvalidInput

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: Any) -> Any:
    # Pydantic's lax dates also take a number (a Unix time) or a midnight timestamp: refuse them.
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        # Pydantic's own type for a date it cannot read: the workspace's forms say it in the page's
        # language (app.staff.forms), the API in these words.
        raise PydanticCustomError("date_parsing", "must be a date written YYYY-MM-DD")
    return value


# 2025-02-30 is refused too (pydantic checks the calendar once the shape is right).
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def not_in_future(day: dt.date, field: str) -> None:
    """Refuse a report or measurement dated in the future.

    A day of slack: "today" in a time zone ahead of UTC (up to +14 h) is tomorrow in UTC.
    """
    if day > utc_today() + dt.timedelta(days=1):
        raise InvalidInput(
            f"{field}: {day.isoformat()} is in the future",
            errors=[{"field": field, "reason": _("in the future")}],
        )
