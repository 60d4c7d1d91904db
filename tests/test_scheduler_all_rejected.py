"""A scheduled import every record of which was rejected stored nothing, yet was logged at INFO as any
good night's run: with NRTD_LOG_LEVEL=WARNING (no access log) nobody saw that the import had stopped
importing. It is now a warning saying nothing was imported, as ``nrtd import`` exits 3 for it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine

from app.core.config import Settings
from app.scheduler import run_scheduled_import
from tests.fake_uhri import FakeUhri
from tests.test_scheduler import caplog_info, scheduled_settings, scheduler_messages, server
from tests.uhri_records import uhri_record, write_export

__all__ = ["caplog_info", "scheduled_settings", "server"]  # the fixtures, used by name


@pytest.mark.slow
def test_a_scheduled_import_that_rejected_every_record_is_a_warning(
    engine: Engine,
    scheduled_settings: Settings,
    server: FakeUhri,
    caplog_info: pytest.LogCaptureFixture,
) -> None:
    write_export(server.directory / "export-full-en.json", [uhri_record(n, Text="<p></p>") for n in (1, 2)])

    run_scheduled_import(scheduled_settings)

    (message,) = scheduler_messages(caplog_info)
    assert message[0] == logging.WARNING
    assert "succeeded: read 2," in message[1]
    assert message[1].endswith("; nothing was imported: every record read was rejected")
