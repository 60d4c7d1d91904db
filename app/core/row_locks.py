"""Locking many rows in one request without deadlocking with an import.

PostgreSQL locks the rows of ``SELECT ... FOR UPDATE`` one after the other, and a request that finds
one taken waits for it while holding those it took before. An import writes recommendations in its
feed's order and holds every row it wrote until it commits: a bulk edit of many recommendations
during an import held the first rows while waiting for one the import had written, the import then
wanted one of those first rows, and PostgreSQL broke the deadlock by aborting one of the two (the
night's import failed, "deadlock detected"). Here each attempt takes every row with ``NOWAIT``
inside a savepoint: a refusal releases what the attempt took, so the request never waits while
holding a row, and it tries again until its lock timeout (NRTD_DB_LOCK_TIMEOUT), after which the
refusal (lock_not_available) is answered 503 with Retry-After like any lock waited out.
SQLite's writers hold the database's write lock already: one plain statement.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

# PostgreSQL's lock_not_available: NOWAIT found a row taken (or lock_timeout ran out).
LOCK_NOT_AVAILABLE = "55P03"
# Between two attempts: a writing request holds its rows for milliseconds, an import for its run.
RETRY_PAUSE_SECONDS = 0.05


def _lock_timeout_seconds(session: Session) -> float:
    """The connection's lock_timeout (the request engine sets it; 0: no limit, as for the CLI)."""
    seconds = session.execute(
        text("SELECT extract(epoch FROM current_setting('lock_timeout')::interval)")
    ).scalar_one()
    return float(seconds)


def lock_rows(session: Session, query: Select[Any]) -> None:
    """Lock (FOR UPDATE) every row ``query`` selects, never waiting while holding some of them;
    OperationalError (lock_not_available) once the lock timeout has passed."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(query.with_for_update())
        return
    deadline: float | None = None
    while True:
        try:
            with session.begin_nested():
                session.execute(query.with_for_update(nowait=True))
            return
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            if deadline is None:
                timeout = _lock_timeout_seconds(session)
                deadline = time.monotonic() + timeout if timeout > 0 else float("inf")
            if time.monotonic() >= deadline:
                raise
        time.sleep(RETRY_PAUSE_SECONDS)
