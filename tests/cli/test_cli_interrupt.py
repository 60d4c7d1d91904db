"""Ctrl-C while ``nrtd`` closes its database connections at the end of a command."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

import app.cli as cli_module
from app.core import db as core_db
from tests.cli_runner import run_cli


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
