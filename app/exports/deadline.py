"""A time limit on a request's queries, the same on SQLite and PostgreSQL.

The statistics run about ten GROUP BY queries over every matching recommendation; a broad search
made them take seconds each. Under ``query_deadline`` each statement gets the time that is left:
PostgreSQL as ``SET LOCAL statement_timeout`` (the server cancels it), SQLite through a progress
handler that interrupts the statement once the clock has run out; a statement that would start
late is not started. Either way the request ends with ``StatisticsTimeout``: 503 with Retry-After.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.core.errors import DomainError

RETRY_AFTER = 30
# SQLite virtual-machine instructions between two looks at the clock (a few microseconds' work).
PROGRESS_STEPS = 10_000


class StatisticsTimeout(DomainError):
    status = 503
    problem = "statistics-timeout"
    title = "Statistics took too long"

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the statistics took longer than {seconds:g} s (NRTD_STATS_TIMEOUT) and were stopped; "
            "narrow the filters (a longer search word, a mechanism, a country) or retry later",
            headers={"Retry-After": str(RETRY_AFTER)},
        )


@contextmanager
def query_deadline(session: Session, seconds: float) -> Iterator[None]:
    """Stop the session's statements once ``seconds`` have passed, raising ``StatisticsTimeout``."""
    conn = session.connection()
    deadline = time.monotonic() + seconds
    postgresql = conn.dialect.name == "postgresql"
    sqlite = conn.dialect.name == "sqlite"

    def left() -> float:
        return deadline - time.monotonic()

    def before_statement(_conn: Connection, cursor: Any, *_args: Any) -> None:
        remaining = left()
        if remaining <= 0:
            raise StatisticsTimeout(seconds)
        if postgresql:
            cursor.execute(f"SET LOCAL statement_timeout = {max(1, math.ceil(remaining * 1000))}")

    event.listen(conn, "before_cursor_execute", before_statement)
    raw: Any = conn.connection.driver_connection
    if sqlite:
        raw.set_progress_handler(lambda: 1 if left() <= 0 else 0, PROGRESS_STEPS)
    finished = False
    try:
        yield
        finished = True
    except OperationalError as exc:
        # Cancelled (PostgreSQL) or interrupted (SQLite) because the time ran out.
        if left() <= 0:
            raise StatisticsTimeout(seconds) from exc
        raise
    finally:
        event.remove(conn, "before_cursor_execute", before_statement)
        if sqlite:
            raw.set_progress_handler(None, 0)
        if postgresql and finished:  # the rest of the request's transaction runs unbounded again
            conn.exec_driver_sql("SET LOCAL statement_timeout = DEFAULT")
