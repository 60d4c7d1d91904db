"""The times of `nrtd serve`'s log lines are UTC, as the README and docs/deployment.md say, whatever
the server's own time zone: on a server set to its country's zone they were local times, without an
offset, beside the UTC times the lines themselves name (the scheduler's next run, a retry's time)."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import pytest

from app.cli.common import log_formatter


def test_log_lines_are_stamped_in_utc_on_a_server_set_to_another_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "America/Lima")
    time.tzset()
    try:
        record = logging.LogRecord("nrtd.access", logging.INFO, __file__, 1, "a request", None, None)
        record.created = datetime(2026, 12, 4, 20, 34, 59, 281000, tzinfo=UTC).timestamp()
        record.msecs = 281.0
        assert log_formatter().format(record) == "2026-12-04 20:34:59,281 INFO nrtd.access: a request"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_uvicorns_own_lines_are_not_named_error() -> None:
    # uvicorn logs its start and stop under the logger "uvicorn.error": "INFO uvicorn.error: Started
    # server process" matched every alert on "error" in the log at each start.
    record = logging.LogRecord(
        "uvicorn.error", logging.INFO, __file__, 1, "Started server process", None, None
    )
    assert log_formatter().format(record).endswith(" INFO uvicorn: Started server process")
    failed = logging.LogRecord(
        "uvicorn.error", logging.ERROR, __file__, 1, "Exception in ASGI app", None, None
    )
    assert log_formatter().format(failed).endswith(" ERROR uvicorn: Exception in ASGI app")
    assert record.name == "uvicorn.error"  # the record itself is left as it is, for other handlers
