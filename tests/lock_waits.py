"""Race tests on PostgreSQL: wait until another connection waits for a row lock, so that the request
running in a thread is known to be past its reads and blocked on the first one's uncommitted write;
and two writers meeting at one point of their work, as two requests of the same instant would."""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, text

WAITED = "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted)"


def until_a_lock_is_awaited(engine: Engine, seconds: float = 30) -> None:
    """Return once some connection waits for a lock; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    with engine.connect() as conn:
        while not conn.execute(text(WAITED)).scalar():
            assert time.monotonic() < deadline, "the second request never waited for the first"
            time.sleep(0.01)


# A connection of the test database waiting for a lock (a row, a table, another transaction).
WAITING_HERE = (
    "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
    "AND wait_event_type = 'Lock')"
)


class Meeting:
    """Two writers each wait here for the other, then go on together. A writer that does not come is
    waiting its turn, for a lock the first holds (PostgreSQL shows it at once), and the first goes on
    alone; after ``seconds`` at most. On SQLite a write request holds the write lock from its first
    statement: the other cannot come while this one waits, so each goes on at once."""

    def __init__(self, engine: Engine, seconds: float = 2.0) -> None:
        self._engine = engine
        self._seconds = seconds
        self._arrived = 0
        self._here = threading.Condition()

    def wait(self) -> None:
        with self._here:
            self._arrived += 1
            self._here.notify_all()
        if self._engine.dialect.name != "postgresql":
            return
        deadline = time.monotonic() + self._seconds
        while time.monotonic() < deadline:
            with self._here:
                if self._here.wait_for(lambda: self._arrived >= 2, timeout=0.02):
                    return
            if self._waiting():
                return

    def _waiting(self) -> bool:
        return a_lock_is_awaited_here(self._engine)


def a_lock_is_awaited_here(engine: Engine) -> bool:
    """Whether a connection of the test database (PostgreSQL) waits for a lock now."""
    with engine.connect() as conn:
        return bool(conn.execute(text(WAITING_HERE)).scalar())
