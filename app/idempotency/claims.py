"""A one-time key claimed in the request's own transaction: the one rule behind a create sent twice
creating once, in the staff workspace's forms (their ``form_token``) and in the JSON API (its
``Idempotency-Key`` header).

The first request inserts the key's row, unique per owner, in a savepoint of its transaction; a second
request with the same key fails to insert it and reads the first's row instead. Two requests at once
queue on the row's unique key, on SQLite and PostgreSQL alike: SQLite runs one writer at a time (the
second's BEGIN IMMEDIATE waits for the first's commit), and PostgreSQL makes the second's insert wait
for the first's transaction to end. If the first committed, the second finds its row; if it failed (rolled
back), the key was never taken, and the second claims it and is processed anew. A wait longer than
NRTD_DB_LOCK_TIMEOUT is answered 503 with Retry-After, as any lock wait.

Keys are forgotten ``KEPT_FOR`` after they were claimed: each claim first deletes its owner's older ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.models.base import Base, utcnow

# A retry (or a page left open) longer than this after the first sending is no longer recognised.
KEPT_FOR = timedelta(days=2)

Row = TypeVar("Row", bound=Base)


def claim(
    db: Session,
    row: Row,
    owner: Sequence[ColumnElement[bool]],
    same_key: Sequence[ColumnElement[bool]],
    claimed_at: InstrumentedAttribute[datetime],
) -> Row | None:
    """Claim the key ``row`` holds for this request, or return the row of the request that claimed it
    first (its owner's, ``owner``, with ``same_key``). None: claimed by this request. ``claimed_at`` is
    the rows' time of claim, by which the owner's expired keys are forgotten first."""
    model = type(row)
    db.execute(delete(model).where(*owner, claimed_at < utcnow() - KEPT_FOR))
    try:
        with db.begin_nested():  # a key already claimed undoes this insert only
            db.add(row)
    except IntegrityError:
        # Claimed by a request already committed (a concurrent one waited for it here).
        return db.scalar(select(model).where(*owner, *same_key))
    return None
