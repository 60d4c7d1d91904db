"""Engine, sessions and the unit of work.

The transaction has one owner: a request (``session_scope`` in the FastAPI dependency) or an
import run. Services only ``flush``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, UnaryExpression, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import operators

from app.core.config import Settings, get_settings
from app.core.unique import duplicate_refused

# Called when a SQLite writer finds the write lock taken; raises to refuse the writer at once.
WriteBusyCheck = Callable[[Connection], None]
# A request writer that finds SQLite's write lock taken waits this long before asking whether an import
# holds it; once an import was found holding it, writers are refused without that wait for a while.
GRACE_MS = 200
IMPORT_SEEN_SECONDS = 2.0


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


# What the CLI and imports wait for SQLite's write lock. Nothing queues behind them, and a request
# holds the lock for milliseconds; requests themselves wait NRTD_DB_LOCK_TIMEOUT instead.
DEFAULT_SQLITE_BUSY_SECONDS = 30.0


@dataclass(frozen=True)
class EngineLimits:
    """How long work on an engine may wait for a lock or a connection, and how many connections it keeps.

    ``lock_timeout`` None: SQLite waits ``DEFAULT_SQLITE_BUSY_SECONDS`` for its write lock and
    PostgreSQL waits for row locks as long as it takes (the CLI and imports). A request engine sets it
    short, so a request behind a long import transaction is answered 503 instead of tying up a thread.
    """

    lock_timeout: float | None = None
    # PostgreSQL: seconds to set up a connection (libpq's connect_timeout; None: psycopg's 130 s).
    connect_timeout: int | None = None
    pool_size: int = 10
    max_overflow: int = 30
    pool_timeout: float = 30.0
    # SQLite: how much of the database file its connections read memory-mapped (PRAGMA mmap_size).
    sqlite_mmap_bytes: int = 0


# A request engine reads SQLite's file memory-mapped: a page is then read from the operating system's
# cache in place, where SQLite's own cache (2 MB a connection) made every page beyond it a read()
# call. A list page at 250,000 records took a quarter less CPU (docs/benchmarks.md). The mapped pages
# are the file's own, shared by every connection and process and given back by the kernel under
# memory pressure; the CLI and imports keep plain reads (what an import holds stays its own).
REQUEST_SQLITE_MMAP_BYTES = 1 << 30


def command_limits(settings: Settings) -> EngineLimits:
    """The CLI's, the imports' and the scheduler's: long lock waits, and a request's connect timeout
    (a server that never answers held a cron job or a deploy's `nrtd migrate` for 130 s)."""
    return EngineLimits(connect_timeout=settings.db_connect_timeout)


def request_limits(settings: Settings) -> EngineLimits:
    return EngineLimits(
        lock_timeout=settings.db_lock_timeout,
        connect_timeout=settings.db_connect_timeout,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        sqlite_mmap_bytes=REQUEST_SQLITE_MMAP_BYTES,
    )


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _sqlite_pragmas(busy_ms: int, mmap_bytes: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN; ``_sqlite_begin`` emits it instead.
        dbapi_conn.isolation_level = None
        # SQLite's lower() folds ASCII letters only, PostgreSQL's every letter: case-insensitive
        # comparisons and searches (a cluster's name, ``ilike``/``icontains``) must not miss
        # "Образование" or "ÉDUCATION" on SQLite alone. No index is built on lower().
        dbapi_conn.create_function("lower", 1, _unicode_lower, deterministic=True)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.execute("PRAGMA synchronous=NORMAL")
        if mmap_bytes:
            cur.execute(f"PRAGMA mmap_size={mmap_bytes}")
        cur.close()

    return on_connect


def _is_locked(exc: OperationalError) -> bool:
    return "database is locked" in str(exc.orig)


def _try_begin_immediate(conn: Connection, wait_ms: int, busy_ms: int) -> bool:
    """BEGIN IMMEDIATE waiting at most ``wait_ms`` for the write lock; False if it stayed taken."""
    conn.exec_driver_sql(f"PRAGMA busy_timeout={wait_ms}")
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        return True
    except OperationalError as exc:
        if not _is_locked(exc):
            raise
        return False
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={busy_ms}")


def _sqlite_begin(busy_ms: int, on_write_busy: WriteBusyCheck | None) -> Callable[[Connection], None]:
    """Reads get a deferred BEGIN: in WAL mode they read a snapshot and never wait for a lock.
    ``execution_options(sqlite_immediate=True)`` (a write request, an import run) takes the write
    lock at once, so two writers queue instead of failing when the second upgrades its snapshot.

    With ``on_write_busy``, a writer that finds the write lock taken, and still taken after a short
    grace (other writers hold it for milliseconds; an import holds the import lock while it downloads,
    without the write lock), asks ``on_write_busy`` whether waiting is pointless: it raises when an
    import holds the lock for its whole run. Once that was seen, writers skip the grace for a while.
    Otherwise the writer waits as usual.
    """
    import_seen_at = [float("-inf")]

    def begin(conn: Connection) -> None:
        if not conn.get_execution_options().get("sqlite_immediate"):
            conn.exec_driver_sql("BEGIN")
            return
        if on_write_busy is None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        if _try_begin_immediate(conn, 0, busy_ms):
            return
        recently_seen = time.monotonic() - import_seen_at[0] < IMPORT_SEEN_SECONDS
        if not recently_seen and _try_begin_immediate(conn, min(GRACE_MS, busy_ms), busy_ms):
            return
        try:
            on_write_busy(conn)
        except Exception:
            import_seen_at[0] = time.monotonic()
            raise
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return begin


def _postgresql_lock_timeout(ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # A request waiting for a row lock held by a long transaction (an import) is told to come
        # back (LockNotAvailable, 503) rather than holding its thread and connection meanwhile.
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {ms}")
        dbapi_conn.commit()

    return on_connect


# The column the full-text search matches on PostgreSQL (app.recommendations.search renders it).
TEXT_SEARCH_COLUMN = "recommendation_search.search_tsv"
_TEXT_MATCH = TEXT_SEARCH_COLUMN + " @@"
# PostgreSQL prices matching a row's search document (``@@``) as a trifle; it costs 1-2 µs (the
# document's tsvector read and walked). For a word in a tenth of the documents it then read every
# document rather than the full-text index's matches: at 250,000 ``q=détention`` counted in 185 ms
# rather than 71, its first ranked page in 205 ms rather than 110. A statement that searches the
# text is planned with random reads priced as PostgreSQL advises for solid-state or cached storage
# (random_page_cost 1.1, or the server's own setting if lower), for the rest of its transaction.
_TEXT_SEARCH_PLANS = (
    "SELECT set_config('random_page_cost', "
    "least(current_setting('random_page_cost')::float8, 1.1)::text, true)"
)


def _text_search_plans(
    _conn: Any, cursor: Any, statement: str, _parameters: Any, _context: Any, _executemany: bool
) -> None:
    if _TEXT_MATCH in statement:
        cursor.execute(_TEXT_SEARCH_PLANS)


def make_engine(
    url: str, limits: EngineLimits | None = None, *, on_write_busy: WriteBusyCheck | None = None
) -> Engine:
    """An engine on ``url``. ``limits`` default to long waits and no connect timeout (the CLI's and the
    import's are ``command_limits``);
    ``on_write_busy`` (SQLite only) may refuse a writer at once when the write lock is taken."""
    limits = limits or EngineLimits()
    url = normalise_url(url)
    parsed = make_url(url)
    # Enough connections for every worker thread (anyio runs sync routes on 40 by default), and a
    # bounded wait for one when they are all out: a burst is answered 503 in seconds, not queued.
    pool_args: dict[str, Any] = {
        "pool_size": limits.pool_size,
        "max_overflow": limits.max_overflow,
        "pool_timeout": limits.pool_timeout,
    }
    # A failed statement's message (logged with a 500's traceback, kept as an import's reason) names
    # the statement but not its values: a person's email, a narrative, a password hash.
    hidden = {"hide_parameters": True}
    if is_sqlite(url):
        if parsed.database in (None, "", ":memory:"):
            pool_args = {}  # one connection per thread (SingletonThreadPool): nothing to size
        engine = create_engine(url, connect_args={"check_same_thread": False}, **hidden, **pool_args)
        busy = limits.lock_timeout if limits.lock_timeout is not None else DEFAULT_SQLITE_BUSY_SECONDS
        busy_ms = max(1, round(busy * 1000))
        event.listen(engine, "connect", _sqlite_pragmas(busy_ms, limits.sqlite_mmap_bytes))
        event.listen(engine, "begin", _sqlite_begin(busy_ms, on_write_busy))
        event.listen(engine, "handle_error", duplicate_refused)
        return engine
    connect_args: dict[str, Any] = {}
    if limits.connect_timeout is not None and "connect_timeout" not in parsed.query:
        # A server that accepts connections but never answers (frozen, or packets dropped on the way)
        # held each request's thread for psycopg's 130 s before its 503.
        connect_args["connect_timeout"] = limits.connect_timeout
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args, **hidden, **pool_args)
    event.listen(engine, "handle_error", duplicate_refused)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "before_cursor_execute", _text_search_plans)
    if limits.lock_timeout is not None and engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_lock_timeout(max(1, round(limits.lock_timeout * 1000))))
    return engine


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    return make_engine(settings.database_url, command_limits(settings))


@lru_cache
def _session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def new_session(engine: Engine | None = None) -> Session:
    return _session_factory(engine or get_engine())()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    session = new_session(engine)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# PostgreSQL's SQLSTATE for "permission denied" (insufficient_privilege): the tables belong to another
# role (a restore run as another user), which neither waiting nor ``nrtd migrate`` mends.
PERMISSION_DENIED = "42501"


def permission_denied(exc: BaseException) -> bool:
    """``exc`` (a SQLAlchemy error or the driver's own) is PostgreSQL's "permission denied"."""
    return getattr(getattr(exc, "orig", exc), "sqlstate", None) == PERMISSION_DENIED


def masked_url(url: str) -> str:
    """The URL with its password replaced, also when it does not parse (then it may still hold one)."""
    # Up to the last @: a password may hold a / or # its writer did not encode.
    return re.sub(r"(://[^:/@]*:).*@", r"\1***@", url)


def first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def off_index(column: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """``column`` as SQLite must not look it up by its index: the unary ``+``, SQLite's documented
    way to keep a term off an index (unchanged on PostgreSQL, which plans from statistics).

    SQLite has no statistics unless ANALYZE has run, and then prefers any equality index: for
    ``withdrawn = false`` it walks every current recommendation through ix_recommendations_withdrawn,
    where another index (the newest-first walk, a mechanism's rows, a small table's ids) would stop
    after a few rows.
    """
    if dialect != "sqlite":
        return column
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def rows_for_ids(session: Session, sql: str, ids: Sequence[int]) -> list[Any]:
    """The rows (``Row``) of ``sql``, a fixed statement in plain SQL where ``{ids}`` stands for "is one of
    ``ids``" (any number of times), run in the session's transaction by the driver itself.

    For the few statements a list page runs for its rows (texts, terms, entities, links): building
    such a statement with SQLAlchemy, looking up its compiled form and running it through the ORM
    took 4 to 8 times what the database took (0.98 against 0.12 ms for 50 rows' texts). Only ids
    are bound, each as a parameter: no value a user typed reaches the SQL text.
    """
    if not ids:
        return []
    conn = session.connection()
    values = [int(value) for value in ids]
    uses = sql.count("{ids}")
    if conn.dialect.name == "postgresql":
        return list(conn.exec_driver_sql(sql.format(ids="= ANY(%s)"), tuple([values] * uses)).fetchall())
    marks = "IN (" + ",".join("?" * len(values)) + ")"
    return list(conn.exec_driver_sql(sql.format(ids=marks), tuple(values * uses)).fetchall())
