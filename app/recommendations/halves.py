"""SQLite: a ranked page read in two halves of the id range at once, the second on a helper thread.

SQLite runs a statement on one core. A ranked page scores every text match with ``bm25`` (24,476
matches for ``détention`` at 250,000 records: some 20 ms), or looks up every match's
recommendation to apply a filter, before it can keep the best. The two halves of the id range are
scored apart, each on its own connection, and their best rows merged: the same page, as FTS5's
``bm25`` takes a word's rarity from the whole index whichever rows are scored.

A helper's connection reads its own snapshot of the database. Its half counts only when that
snapshot is the request's: the same data version (``reading.data_version``), read in the request's
transaction, which has written nothing. Otherwise the request reads the second half itself. When
the helper is busy (another request has it), or the server is (as many connections out as the pool
keeps), the request reads both halves in one statement: under load each request keeps to its own
thread, as before. PostgreSQL plans parallel workers of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from app.core.db import has_written
from app.models import Recommendation
from app.recommendations.search import IdRange

Read = Callable[[Session, IdRange | None], list[Any]]

HELPERS = 1  # threads reading a second half; a request reads the first half on its own
_helpers = ThreadPoolExecutor(max_workers=HELPERS, thread_name_prefix="nrtd-half")
_free = threading.BoundedSemaphore(HELPERS)


def _splittable(session: Session) -> bool:
    engine = session.get_bind().engine
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return False  # one database per connection in memory: a helper would read another
    pool: Any = engine.pool
    if pool.checkedout() >= pool.size():
        return False  # a busy server (or the pool beyond its base size): each request on its own
    return not has_written(session.connection())  # a helper would not see the transaction's writes


def _halves(session: Session) -> tuple[IdRange, IdRange] | None:
    last = session.execute(select(func.max(Recommendation.id))).scalar()
    if last is None or last < 2:
        return None
    middle = last // 2
    return (None, middle), (middle + 1, None)


def _version(session: Session) -> str:
    from app.recommendations.kept import version_read  # kept imports ordering's importer, reading

    return version_read(session)


def _helper_read(session: Session, version: str, read: Read, part: IdRange) -> list[Any] | None:
    with Session(session.get_bind().engine) as helper:
        if _version(helper) != version:
            return None  # another snapshot: the request reads this half itself
        return read(helper, part)


def read_in_halves(session: Session, read: Read, key: Callable[[Any], Any], count: int) -> list[Any]:
    """The first ``count`` rows of ``read(session, None)`` in ``key`` order, read as two halves of the
    id range at once where that is possible (``read(session, part)``: the rows of ``part`` alone,
    in order, at most ``count``); otherwise ``read(session, None)``."""
    if not _splittable(session) or not _free.acquire(blocking=False):
        return read(session, None)
    helped: Future[list[Any] | None] | None = None
    try:
        parts = _halves(session)
        if parts is not None:
            helped = _helpers.submit(_helper_read, session, _version(session), read, parts[1])
    finally:
        if helped is None:
            _free.release()
    if parts is None or helped is None:
        return read(session, None)
    helped.add_done_callback(lambda _done: _free.release())  # the helper is free once it is done
    first, second = parts
    rows = read(session, first)
    try:
        others = helped.result()
    except PoolTimeout:
        others = None  # no connection came: the request reads that half itself
    if others is None:
        others = read(session, second)
    return sorted([*rows, *others], key=key)[:count]
