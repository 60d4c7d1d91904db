"""A feed's time is stored in UTC without an offset, whichever way the source writes it."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.feed.dates import parse_datetime
from app.feed.records import RecordError

FIELD = "PublicationDateOnUhri"


def test_uhri_times_are_read_as_utc_and_offsets_converted() -> None:
    as_uhri_gives_it = datetime(2025, 3, 3, 10, 53, 45, 827000)
    assert parse_datetime("2025-03-03T10:53:45.827", FIELD) == as_uhri_gives_it
    assert parse_datetime("2025-03-03T12:53:45.827+02:00", FIELD) == as_uhri_gives_it
    assert parse_datetime("2025-03-03T10:53:45.827Z", FIELD) == as_uhri_gives_it
    assert parse_datetime(as_uhri_gives_it, FIELD) == as_uhri_gives_it
    assert parse_datetime("", FIELD) is None
    with pytest.raises(RecordError, match="not an ISO date-time"):
        parse_datetime("3 March 2025", FIELD)
    with pytest.raises(RecordError, match="expected a date-time"):
        parse_datetime(20250303, FIELD)
