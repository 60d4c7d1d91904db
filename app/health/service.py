"""Whether this process can serve: the database answers, its schema is this release's, and the
evidence files are where their rows say and new ones can be stored (docs/deployment.md, "Readiness").

``/readyz`` asks ``ReadinessProbe``, which bounds the wait: a database that accepts connections but
never answers (a frozen server, a network that drops packets) would otherwise hold the check, and the
thread it runs on, for minutes, and a health check that times out tells nobody why.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from app.core.db import first_line, masked_url, permission_denied
from app.core.migrations import alembic_config
from app.evidence.check import storage_not_mounted, storage_not_writable
from app.evidence.storage import BlobStore

Status = dict[str, str | None]

# What /readyz waits for the database before answering 503: under the health check's own timeout
# (4 s in docker-compose.yml), so that the answer, not a timeout, says what is wrong.
READY_WAIT_SECONDS = 3.0


@functools.cache
def head_revision() -> str | None:
    """This release's newest migration. Read once per process: it reads every migration script
    (30 to 120 ms here), which each ``/readyz`` probe paid, and the scripts do not change under it."""
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this release's migrations (a database migrated by a newer
    release, or by another application, holds one it does not know)."""
    return revision in _revisions()


@functools.cache
def _revisions() -> frozenset[str]:
    # Read once per process, as head_revision: a probe that finds the schema not this release's asks.
    return frozenset(
        script.revision for script in ScriptDirectory.from_config(alembic_config("")).walk_revisions()
    )


def newer_schema(current: str, head: str | None) -> str:
    """Why a schema at ``current`` cannot be used, when this release does not know it (``known_revision``).

    nrtd numbers its migrations 0001, 0002, ...: a number of the same width after ``head`` is a newer
    release's. Any other stamp ("zzz", another application's hash) may be a newer release's or not
    nrtd's at all, and is named as unknown rather than taken for a newer release."""
    if head is not None and _later_number(current, head):
        return (
            f"the database schema is at {current}, which this release (at {head}) does not know: a newer "
            "release of nrtd migrated it. Run that release or a newer one; a database is never migrated back"
        )
    return (
        f"the database schema is at {current!r}, a revision this release (at {head}) does not know: it may "
        "come from a newer release of nrtd, or not from nrtd at all (another application's migrations, or "
        "a stamp made by hand). Check which application migrated this database; a database is never "
        "migrated back"
    )


def _later_number(current: str, head: str) -> bool:
    """Whether ``current`` is numbered as nrtd's migrations are, after ``head``."""
    numbered = current.isascii() and current.isdigit() and head.isascii() and head.isdigit()
    return numbered and len(current) == len(head) and int(current) > int(head)


def _unavailable(exc: Exception) -> Status:
    # Tables another role owns: said without the role's name, as the answer is public.
    if permission_denied(exc):
        detail = (
            "the database refuses this server's database user its tables (permission denied): they "
            "belong to another role; nrtd migrate says which user and what to do"
        )
        return {"status": "unavailable", "detail": detail}
    detail = f"the database cannot be reached, or refused the query: {type(exc).__name__}"
    return {"status": "unavailable", "detail": detail}


def _no_schema(engine: Engine) -> bool:
    """Whether the database answers but holds no migrations' table: ``nrtd migrate`` never ran on it
    (a step left out of the deploy), which is no reason to look at the network."""
    try:
        with engine.connect() as conn:
            return not inspect(conn).has_table("alembic_version")
    except Exception:
        return False


def _failed(engine: Engine, exc: Exception) -> Status:
    if not permission_denied(exc) and _no_schema(engine):
        detail = "the database has no schema yet: run nrtd migrate"
        return {"status": "migrations-pending", "current": None, "head": head_revision(), "detail": detail}
    return _unavailable(exc)


def database_status(engine: Engine) -> Status:
    head = head_revision()
    try:
        with engine.connect() as conn:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as exc:
        return _failed(engine, exc)
    if current != head:
        return _not_this_release(current, head)
    return {"status": "ready", "current": current, "head": head}


def _not_this_release(current: str | None, head: str | None) -> Status:
    """The schema is not this release's: an older one (``nrtd migrate`` has not run yet), or one this
    release does not know, which ``nrtd migrate`` refuses: /readyz said "migrations-pending" for both,
    sending the operator to run a command that could not mend it."""
    if current is None:
        detail = "the database has no schema yet: run nrtd migrate"
    elif not known_revision(current):
        detail = newer_schema(current, head)
    else:
        detail = f"the database schema is at {current}, this release needs {head}: run nrtd migrate"
    return {"status": "migrations-pending", "current": current, "head": head, "detail": detail}


def schema_pending(engine: Engine) -> bool:
    """Whether the schema is older than this release (none yet, or an older revision): a request
    that met a missing table or column is then told the service is being upgraded, not a 500."""
    return database_status(engine)["status"] == "migrations-pending"


def readiness(engine: Engine, storage_dir: str) -> Status:
    """The schema's revision, a read of the table every request reads (the data version), and the
    evidence storage (mounted, writable): ``ready``, or what stops this process from serving."""
    head = head_revision()
    try:
        with engine.connect() as conn:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if current != head:
                return _not_this_release(current, head)
            conn.execute(text("SELECT counter FROM data_versions")).all()
            storage = storage_not_mounted(conn, BlobStore(storage_dir))
    except Exception as exc:
        return _failed(engine, exc)
    if storage is not None:
        return {"status": "storage-missing", "current": current, "head": head, "detail": storage}
    unwritable = storage_not_writable(BlobStore(storage_dir))
    if unwritable is not None:
        return {"status": "storage-unwritable", "current": current, "head": head, "detail": unwritable}
    return {"status": "ready", "current": current, "head": head}


class ReadinessProbe:
    """Runs ``check`` on a thread of its own and waits ``wait`` seconds for it. While a check is still
    waiting for the database, later probes wait for that same check rather than start another, so a
    database that never answers holds one thread, not one per probe."""

    def __init__(self, check: Callable[[], Status], wait: float = READY_WAIT_SECONDS) -> None:
        self.check = check
        self.wait = wait
        self._lock = threading.Lock()
        self._running: Future[Status] | None = None

    def _start(self) -> Future[Status]:
        future: Future[Status] = Future()

        def run() -> None:
            try:
                future.set_result(self.check())
            except BaseException as exc:  # the check catches the database's errors; anything else
                future.set_exception(exc)

        # A daemon thread: one stuck on a database that never answers must not keep the process alive.
        threading.Thread(target=run, name="nrtd-readiness", daemon=True).start()
        return future

    def _current(self) -> Future[Status]:
        with self._lock:
            if self._running is None or self._running.done():
                self._running = self._start()
            return self._running

    def _no_answer(self) -> Status:
        return {"status": "unavailable", "detail": f"the database did not answer within {self.wait:g} s"}

    def status(self) -> Status:
        try:
            return self._current().result(timeout=self.wait)
        except FutureTimeout:
            return self._no_answer()

    async def status_async(self) -> Status:
        """``status`` awaited in the event loop: /readyz takes no server thread, so it answers while
        every one of them waits for the database (shielded: the check goes on for the next probe)."""
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(self._current())), self.wait)
        except TimeoutError:
            return self._no_answer()


def database_fault(engine: Engine, url: str) -> str | None:
    """Why work cannot run on this database, in one line, once it failed: it cannot be reached (as
    every ``nrtd`` command says it: ``NRTD_DATABASE_URL=postgresql://nrtd:***@db/nrtd: cannot connect:
    ...``, the password masked), or its schema is not this release's; None when neither (the failure
    was something else, a fault of the code, whose traceback is wanted)."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        reason = first_line(getattr(exc, "orig", None) or exc)
        return f"NRTD_DATABASE_URL={masked_url(url)}: cannot connect: {reason}"
    status = database_status(engine)
    if status["status"] == "ready":
        return None
    return status.get("detail") or status["status"]
