"""Timestamps leave the API in UTC with an explicit offset, whatever the database returned.

SQLite hands back ``DateTime(timezone=True)`` columns as naive values (written in UTC);
PostgreSQL returns them aware. Responses must not depend on the backend.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
