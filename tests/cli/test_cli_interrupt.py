"""Ctrl-C while ``nrtd`` closes its database connections at the end of a command."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest

import app.cli as cli_module
from app.core import db as core_db


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
