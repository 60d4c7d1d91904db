"""Dates in requests: a real calendar date written YYYY-MM-DD, nothing laxer, not in the future, and
a range's end not before its start."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ValidationInfo
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
            errors=[{"field": field, "reason": _("must not be in the future")}],
        )


def ends_range(start: str, *, named: str | None = None) -> AfterValidator:
    """The end of a range of dates or times (``to``, ``until``, ``due_before``...): refused when it is
    before the range's start, the field ``start`` of the same model (declared before this one, so that
    it is validated first; ``named``: the start's name in a request, when it has an alias). A reversed
    range selected nothing, which read as "nothing then". Every list, export, report and page that takes
    a range says so with this one rule: the end named, with the start it must follow."""
    shown = named or start

    def check(value: Any, info: ValidationInfo) -> Any:
        first = info.data.get(start)
        if value is not None and first is not None and value < first:
            # A type of its own: the workspace's forms say it in the page's language (app.staff.forms).
            raise PydanticCustomError(
                "date_range",
                "must be on or after `{start}` ({first})",
                {"start": shown, "first": first.isoformat()},
            )
        return value

    return AfterValidator(check)
