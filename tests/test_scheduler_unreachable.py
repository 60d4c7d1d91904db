"""A scheduled run (app/scheduler.py) whose database cannot be reached: one line naming it, as the
nrtd commands print it, not a traceback at every run."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from app.core.config import Settings
from app.health.service import head_revision
from app.scheduler import retry_scheduled_reminders, run_scheduled_import, run_scheduled_reminders


@pytest.fixture
def caplog_info(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="nrtd.scheduler")
    return caplog


def _scheduled(database_url: str, tmp_path: Path) -> Settings:
    """An instance whose scheduled imports and reminders run, on ``database_url``."""
    return Settings(
        database_url=database_url,
        country="Peru",
        smtp_host="127.0.0.1",
        smtp_from="nrtd@example.gov",
        base_url="https://nrtd.example.gov",
        storage_dir=str(tmp_path / "storage"),
    )


def test_a_scheduled_run_that_cannot_reach_the_database_is_one_line(
    tmp_path: Path, caplog_info: pytest.LogCaptureFixture
) -> None:
    # The database down (or dropped, or its password changed) at 03:00: each scheduled run logged
    # "scheduled import crashed" / "reminders crashed" and a traceback of a hundred lines, where the
    # README promises one line naming the database, as every nrtd command prints it.
    settings = _scheduled("postgresql://nrtd:s3cret@127.0.0.1:1/nrtd", tmp_path)
    run_scheduled_import(settings)
    run_scheduled_reminders(settings)
    retry_scheduled_reminders(settings)
    records = [r for r in caplog_info.records if r.name == "nrtd.scheduler"]
    assert [r.getMessage().split(": NRTD_DATABASE_URL=")[0] for r in records] == [
        "scheduled import failed",
        "reminders failed",
        "reminder retries failed",
    ]
    for record in records:
        message = record.getMessage()
        assert record.levelno == logging.ERROR and record.exc_info is None, message
        assert "\n" not in message and "s3cret" not in message
        assert "NRTD_DATABASE_URL=postgresql://nrtd:***@127.0.0.1:1/nrtd: cannot connect: " in message
        assert message.endswith("; tried again at the next scheduled time"), message
    # Where the database is an SQLite file whose folder is gone (a volume not mounted): the same.
    caplog_info.clear()
    run_scheduled_import(settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/gone/nrtd.db"}))
    [record] = [r for r in caplog_info.records if r.name == "nrtd.scheduler"]
    assert record.exc_info is None and "cannot connect: unable to open database file" in record.getMessage()


def test_a_scheduled_run_on_a_schema_of_an_older_release_says_to_migrate(
    tmp_path: Path, caplog_info: pytest.LogCaptureFixture
) -> None:
    # Replicas of a new release started before `nrtd migrate` ran: each run logged a traceback of
    # "no such table" (or, for a moment, named a missing column as a connection failure).
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('0012')")
    conn.close()
    settings = _scheduled(f"sqlite:///{path}", tmp_path)
    run_scheduled_reminders(settings)
    run_scheduled_import(settings)
    records = [r for r in caplog_info.records if r.name == "nrtd.scheduler"]
    head = head_revision()
    assert [(r.levelno, r.exc_info, r.getMessage()) for r in records] == [
        (
            logging.ERROR,
            None,
            f"{what} failed: the database schema is at 0012, this release needs {head}: run nrtd migrate; "
            "tried again at the next scheduled time",
        )
        for what in ("reminders", "scheduled import")
    ]
