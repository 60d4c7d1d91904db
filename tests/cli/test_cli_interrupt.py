"""Ctrl-C while ``nrtd`` closes its database connections at the end of a command."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select, text

import app.cli as cli_module
from app.core import db as core_db
from app.models import ImportRun, Recommendation
from tests.cli_runner import nrtd_process, run_cli, unstamped
from tests.fake_uhri import fake_uhri
from tests.uhri_records import uhri_record, write_export


class _SlowToClose:
    """An engine whose closing takes a moment, during which the operator presses Ctrl-C."""

    closed = False

    def dispose(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the signal is handled here, in the middle of the close
        self.closed = True


class _Cached:
    def __init__(self, engine: _SlowToClose) -> None:
        self.engine = engine

    def __call__(self) -> _SlowToClose:
        return self.engine

    def cache_info(self) -> Any:
        return type("Info", (), {"currsize": 1})()


def test_ctrl_c_while_the_connections_close_lets_them_close(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: the KeyboardInterrupt came out of SQLite's last close (which writes its log back into
    # the file), and the pool printed "Exception closing connection ... Traceback ... KeyboardInterrupt"
    # after "upgraded 21 revisions": the operator saw a traceback of a command that had succeeded.
    engine = _SlowToClose()
    monkeypatch.setattr(core_db, "get_engine", _Cached(engine))

    def finished() -> None:
        raise SystemExit(0)

    monkeypatch.setattr(cli_module, "cli", finished)
    with pytest.raises(SystemExit) as leaving:
        cli_module.main()
    assert leaving.value.code == 0
    assert engine.closed
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C works again after


def test_an_interrupted_migration_says_where_the_schema_stayed(
    own_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: Ctrl-C in the middle of `nrtd migrate` ended it without a word (exit 130); on SQLite
    # the revisions before the one interrupted are kept, and nothing said which or what to do.
    from alembic import command

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade = command.upgrade

    def interrupted(config: Any, revision: str, **kwargs: Any) -> None:
        upgrade(config, "0010", **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "upgrade", interrupted)
    result = run_cli(["migrate"], env={"NRTD_DATABASE_URL": url})
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip().splitlines() == [
        "interrupted: the schema stays at 0010 (the revisions up to it are kept); run nrtd migrate again "
        "to finish"
    ]
    monkeypatch.setattr(command, "upgrade", upgrade)
    again = run_cli(["migrate"], env={"NRTD_DATABASE_URL": url})
    assert again.returncode == 0 and "from 0010 to" in again.stderr, again.stderr


def test_a_first_migration_interrupted_says_the_database_stays_empty(
    empty_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: Ctrl-C during the first `nrtd migrate` of a new database (on PostgreSQL at any point of
    # it: the migrations run in one transaction) said "the schema stays unread (the database did not
    # answer)", though the database had answered: it only had no alembic_version table yet.
    from alembic import command

    def interrupted(config: Any, revision: str, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "upgrade", interrupted)
    result = run_cli(["migrate"], env={"NRTD_DATABASE_URL": empty_database})
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip().splitlines() == [
        "interrupted: the schema stays empty; run nrtd migrate again to finish"
    ]


@pytest.mark.slow
def test_ctrl_c_in_the_middle_of_a_first_migration(empty_database: str) -> None:
    """A real Ctrl-C: the process waits to create alembic_version, which another session is creating
    in a transaction it has not committed, and is interrupted there."""
    if not empty_database.startswith("postgresql"):
        pytest.skip("SQLite's busy wait does not return to Python until its timeout")
    blocker = create_engine(empty_database)
    watcher = create_engine(empty_database, isolation_level="AUTOCOMMIT")
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with blocker.connect() as held, watcher.connect() as watching:
        held.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        process = nrtd_process(["migrate"], {"NRTD_DATABASE_URL": empty_database})
        try:
            deadline = time.monotonic() + 60
            while not watching.execute(waiting).scalar_one():
                assert process.poll() is None and time.monotonic() < deadline, process.communicate()
                time.sleep(0.05)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
        held.rollback()
    blocker.dispose()
    watcher.dispose()
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines() == [
        "interrupted: the schema stays empty; run nrtd migrate again to finish"
    ]


@pytest.mark.slow
def test_ctrl_c_during_an_import_says_nothing_was_written(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    # Before: Ctrl-C in the middle of `nrtd import` ended it without a word (exit 130): the operator
    # could not tell whether part of the file had been stored, or whether to run it again.
    (tmp_path / "served").mkdir()
    export = write_export(tmp_path / "served" / "export-full-en.json", [uhri_record(n) for n in range(1, 40)])
    with fake_uhri(export.parent) as served:
        served.slow(export.name, 0.5)  # the download takes a while: Ctrl-C lands in the middle of it
        process = nrtd_process(
            ["import", "uhri", served.url(export.name)],
            {"NRTD_DATABASE_URL": database_url, "NRTD_COUNTRY": "Peru"},
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
        try:
            deadline = time.monotonic() + 60
            while not served.request_count(export.name):
                assert process.poll() is None and time.monotonic() < deadline, process.communicate()
                time.sleep(0.05)
            time.sleep(0.3)
            os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C at a terminal sends
            _, stderr = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert unstamped(stderr.strip().splitlines()[-1]) == (
        "interrupted: the import stopped before it finished and nothing of it was written; run it again"
    )
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportRun)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(Recommendation)).scalar_one() == 0
