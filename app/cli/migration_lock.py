"""One ``nrtd migrate`` at a time on a database.

Two at once (a deploy script run twice, two replicas' start scripts, an operator's retry while the
first still runs) both read the schema's revision before either changed it, and both ran the same
migrations: the second failed on what the first had made (PostgreSQL: a duplicate type or table;
SQLite: "database is locked"), exit 1, naming revision 0001 and a schema it had not changed. The
second now waits for the first to finish, then reads the revision the first left (usually the
newest: "already at the newest schema").

PostgreSQL: a session-level advisory lock on a connection of its own, which the server frees when
the connection ends (a killed process included). SQLite: an exclusive ``flock`` on the database
file's folder (the file itself carries SQLite's own POSIX locks, which closing another descriptor
of it would drop); the kernel frees it when the process ends.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, make_url, text

# Distinct from the import's (0x4E525444) and the reminders' (0x4E525445) one-key locks.
MIGRATE_ADVISORY_KEY = 0x4E525446


@contextmanager
def one_migration_at_a_time(engine: Engine, on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold the database's migration lock for the block; ``on_wait`` is called once, before waiting,
    when another ``nrtd migrate`` holds it."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, on_wait):
            yield
        return
    database = make_url(engine.url).database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with _folder_lock(Path(database).absolute().parent, on_wait):
        yield


@contextmanager
def _advisory_lock(engine: Engine, on_wait: Callable[[], None]) -> Iterator[None]:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        key = {"key": MIGRATE_ADVISORY_KEY}
        if not conn.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar():
            on_wait()
            conn.execute(text("SELECT pg_advisory_lock(:key)"), key)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)


@contextmanager
def _folder_lock(folder: Path, on_wait: Callable[[], None]) -> Iterator[None]:
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        # A folder that cannot be opened is named by the connection's own error, before this.
        yield
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # frees the lock
