"""Race tests on PostgreSQL: wait until another connection waits for a row lock, so that the request
running in a thread is known to be past its reads and blocked on the first one's uncommitted write."""

from __future__ import annotations

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
