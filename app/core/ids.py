"""Row ids in request bodies and in addresses, and the list of ids a bulk request acts on."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from app.core.catalogue import marked as _

MAX_ID = 2**31 - 1  # ids are 32-bit integers in the schema
MAX_BULK_IDS = 1000


def not_a_boolean(value: Any) -> Any:
    """pydantic's lax mode reads ``true`` as the integer 1: ``{"ids": [true]}`` would name
    recommendation 1, ``"lead_entity_id": true`` entity 1, ``"upr_session": true`` session 1. A
    numeric string stays welcome. For every integer of a request body."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "int_type", "Input should be a valid integer, not a boolean (true or false)"
        )
    return value


# The error of an address's id that reads as a row's id but is not how its address writes it; the API
# answers it as an id that names nothing (app.core.problems), the pages as a page not found.
NOT_ITS_ADDRESS = "id_not_its_address"
_AN_INT = TypeAdapter(int)


def decimal_digits(value: Any) -> Any:
    """A row id in an address as the address writes it: decimal digits, no sign, leading zero, point
    or space. ``/actions/01``, ``/actions/+1``, ``/actions/1.0`` were read as 1 by pydantic's lax
    mode (and answered with action 1): not the row's address, so they name no row. What does not
    read as a row's id at all (``abc``, ``1.5``, ``0``) is left to be refused as invalid input."""
    if not isinstance(value, str) or (value.isascii() and value.isdigit() and not value.startswith("0")):
        return value
    try:
        number = _AN_INT.validate_python(value)
    except ValidationError:
        return value
    if 1 <= number <= MAX_ID:
        raise PydanticCustomError(NOT_ITS_ADDRESS, "Input should be the id in its decimal digits")
    return value


# A row id in a request body (a query's values are strings, never booleans).
RowIdValue = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(not_a_boolean)]


class IdList(BaseModel):
    """Recommendation ids for a bulk request: 1 to 1000, each at most once."""

    model_config = ConfigDict(extra="forbid")

    ids: list[RowIdValue] = Field(
        min_length=1, max_length=MAX_BULK_IDS, description="Recommendation ids, each at most once"
    )

    @field_validator("ids")
    @classmethod
    def _unique(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError(_("ids must be unique"))
        return value
