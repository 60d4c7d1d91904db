"""Dates in requests: a real calendar date written YYYY-MM-DD, nothing laxer, not in the future, and
a range's end not before its start; a date a person records (``EnteredDate``) within the years a
national plan can speak of."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.core.time_zone import local_today

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


# The years a recorded date may fall in: 1945 (the United Nations' Charter, before which no
# recommendation, plan or report this database tracks was written) to 2100 (far beyond any plan's
# horizon: the SDGs end in 2030, the longest national strategies run to 2050-2063). A typo of the year
# (0202-05-01, 20255-05-01, 2205-05-01) falls outside and is refused instead of being stored.
EARLIEST_DAY = dt.date(1945, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)


def _plausible(value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
        # A type of its own: the workspace's forms say it in the page's language (app.staff.forms).
        raise PydanticCustomError(
            "date_out_of_range",
            "must be between {earliest} and {latest}",
            {"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
        )
    return value


# A date a person records (an action's start or due date, a value's, an update's, a deadline's...):
# an IsoDate between EARLIEST_DAY and LATEST_DAY. Filters keep IsoDate: a search asks, it stores nothing.
EnteredDate = Annotated[dt.date, BeforeValidator(_iso_date_text), AfterValidator(_plausible)]


def not_in_future(day: dt.date, field: str) -> None:
    """Refuse a report or measurement dated in the future.

    A day of slack: "today" for a person in a time zone ahead of the instance's (``NRTD_TIME_ZONE``)
    may be its tomorrow.
    """
    if day > local_today() + dt.timedelta(days=1):
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
