"""Only one import runs at a time, across processes and replicas (and only one replica sends the
reminder digests: the same mechanism under another name, ``exclusive``).

PostgreSQL: a session-level advisory lock on a connection of its own; the server frees it when
that connection ends, so a killed importer never leaves it behind. SQLite: a lease row naming
its holder (host and pid). A lease whose holder is dead on this host, or whose time is up, is
taken over.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import ImportLocked, ImportRunning
from app.core.time_zone import instance_zone, local_time
from app.models import ImportLease
from app.models.base import utcnow

ADVISORY_KEY = 0x4E525444  # "NRTD"
LEASE_NAME = "import"
# The reminder digests' sender (app.notify): "NRTE".
NOTIFY_ADVISORY_KEY = 0x4E525445
NOTIFY_LEASE_NAME = "notify"
logger = logging.getLogger(__name__)
# How often a lease held with ``renew`` is renewed, at most (and at least four times per lease).
RENEW_EVERY_SECONDS = 60.0
# What a write refused during an import is told: runs of one State take seconds, of every State minutes.
IMPORT_RETRY_AFTER = 30


def _started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, /proc/<pid>/stat), None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()  # after "pid (name) ": field 3 onwards
    return fields[19] if len(fields) > 19 else None  # field 22: starttime


def holder_id() -> str:
    """This process, as a lease names it: host and pid, and when the process started where that is
    known. A pid is used again: a server restarted in its container is pid 1 again, on the same
    host name, and the lease its killed predecessor left must not look held."""
    pid = os.getpid()
    started = _started(pid)
    return f"{socket.gethostname()}:{pid}" + (f":{started}" if started else "")


def _holder_alive(holder: str) -> bool:
    host, pid, *started = holder.split(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine: only the lease's expiry can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    # The pid is taken; by the holder only if that process started when the holder did.
    return not started or _started(int(pid)) in (None, started[0])


# Why the lock is refused, in the page's language where a page shows it (the upload form, "Start the
# scheduled UHRI import now"); the API, the CLI and the logs say it in English.
_ANOTHER = {"import": _("another import"), "reminder run": _("another reminder run")}
_LOCKED_ADVISORY = _("%(another)s is running (PostgreSQL advisory lock held)")
# ``until``: the lease's end in the instance's zone (NRTD_TIME_ZONE), named: "2026-12-07 03:31 America/Lima".
_LOCKED_UNTIL = _("%(another)s is running (held by %(holder)s until %(until)s)")
_LOCKED_BY = _("%(another)s is running (held by %(holder)s)")
_LOCKED_DATABASE = _("%(another)s is running (the database is locked)")


def _another(what: str) -> str:
    return Reason(_ANOTHER[what]) if what in _ANOTHER else f"another {what}"


# Whether server process :pid holds the advisory lock :key (a key below 2^32: classid 0, objid key).
_HELD_BY = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = :pid"
    " AND classid = 0 AND objid = :key AND objsubid = 1)"
)


@dataclass
class Hold:
    """A lock held by this process. ``confirm`` renews a lease inside the caller's transaction and says
    whether it is still this process's: a run that outlived its lease (its machine slept, the database
    stayed locked past it) may have been taken over, and must then do no more of its work."""

    name: str
    holder: str | None  # None: a PostgreSQL advisory lock, which lives as long as its connection
    ttl_seconds: int
    lost: threading.Event = field(default_factory=threading.Event)
    # PostgreSQL: the advisory key and the server process of the connection holding it. That
    # connection dropped (a restarted server, a proxy's idle timeout), the lock is gone with it and
    # another replica may hold it now.
    advisory: tuple[int, int] | None = None

    def confirm(self, conn: Connection) -> bool:
        if self.lost.is_set():
            return False
        if self.advisory is not None:
            key, pid = self.advisory
            if not conn.execute(_HELD_BY, {"key": key, "pid": pid}).scalar():
                self.lost.set()
            return not self.lost.is_set()
        if self.holder is None:
            return True
        result = conn.execute(
            update(ImportLease)
            .where(ImportLease.name == self.name, ImportLease.holder == self.holder)
            .values(expires_at=utcnow() + timedelta(seconds=self.ttl_seconds))
        )
        if not result.rowcount:
            self.lost.set()
        return not self.lost.is_set()


@contextmanager
def import_lock(engine: Engine, *, ttl_seconds: int) -> Iterator[None]:
    with exclusive(engine, LEASE_NAME, ADVISORY_KEY, ttl_seconds=ttl_seconds, what="import"):
        yield


@contextmanager
def exclusive(
    engine: Engine, name: str, advisory_key: int, *, ttl_seconds: int, what: str, renew: bool = False
) -> Iterator[Hold]:
    """Hold the lock ``name`` (PostgreSQL: advisory key ``advisory_key``) or raise ImportLocked at once,
    saying "another <what> is running". ``renew`` (SQLite): a thread renews the lease while the block
    runs, so that a run longer than ``ttl_seconds`` keeps it; only a process that stopped (killed, its
    host gone) leaves it to expire. Not for an import, which holds SQLite's write lock for its whole
    run: nothing else can write the lease meanwhile, nor take it over."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if not conn.execute(select(func.pg_try_advisory_lock(advisory_key))).scalar():
                raise ImportLocked(Reason(_LOCKED_ADVISORY, another=_another(what)))
            pid = int(conn.execute(select(func.pg_backend_pid())).scalar_one())
            try:
                yield Hold(name, None, ttl_seconds, advisory=(advisory_key, pid))
            finally:
                # A dropped connection took the lock with it: nothing to unlock.
                with suppress(DBAPIError):
                    conn.execute(select(func.pg_advisory_unlock(advisory_key)))
        return
    me = holder_id()
    _take_lease(engine, name, me, ttl_seconds, what)
    hold = Hold(name, me, ttl_seconds)
    done = threading.Event()
    renewer = None
    if renew:
        renewer = threading.Thread(
            target=_renewing, args=(engine, hold, done), name=f"{name}-lease", daemon=True
        )
        renewer.start()
    try:
        yield hold
    finally:
        done.set()
        if renewer is not None:
            renewer.join()
        with engine.begin() as conn:
            conn.execute(delete(ImportLease).where(ImportLease.name == name, ImportLease.holder == me))


def _renewing(engine: Engine, hold: Hold, done: threading.Event) -> None:
    """Renew ``hold``'s lease until ``done`` or until it was taken over. A renewal that finds the
    database locked is tried again at the next turn (there are four or more per lease)."""
    every = min(RENEW_EVERY_SECONDS, hold.ttl_seconds / 4)
    while not done.wait(every):
        try:
            with engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
                if not hold.confirm(conn):
                    logger.warning("the %s lease was taken over by another process", hold.name)
                    return
        except Exception:  # a locked database, a dropped file system: the next turn tries again
            logger.warning("could not renew the %s lease", hold.name, exc_info=True)


def _current_lease(conn: Connection, name: str = LEASE_NAME) -> ImportLease | None:
    row = conn.execute(
        select(ImportLease.holder, ImportLease.expires_at).where(ImportLease.name == name)
    ).first()
    if row is None:
        return None
    return ImportLease(name=name, holder=row.holder, expires_at=row.expires_at)


def _live(lease: ImportLease | None) -> bool:
    if lease is None:
        return False
    expires = (
        lease.expires_at if lease.expires_at.tzinfo else lease.expires_at.replace(tzinfo=utcnow().tzinfo)
    )
    return expires > utcnow() and _holder_alive(lease.holder)


def _take_lease(engine: Engine, name: str, me: str, ttl_seconds: int, what: str) -> None:
    # Read first without a write lock: while an import runs it holds SQLite's write lock for the
    # whole run, and a second importer must be told at once rather than wait for it.
    with engine.connect() as conn:
        lease = _current_lease(conn, name)
    if _live(lease):
        assert lease is not None
        until = f"{local_time(lease.expires_at):%Y-%m-%d %H:%M} {instance_zone().key}"
        raise ImportLocked(Reason(_LOCKED_UNTIL, another=_another(what), holder=lease.holder, until=until))
    now = utcnow()
    try:
        with engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
            lease = _current_lease(conn, name)
            if _live(lease):
                holder = lease.holder if lease else "?"
                raise ImportLocked(Reason(_LOCKED_BY, another=_another(what), holder=holder))
            values = {"holder": me, "acquired_at": now, "expires_at": now + timedelta(seconds=ttl_seconds)}
            if lease is None:
                conn.execute(insert(ImportLease).values(name=name, **values))
            else:
                conn.execute(update(ImportLease).where(ImportLease.name == name).values(**values))
    except ImportLocked:
        raise
    except Exception as exc:
        if "locked" in str(exc):
            raise ImportLocked(Reason(_LOCKED_DATABASE, another=_another(what))) from exc
        raise


def import_running(bind: Engine | Connection) -> bool:
    """Whether an import holds the import lock now (on any process or replica): for pages and
    requests that want to say so. A read: it takes no lock and never waits for the import."""
    if bind.dialect.name == "postgresql":
        # pg_advisory_lock(bigint) files a key below 2^32 as classid 0, objid key, objsubid 1.
        query = text(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = 0 AND objid = :key AND objsubid = 1)"
        )
        if isinstance(bind, Connection):
            return bool(bind.execute(query, {"key": ADVISORY_KEY}).scalar())
        with bind.connect() as conn:
            return bool(conn.execute(query, {"key": ADVISORY_KEY}).scalar())
    if isinstance(bind, Connection):
        return _live(_current_lease(bind))
    with bind.connect() as conn:
        return _live(_current_lease(conn))


def refuse_writes_during_import(conn: Connection) -> None:
    """The request engine's answer to a taken SQLite write lock: if an import holds it, it holds it
    for its whole run, so the writer is told at once (503) instead of waiting out its lock timeout
    on a server thread. Any other writer holds it for milliseconds: the caller then waits."""
    if import_running(conn):
        raise ImportRunning(
            "an import is running and holds the database's write lock; writes resume when it ends",
            retry_after=IMPORT_RETRY_AFTER,
        )
