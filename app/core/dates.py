"""Dates in requests: a real calendar date written YYYY-MM-DD, nothing laxer."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: Any) -> Any:
    # Pydantic's lax dates also take a number (a Unix time) or a midnight timestamp: refuse them.
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


# 2025-02-30 is refused too (pydantic checks the calendar once the shape is right).
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]
