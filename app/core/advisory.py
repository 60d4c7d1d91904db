"""Transaction-level advisory locks: one writer at a time on something that has no row to lock yet.

Two requests that each find no row and each add one (a follow-up reply's name, a deadline's
publication) both pass their checks on PostgreSQL, where each reads what was committed before its
statement: the second then fails on the primary key (409) or adds a second row. Taking a lock on the
thing's name first makes the second wait for the first's commit (at most the connection's
lock_timeout: 503 with Retry-After, like any lock waited out), after which its reads see the first's
rows. The locks go with the transaction. SQLite's writers hold the database's write lock already.

Each lock is a pair of ints (``pg_advisory_xact_lock(int, int)``): the first says what is locked (one
of the constants below, kept here so that no two uses share one), the second which. The import's
lock (``app.import_runs.lock``) takes the one-key form, which PostgreSQL keeps apart from these.
"""

from __future__ import annotations

from collections.abc import Iterable
from zlib import crc32

from sqlalchemy import func, select
from sqlalchemy.orm import Session

REPLY_DOCUMENT_SYMBOL = 0x4E525401  # a document's follow-up replies, by its symbol's ``bucket``
REPLY_DOCUMENT_UNNAMED = 0x4E525402  # a mechanism's recommendations without a symbol, by its id
DEADLINE_FOLLOW_UP_REPLY = 0x4E525403  # a follow-up reply due's publication and sent mark, by its id
DEADLINE_PERIODIC_REPORT = 0x4E525404  # a periodic report due's, by its id


# PostgreSQL keeps every session's locks in one table, 64 a connection by default: an import that took
# a lock for each of its thousands of documents, until it commits, failed "out of shared memory".
# Names share this many locks instead; two writers on names that share one only wait needlessly.
DOCUMENT_LOCKS = 256


def bucket(name: str) -> int:
    """Which of the ``DOCUMENT_LOCKS`` locks of its kind ``name`` takes (the second int)."""
    return crc32(name.encode()) % DOCUMENT_LOCKS


def lock_until_commit(session: Session, keys: Iterable[tuple[int, int]]) -> None:
    """Wait for each lock of ``keys``, in one order (two writers never wait for each other crosswise),
    and hold them until the transaction ends."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for first, second in sorted(set(keys)):
        session.execute(select(func.pg_advisory_xact_lock(first, second)))
