"""The public rate limit: its window, its stores (process, database, Redis) and who counts as a client.

The HTTP behaviour is tested with the public API and, across two real servers, in
tests/core/test_replicas.py.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from app.core.config import Settings
from app.core.errors import TooManyRequests
from app.core.ratelimit import (
    DatabaseCounter,
    RateLimiter,
    RedisCounter,
    client_key,
    make_rate_limiter,
)
from tests.apps import app_for
from tests.rate_window import same_minute

REDIS_URL = os.environ.get("NRTD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
T0 = 1_800_000_000.0  # the start of a minute (divisible by 60)


def redis_counter() -> RedisCounter:
    counter = RedisCounter(REDIS_URL, prefix=f"nrtd-test:{uuid.uuid4().hex}:")
    try:
        counter.client.ping()
    except Exception as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    return counter


def test_a_burst_up_to_the_limit_then_429_with_the_wait_and_the_headers() -> None:
    limiter = RateLimiter(3)
    quotas = [limiter.hit("a", now=T0 + 15) for _ in range(3)]
    assert [q.remaining for q in quotas] == [2, 1, 0]
    assert quotas[0].headers() == {
        "RateLimit-Limit": "3",
        "RateLimit-Remaining": "2",
        "RateLimit-Reset": "45",
    }
    with pytest.raises(TooManyRequests) as refused:
        limiter.hit("a", now=T0 + 15)
    assert refused.value.headers == {
        "RateLimit-Limit": "3",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "45",
        "Retry-After": "45",
    }
    limiter.hit("b", now=T0 + 15)  # another client has its own allowance
    assert limiter.hit("a", now=T0 + 60).remaining == 2  # the next minute starts afresh


def test_a_heavy_request_costs_more_but_never_more_than_the_whole_budget() -> None:
    limiter = RateLimiter(10)
    assert limiter.hit("a", cost=4, now=T0).remaining == 6
    with pytest.raises(TooManyRequests):
        limiter.hit("a", cost=7, now=T0)
    assert limiter.hit("b", cost=50, now=T0).remaining == 0  # allowed once a minute, not never


def test_clients_are_their_account_or_key_else_their_address() -> None:
    assert client_key("10.0.0.1") == "ip:10.0.0.1"
    assert client_key(None) == "ip:unknown"
    # Two tokens of one account, from two addresses, are one client.
    assert client_key("10.0.0.1", user_id=7) == client_key("10.0.0.2", user_id=7) == "user:7"
    assert client_key("10.0.0.1", api_key_id=7) == "key:7" != client_key("10.0.0.1", user_id=7)


def test_the_database_store_is_one_budget_for_several_limiters(settings: Settings, engine: Engine) -> None:
    # Two limiters on one database are two replicas: each sees the other's requests.
    first, second = (RateLimiter(4, DatabaseCounter(settings.database_url)) for _ in range(2))
    try:
        assert [first.hit("ip:1", now=T0).remaining, second.hit("ip:1", now=T0).remaining] == [3, 2]
        assert first.hit("ip:1", cost=2, now=T0).remaining == 0
        with pytest.raises(TooManyRequests):
            second.hit("ip:1", now=T0 + 59)
        assert second.hit("ip:1", now=T0 + 60).remaining == 3  # a new minute; the old one is swept
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM rate_limit_windows").scalar_one() == 1
    finally:
        first.close()
        second.close()


def test_the_redis_store_is_one_budget_for_several_limiters() -> None:
    store = redis_counter()
    other = RedisCounter(REDIS_URL, prefix=store.prefix)
    first, second = RateLimiter(3, store), RateLimiter(3, other)
    try:
        assert [first.hit("ip:1", now=T0).remaining, second.hit("ip:1", now=T0).remaining] == [2, 1]
        first.hit("ip:1", now=T0)
        with pytest.raises(TooManyRequests):
            second.hit("ip:1", now=T0)
        ttl = store.client.ttl(f"{store.prefix}{int(T0 // 60)}:ip:1")
        assert 0 < ttl <= 120  # keys expire by themselves
    finally:
        first.reset()
        first.close()
        second.close()


class _Broken:
    def add(self, client: str, window: int, cost: int) -> int:
        raise ConnectionError("store down")

    def clear(self) -> None: ...

    def close(self) -> None: ...


def test_a_store_that_fails_leaves_the_replica_counting_alone() -> None:
    limiter = RateLimiter(2, _Broken())
    limiter.hit("a", now=T0)
    limiter.hit("a", now=T0)  # within the back-off the store is not even asked
    with pytest.raises(TooManyRequests):
        limiter.hit("a", now=T0 + 1)


def test_an_unreachable_redis_does_not_fail_requests(caplog: pytest.LogCaptureFixture) -> None:
    limiter = RateLimiter(5, RedisCounter("redis://:s3cret@127.0.0.1:1/0"))  # nothing listens on port 1
    with caplog.at_level(logging.WARNING, logger="app.core.ratelimit"):
        assert limiter.hit("a", now=T0).remaining == 4
    # It named the class ("rate limit store RedisCounter did not answer"), not the setting.
    [warning] = [r.getMessage() for r in caplog.records if r.name == "app.core.ratelimit"]
    assert warning.startswith(
        "rate limit store Redis (NRTD_REDIS_URL=redis://:***@127.0.0.1:1/0) did not answer ("
    ), warning


@pytest.fixture
def redis_settings(settings: Settings) -> Iterator[Settings]:
    redis_counter()  # skips without Redis
    yield settings.model_copy(update={"redis_url": REDIS_URL})


def test_the_store_follows_the_settings(settings: Settings, redis_settings: Settings) -> None:
    limiters = [
        make_rate_limiter(settings),
        make_rate_limiter(redis_settings),
        make_rate_limiter(settings.model_copy(update={"rate_limit_store": "memory"})),
        make_rate_limiter(redis_settings.model_copy(update={"rate_limit_store": "database"})),
    ]
    try:
        kinds = [type(limiter.store).__name__ for limiter in limiters]
        assert kinds == ["DatabaseCounter", "RedisCounter", "NoneType", "DatabaseCounter"]
    finally:
        for limiter in limiters:
            limiter.close()


def test_settings_refuse_a_redis_store_without_a_url() -> None:
    with pytest.raises(ValueError, match="NRTD_REDIS_URL"):
        Settings(rate_limit_store="redis")
    with pytest.raises(ValueError, match="redis://"):
        Settings(redis_url="http://cache:6379")


def test_settings_refuse_counting_in_memory_beside_a_redis_url() -> None:
    # Taken as given, each server process counted alone while the operator believed the replicas
    # shared Redis: N processes allowed N times NRTD_PUBLIC_RATE_LIMIT, without a word.
    with pytest.raises(ValueError) as refused:
        Settings(rate_limit_store="memory", redis_url="redis://cache:6379/0")
    assert (
        "is ignored with NRTD_RATE_LIMIT_STORE=memory, which counts the public rate limit in each server "
        "process alone: N processes or replicas allow N times NRTD_PUBLIC_RATE_LIMIT; set "
        "NRTD_RATE_LIMIT_STORE=redis (or auto) to share the counts in Redis, or remove NRTD_REDIS_URL"
    ) in str(refused.value)
    assert Settings(rate_limit_store="memory").rate_limit_store == "memory"  # one process, alone: fine
    for shared in ("auto", "redis"):
        Settings(rate_limit_store=shared, redis_url="redis://cache:6379/0")


def test_settings_refuse_counting_in_the_database_beside_a_redis_url() -> None:
    # The Redis URL, which serves nothing else, was ignored without a word: every public request wrote
    # a row to the database while the operator believed the counts were in Redis (and watched it).
    with pytest.raises(ValueError) as refused:
        Settings(rate_limit_store="database", redis_url="redis://cache:6379/0")
    assert (
        "is ignored with NRTD_RATE_LIMIT_STORE=database, which counts the public rate limit in the "
        "database (a write for each public request); set NRTD_RATE_LIMIT_STORE=redis (or auto) to count "
        "in Redis, or remove NRTD_REDIS_URL"
    ) in str(refused.value)
    assert Settings(rate_limit_store="database").rate_limit_store == "database"


def test_public_answers_carry_the_quota(settings: Settings, engine: Engine) -> None:
    from fastapi.testclient import TestClient

    same_minute()
    client = TestClient(app_for(settings.model_copy(update={"public_rate_limit": 2})))
    first = client.get("/api/v1/public/recommendations")
    assert first.status_code == 200
    assert first.headers["RateLimit-Limit"] == "2" and first.headers["RateLimit-Remaining"] == "1"
    assert 1 <= int(first.headers["RateLimit-Reset"]) <= 60
    client.get("/api/v1/public/recommendations")
    refused = client.get("/api/v1/public/recommendations")
    assert refused.status_code == 429
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert refused.headers["Retry-After"] == refused.headers["RateLimit-Reset"]
    assert "RateLimit-Limit" not in client.get("/healthz").headers  # only what is limited says so


def test_logging_in_again_gives_no_fresh_allowance(settings: Settings, engine: Engine) -> None:
    from fastapi.testclient import TestClient

    from tests import accounts

    user = accounts.create_user(engine, "reader@example.org", "reader")
    tokens = [accounts.issue_token(engine, user) for _ in range(3)]
    same_minute()
    client = TestClient(app_for(settings.model_copy(update={"public_rate_limit": 3})))
    url = "/api/v1/public/recommendations"
    statuses = [client.get(url, headers=accounts.bearer(token)).status_code for token in tokens]
    assert statuses == [200, 200, 200]
    fresh = accounts.issue_token(engine, user)
    assert client.get(url, headers=accounts.bearer(fresh)).status_code == 429
    # Another account, and an anonymous caller, each have their own allowance.
    assert client.get(url, headers=accounts.headers_for(engine, "reader")).status_code == 200
    assert client.get(url).status_code == 200


def test_a_wrong_credential_costs_its_sender(settings: Settings, engine: Engine) -> None:
    from fastapi.testclient import TestClient

    same_minute()
    client = TestClient(app_for(settings.model_copy(update={"public_rate_limit": 2})))
    url = "/api/v1/public/recommendations"
    wrong = {"Authorization": "Bearer not-a-token"}
    assert [client.get(url, headers=wrong).status_code for _ in range(2)] == [401, 401]
    assert client.get(url, headers=wrong).status_code == 429
    assert client.get(url).status_code == 429  # the same address


def test_an_import_holding_sqlite_s_write_lock_does_not_hold_up_public_reads(
    settings: Settings, engine: Engine
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL writers lock rows, not the database")
    limiter = RateLimiter(5, DatabaseCounter(settings.database_url))
    importer = engine.raw_connection()
    try:
        importer.execute("BEGIN IMMEDIATE")  # what an import's transaction holds for minutes
        first = limiter.hit("ip:1", now=T0)  # waits a moment for the lock, then counts here
        assert first.remaining == 4 and limiter._shared_down_until > T0
        for _ in range(4):  # the next ones do not wait at all: the store is left alone for a while
            limiter.hit("ip:1", now=T0 + 1)
        with pytest.raises(TooManyRequests):
            limiter.hit("ip:1", now=T0 + 1)
    finally:
        importer.execute("ROLLBACK")
        importer.close()
        limiter.close()


def test_sqlite_counts_checkpoint_the_wal_themselves(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write-ahead log only")
    monkeypatch.setattr("app.core.ratelimit.SQLITE_CHECKPOINT_EVERY", 3)
    limiter = RateLimiter(100, DatabaseCounter(settings.database_url))
    try:
        with limiter.store.engine.connect() as conn:  # type: ignore[union-attr]
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 0
        assert [limiter.hit("ip:1", now=T0).remaining for _ in range(7)] == list(range(99, 92, -1))
        assert limiter._shared_down_until == 0  # counted in the database every time
    finally:
        limiter.close()


def test_the_memory_store_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.core.ratelimit.MAX_CLIENTS", 3)
    limiter = RateLimiter(1)
    for address in range(10):  # a flood of fresh addresses in one minute
        limiter.hit(f"ip:{address}", now=T0)
    assert len(limiter._local._counts) == 3


def test_a_key_s_use_noted_on_a_public_read_leaves_the_database_store_counting(
    settings: Settings, engine: Engine
) -> None:
    """A public read with an API key writes when the key was last used (at most once a minute). On
    SQLite that write held the database's write lock in the request's transaction while the rate limit
    counted in the same file: the count waited its 250 ms, failed, and left this replica counting alone
    for a while (a client then had a fresh allowance on each replica)."""
    from fastapi.testclient import TestClient
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.auth.service import new_api_key_secret, secret_hash
    from app.models import ApiKey

    secret = new_api_key_secret()
    with Session(engine) as session, session.begin():
        key = ApiKey(name="dashboard", prefix=secret[:12], key_hash=secret_hash(secret), role="reader")
        session.add(key)
        session.flush()
        key_id = key.id
    same_minute()
    app = app_for(settings.model_copy(update={"rate_limit_store": "database"}))
    response = TestClient(app).get("/api/v1/public/recommendations", headers={"X-API-Key": secret})
    assert response.status_code == 200, response.text
    limiter: RateLimiter = app.state.public_limiter
    assert isinstance(limiter.store, DatabaseCounter)
    assert limiter._shared_down_until == 0  # counted in the database, not alone
    with Session(engine) as session:
        assert session.scalar(select(ApiKey.last_used_at).where(ApiKey.id == key_id)) is not None
