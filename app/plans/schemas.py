"""Types shared by the plans schemas: dates, numbers, texts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints
from pydantic_core import PydanticCustomError

from app.core.dates import EnteredDate
from app.core.ids import RowIdValue
from app.feed.fields import visible

# 32-bit ids, as the schema stores them (a larger one would overflow PostgreSQL's integer), never a boolean.
RefId = RowIdValue


def _one_line(value: str) -> str:
    """A title is one line: the calendar, the digests and the lists show it as one item. Every line
    break counts (``str.splitlines``'s): a vertical tab (a line break pasted from Word), a form feed,
    NEL, the Unicode line and paragraph separators, as well as a line feed or a carriage return."""
    if len(value.splitlines()) > 1 or "\n" in value or "\r" in value:
        raise PydanticCustomError("one_line", "Input should be one line, without a line break")
    return value


def _seen(value: str) -> str:
    """A required text made only of characters nobody sees (a zero-width space, a byte order mark, a
    direction mark, a soft hyphen: ``visible``, as names are compared) and spaces is empty, refused as
    one (the same error, so that a form says the field is required): it would be invisible in a list."""
    if not visible(value).strip():
        raise PydanticCustomError(
            "string_too_short", "String should have at least {min_length} character", {"min_length": 1}
        )
    return value


# Texts: whitespace stripped; required ones may not be blank (nor invisible).
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(_one_line),
    AfterValidator(_seen),
]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20000)]
RequiredLongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000), AfterValidator(_seen)
]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


def decimal_number(value: Decimal) -> float:
    """A stored decimal as a JSON number, the same on both databases.

    PostgreSQL returns ``Decimal('1.5000')`` and SQLite a value rebuilt from a float; both
    become the number 1.5, so a client sees one value whatever the backend.
    """
    return float(value.normalize())


# A decimal in a response: a JSON number.
Number = Annotated[Decimal, PlainSerializer(decimal_number, return_type=float)]
# A measured, baseline or target value in a request: what the Numeric(20, 4) columns hold.
MeasuredValue = Annotated[Decimal, Field(max_digits=20, decimal_places=4)]


class Forbid(BaseModel):
    """Input bodies refuse unknown fields: no mass assignment."""

    model_config = ConfigDict(extra="forbid")


class Measure(Forbid):
    """A value on a date (an indicator's baseline or target)."""

    value: MeasuredValue = Field(description="A number: at most 16 digits before the point and 4 after")
    date: EnteredDate | None = Field(None, description="YYYY-MM-DD")


class MeasureOut(BaseModel):
    value: Number
    date: dt.date | None


class NotPublicParent(BaseModel):
    """A parent that keeps an object from the public (see docs/publishing.md)."""

    kind: Literal["action", "progress_update"]
    id: int
    title: str = Field(description="The action's title; a progress update's date and the start of its text")
    reason: str = Field(description='Why it is not public: "not published", "not approved", ...')
