"""Per-client request limits for the public routes and pages, one budget shared by every replica.

A fixed window per client and minute (``NRTD_PUBLIC_RATE_LIMIT`` requests). The count lives where
every replica sees it: in Redis when ``NRTD_REDIS_URL`` is set, else in a small table of the database
(one UPSERT per request, on connections of its own that never wait long), or, with
``NRTD_RATE_LIMIT_STORE=memory``, in the process (each replica then counts alone).

When the shared store does not answer (Redis down, SQLite's write lock held by an import), the replica
counts alone for a few seconds rather than failing or delaying the request: a limit briefly per
replica is better than public reads that wait on an import.

Each answer carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` (seconds to
the end of the window; IETF draft-ietf-httpapi-ratelimit-headers), a 429 also ``Retry-After``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine, create_engine, event, text

from app.core.db import is_sqlite, masked_url, normalise_url
from app.core.errors import TooManyRequests

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from app.core.config import Settings

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60
TABLE = "rate_limit_windows"  # app.models.ratelimit maps it for the migrations
SHARED_STORE_BACKOFF = 5.0  # seconds a replica counts alone after the shared store failed
SQLITE_BUSY_MS = 250  # a count holds the write lock for well under a millisecond; longer: an import holds it
MAX_CLIENTS = 100_000  # counts a process keeps in memory; the oldest are dropped first
SQLITE_CHECKPOINT_EVERY = 1000  # counts (about a WAL page each), SQLite's own default in pages
STATE_KEY = "ratelimit"  # where the request's quota waits for RateLimitHeadersMiddleware
# The headers as the OpenAPI document describes them (app.main adds them to the public routes).
RATE_LIMIT_HEADERS: dict[str, Any] = {
    "RateLimit-Limit": {
        "description": "Requests a client may send per window",
        "schema": {"type": "integer"},
    },
    "RateLimit-Remaining": {"description": "Requests left in this window", "schema": {"type": "integer"}},
    "RateLimit-Reset": {"description": "Seconds until the window ends", "schema": {"type": "integer"}},
}


@dataclass(frozen=True, slots=True)
class Quota:
    limit: int
    remaining: int
    reset: int  # seconds until the window ends

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }


class CounterStore(Protocol):
    def add(self, client: str, window: int, cost: int) -> int:
        """Add ``cost`` to ``client``'s count in ``window``; the count after adding."""

    def clear(self) -> None:
        """Forget every count (tests start each case from a full budget)."""

    def close(self) -> None: ...


class MemoryCounter:
    """Counts of this process only."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def add(self, client: str, window: int, cost: int) -> int:
        with self._lock:
            if self._counts and next(iter(self._counts))[1] < window:
                # Windows only move forward: dropping the past ones bounds memory to one minute's clients.
                self._counts = {key: n for key, n in self._counts.items() if key[1] >= window}
            count = self._counts.get((client, window), 0) + cost
            self._counts[(client, window)] = count
            if len(self._counts) > MAX_CLIENTS:  # a flood of new addresses: forget the oldest first
                del self._counts[next(iter(self._counts))]
            return count

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()

    def close(self) -> None:
        self.clear()


_UPSERT = text(
    f"INSERT INTO {TABLE} (client, window_start, hits) VALUES (:client, :window, :cost) "
    f"ON CONFLICT (client, window_start) DO UPDATE SET hits = {TABLE}.hits + excluded.hits "
    "RETURNING hits"
)


class DatabaseCounter:
    """Counts in the ``rate_limit_windows`` table, each UPSERT committed on its own."""

    def __init__(self, url: str) -> None:
        self.engine = _counter_engine(url)
        self.label = "the database (its rate_limit_windows table)"
        # SQLite: take the write lock before reading the row. A statement that reads first and then
        # upgrades gets "database is locked" at once, without waiting, when another writer commits
        # in between; BEGIN IMMEDIATE waits for its turn (at most SQLITE_BUSY_MS).
        self._begin = "BEGIN IMMEDIATE" if self.engine.dialect.name == "sqlite" else None
        # SQLite: one count at a time per process. The request threads then queue on this lock, which
        # hands over in microseconds, rather than in SQLite's busy handler, which sleeps in steps of
        # up to 100 ms and so turned a busy moment into the store's failure.
        self._turn = threading.Lock() if self._begin else None
        self._swept = 0  # the window whose older rows this process last deleted
        self._since_checkpoint = 0

    def add(self, client: str, window: int, cost: int) -> int:
        if self._turn is None:
            return self._add(client, window, cost)
        if not self._turn.acquire(timeout=SQLITE_BUSY_MS / 1000):
            raise TimeoutError("the rate limit counts of this process are queued up")
        try:
            count = self._add(client, window, cost)
            self._since_checkpoint += 1
            checkpoint = self._since_checkpoint >= SQLITE_CHECKPOINT_EVERY
            if checkpoint:
                self._since_checkpoint = 0
        finally:
            self._turn.release()
        if checkpoint:
            # Outside the turn, which the others need: a passive checkpoint lets writers go on.
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        return count

    def _add(self, client: str, window: int, cost: int) -> int:
        with self.engine.connect() as conn:
            if self._begin:
                conn.exec_driver_sql(self._begin)
            try:
                params = {"client": client, "window": window, "cost": cost}
                count = conn.execute(_UPSERT, params).scalar_one()
                if self._swept < window:
                    self._swept = window
                    conn.execute(
                        text(f"DELETE FROM {TABLE} WHERE window_start < :window"), {"window": window}
                    )
            except BaseException:
                if self._begin:
                    conn.exec_driver_sql("ROLLBACK")
                raise
            if self._begin:
                conn.exec_driver_sql("COMMIT")
        return int(count)

    def clear(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text(f"DELETE FROM {TABLE}"))

    def close(self) -> None:
        self.engine.dispose()


def _counter_engine(url: str) -> Engine:
    """Autocommit connections that give up quickly: a count is never worth making a reader wait."""
    url = normalise_url(url)
    if is_sqlite(url):
        engine = create_engine(
            url,
            isolation_level="AUTOCOMMIT",
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000},
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
            cur.execute("PRAGMA synchronous=NORMAL")  # WAL: no fsync per count
            # A commit that fills the WAL would checkpoint it (an fsync) while holding the turn every
            # count waits for; DatabaseCounter.add checkpoints after letting go of it instead.
            cur.execute("PRAGMA wal_autocheckpoint=0")
            cur.close()

        return engine
    return create_engine(
        url,
        isolation_level="AUTOCOMMIT",
        pool_size=2,
        max_overflow=8,
        pool_timeout=0.5,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 2, "options": "-c statement_timeout=500"},
    )


class RedisCounter:
    """Counts in Redis: one key per client and window, expiring after the window."""

    def __init__(self, url: str, prefix: str = "nrtd:ratelimit:") -> None:
        import redis  # only instances that use Redis pay for importing it

        self.prefix = prefix
        self.client = redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        # What the log names when it does not answer: the setting, its password masked.
        self.label = f"Redis (NRTD_REDIS_URL={masked_url(url)})"

    def add(self, client: str, window: int, cost: int) -> int:
        key = f"{self.prefix}{window}:{client}"
        pipe = self.client.pipeline(transaction=True)
        pipe.set(key, 0, ex=2 * WINDOW_SECONDS, nx=True)
        pipe.incrby(key, cost)
        return int(pipe.execute()[1])

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.prefix}*", count=1000))
        if keys:
            self.client.delete(*keys)

    def close(self) -> None:
        self.client.close()


class RateLimiter:
    def __init__(self, per_minute: int, store: CounterStore | None = None) -> None:
        self.limit = per_minute
        self.store = store  # None: this process only
        self._local = MemoryCounter()
        self._shared_down_until = 0.0

    def hit(self, client: str, cost: int = 1, now: float | None = None) -> Quota:
        """Take ``cost`` requests from ``client``'s allowance, or raise 429 saying when to come back.

        Heavy work (an export) costs more than one request; never more than the whole budget, which
        would refuse it for ever."""
        now = time.time() if now is None else now  # wall time: every replica agrees on the window
        window = int(now // WINDOW_SECONDS)
        reset = max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999))
        count = self._add(client, window, min(cost, self.limit), now)
        quota = Quota(self.limit, max(0, self.limit - count), reset)
        if count > self.limit:
            raise TooManyRequests(
                f"more than {self.limit} requests a minute from this client; slow down",
                retry_after=reset,
                headers={**quota.headers(), "Retry-After": str(reset)},
            )
        return quota

    def _add(self, client: str, window: int, cost: int, now: float) -> int:
        if self.store is not None and now >= self._shared_down_until:
            try:
                return self.store.add(client, window, cost)
            except Exception as exc:  # any failure of the store: count here rather than fail the read
                was_up = now >= self._shared_down_until
                self._shared_down_until = now + SHARED_STORE_BACKOFF
                if was_up:  # once per outage, not once per waiting request
                    log.warning(
                        "rate limit store %s did not answer (%s); this replica counts alone for %.0f s",
                        getattr(self.store, "label", type(self.store).__name__),
                        str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                        SHARED_STORE_BACKOFF,
                    )
        return self._local.add(client, window, cost)

    def reset(self) -> None:
        self._local.clear()
        self._shared_down_until = 0.0
        if self.store is not None:
            self.store.clear()

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def make_rate_limiter(settings: Settings) -> RateLimiter:
    store: CounterStore | None
    kind = settings.rate_limit_store
    if kind == "auto":
        kind = "redis" if settings.redis_url else "database"
    if kind == "redis":
        store = RedisCounter(settings.redis_url, prefix=f"{settings.redis_prefix}ratelimit:")
    elif kind == "database":
        store = DatabaseCounter(settings.database_url)
    else:
        store = None
    return RateLimiter(settings.public_rate_limit, store)


def client_key(address: str | None, user_id: int | None = None, api_key_id: int | None = None) -> str:
    """The client a request counts against: its account or API key when it sent valid credentials
    (logging in again gives no fresh allowance), else its address."""
    if api_key_id is not None:
        return f"key:{api_key_id}"
    if user_id is not None:
        return f"user:{user_id}"
    return "ip:" + (address or "unknown")


class RateLimitHeadersMiddleware:
    """Adds the request's quota (left in its state by the public routes' dependency) to the answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_quota(message: Message) -> None:
            if message["type"] == "http.response.start":
                quota = scope.get("state", {}).get(STATE_KEY)
                if isinstance(quota, Quota):
                    present = {name.lower() for name, _ in message.get("headers", [])}
                    extra = [
                        (name.lower().encode(), value.encode())
                        for name, value in quota.headers().items()
                        if name.lower().encode() not in present  # a 429 already carries its own
                    ]
                    message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_quota)
