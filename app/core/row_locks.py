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
from sqlalchemy.exc import InvalidRequestError, OperationalError
from sqlalchemy.orm import Session

from app.core.errors import NotFound

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


def lock_for_write(session: Session, row: object) -> None:
    """Lock ``row`` (FOR UPDATE) and read it again, before its version is compared with If-Match.

    Two saves of one row at once on PostgreSQL both read its version before either wrote, both passed
    the If-Match check, and the second failed only at its UPDATE (the version had moved): a 412 that
    named no current ETag, and a staff page answered the browser with JSON, losing what was typed.
    Locked first, the second waits for the first to end and reads the version it wrote, so
    ``check_if_match`` refuses it as any stale ETag (the conflict page in the workspace). SQLite's
    writers hold the database's write lock already: what they read is current. A row the first
    request deleted is 404, as it is to any request after."""
    if session.get_bind().dialect.name != "postgresql":
        return
    try:
        session.refresh(row, with_for_update=True)
    except InvalidRequestError:  # deleted by the request it waited for
        raise NotFound("it was deleted while this request ran") from None
