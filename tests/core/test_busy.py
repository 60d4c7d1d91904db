"""A busy database answers promptly: reads stay fast during an import, writes that cannot get a lock
or a connection are 503 with Retry-After, never a 500 and never a long wait.

The import is a real run (``import_lock`` + ``execute_run``) stopped inside its transaction, on an
engine of its own like the CLI's, while a real server answers on 127.0.0.1 with tiny timeouts.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.core.config import Settings
from app.import_runs.lock import import_lock, import_running
from app.main import create_app
from importers.pipeline.upserter import Upserter
from importers.run_record import RunSpec, RunSummary, execute_run
from tests import accounts
from tests.factories import import_records, record
from tests.live_server import live_server

# A request that waited for a lock would take LOCK_TIMEOUT; one answered promptly, well under PROMPT even
# on a loaded two-core test machine. The gap between them is what the tests measure.
LOCK_TIMEOUT = 10.0
PROMPT = 2.5
SHORT_TIMEOUT = 0.5  # where a test waits the timeout out
CLUSTER_WRITERS = 60
# The reading client of a burst reads as fast as it is answered, for as long as the writes take: past
# the public rate limit (120 a minute) on a slow machine. Its subject is concurrency, not that limit.
UNLIMITED_READS = {"public_rate_limit": 10**6}


@pytest.fixture
def busy_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"db_lock_timeout": LOCK_TIMEOUT, "db_pool_timeout": SHORT_TIMEOUT, **UNLIMITED_READS}
    )


@pytest.fixture
def base_url(busy_settings: Settings, engine: Engine) -> Iterator[str]:
    with live_server(busy_settings) as url:
        yield url


@contextmanager
def import_in_progress(engine: Engine) -> Iterator[None]:
    """A real import run holding the import lock and its open transaction (SQLite's write lock) until
    the block ends; it then commits."""
    inside, release = threading.Event(), threading.Event()
    summaries: list[RunSummary] = []
    spec = RunSpec("uhri", "json", "tests/busy", None, False, ["en"])

    def feed(upserter: Upserter) -> None:
        upserter.consume([record("busy-import", "<p>1. Imported while the API is in use.</p>")])
        inside.set()
        release.wait(60)

    def run() -> None:
        with import_lock(engine, ttl_seconds=60):
            summaries.append(execute_run(engine, spec, feed))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        assert inside.wait(30), "the import did not start"
        yield
    finally:
        release.set()
        thread.join(60)
    assert summaries and summaries[0].ok, summaries


def _timed(send: Any) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = send()
    return response, time.monotonic() - started


def test_import_running_says_whether_an_import_holds_the_lock(engine: Engine) -> None:
    assert not import_running(engine)
    with import_in_progress(engine):
        assert import_running(engine)
    assert not import_running(engine)


@pytest.mark.slow
def test_reads_stay_fast_and_writes_are_refused_at_once_during_an_import(
    base_url: str, engine: Engine
) -> None:
    import_records(engine, [record("busy-1", "<p>1. Ratify the convention.</p>")])
    headers = accounts.headers_for(engine, "coordinator")
    paths = ("/api/v1/public/recommendations", "/", "/api/v1/import-runs")
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for path in paths:  # a route's first answer pays for its setup (templates, dependencies)
            assert client.get(path, headers=headers).status_code == 200
    with httpx.Client(base_url=base_url, timeout=30) as client, import_in_progress(engine):
        for path in paths:
            response, took = _timed(lambda path=path: client.get(path, headers=headers))
            assert response.status_code == 200, (path, response.text)
            assert took < PROMPT, f"GET {path} took {took:.2f} s during an import"
        response, took = _timed(
            lambda: client.post(
                "/api/v1/entities", json={"name": "Ministry", "kind": "ministry"}, headers=headers
            )
        )
        if engine.dialect.name == "sqlite":
            # The import holds SQLite's only write lock for its whole run: no point in waiting for it.
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"].endswith("/import-running")
            assert int(response.headers["Retry-After"]) > 0
            assert took < PROMPT, f"the refusal took {took:.2f} s"
        else:
            assert response.status_code == 201, response.text  # PostgreSQL writers do not queue
    with httpx.Client(base_url=base_url, timeout=30) as client:
        retried = client.post(
            "/api/v1/entities", json={"name": "Ministry", "kind": "ministry"}, headers=headers
        )
        assert retried.status_code in (201, 409), retried.text


def _cluster_burst(base_url: str, headers: dict[str, str], reads: list[float]) -> Counter[int]:
    """CLUSTER_WRITERS concurrent cluster creations while one client keeps reading."""
    statuses: Counter[int] = Counter()
    refused: list[str] = []  # a read's failure, which its thread cannot raise into the test
    barrier = threading.Barrier(CLUSTER_WRITERS + 1)
    done = threading.Event()
    limits = httpx.Limits(max_connections=CLUSTER_WRITERS + 1)
    with (
        httpx.Client(base_url=base_url, headers=headers, timeout=60, limits=limits) as writer,
        httpx.Client(base_url=base_url, timeout=60) as reader,
    ):
        assert reader.get("/api/v1/public/recommendations").status_code == 200  # the route's setup

        def write(number: int) -> None:
            barrier.wait()
            statuses[writer.post("/api/v1/clusters", json={"name": f"Cluster {number}"}).status_code] += 1

        def read() -> None:
            barrier.wait()
            while not done.is_set():
                response, took = _timed(lambda: reader.get("/api/v1/public/recommendations"))
                if response.status_code != 200:
                    refused.append(f"{response.status_code}: {response.text}")
                    return
                reads.append(took)

        writers = [threading.Thread(target=write, args=(n,)) for n in range(CLUSTER_WRITERS)]
        reading = threading.Thread(target=read)
        for thread in [*writers, reading]:
            thread.start()
        for thread in writers:
            thread.join()
        done.set()
        reading.join()
    assert not refused, refused
    return statuses


def _assert_reads_kept_up(reads: list[float]) -> None:
    # Reads do not queue behind the writes: they take no lock, and writers wait for their turn
    # without holding server threads or connections.
    assert reads, "no read finished during the burst"
    assert max(reads) < PROMPT, f"slowest read {max(reads):.2f} s during the burst"


@pytest.mark.slow
def test_concurrent_cluster_writes_during_an_import_are_never_a_500(base_url: str, engine: Engine) -> None:
    headers = accounts.headers_for(engine, "coordinator")
    reads: list[float] = []
    with import_in_progress(engine):
        statuses = _cluster_burst(base_url, headers, reads)
    assert set(statuses) <= {201, 409, 412, 503}, statuses
    assert sum(statuses.values()) == CLUSTER_WRITERS
    if engine.dialect.name == "sqlite":
        assert statuses[503] == CLUSTER_WRITERS, statuses
    else:
        # PostgreSQL writes while the import runs; those that wait longer than the tiny timeout
        # for a turn among this burst are told to come back.
        assert statuses[201] > 0, statuses
    _assert_reads_kept_up(reads)


@pytest.mark.slow
def test_concurrent_cluster_writes_without_an_import_all_succeed(settings: Settings, engine: Engine) -> None:
    # Write requests queue for their turn without holding server threads: none times out behind the
    # others (a generous lock timeout keeps a loaded test machine from deciding the outcome).
    headers = accounts.headers_for(engine, "coordinator")
    reads: list[float] = []
    with live_server(settings.model_copy(update={"db_lock_timeout": 30.0, **UNLIMITED_READS})) as url:
        statuses = _cluster_burst(url, headers, reads)
    assert statuses == Counter({201: CLUSTER_WRITERS}), statuses
    _assert_reads_kept_up(reads)


def test_a_write_blocked_by_another_writer_is_503_after_the_short_timeout(
    busy_settings: Settings, engine: Engine
) -> None:
    headers = accounts.headers_for(engine, "coordinator")
    app = create_app(busy_settings.model_copy(update={"db_lock_timeout": SHORT_TIMEOUT}))
    body = {"name": "Ministry", "kind": "ministry"}
    try:
        with TestClient(app) as client:
            entity = client.post("/api/v1/entities", json=body, headers=headers)
            assert entity.status_code == 201, entity.text
            path = f"/api/v1/entities/{entity.json()['id']}"
            patch = {"name": "Ministry of Justice"}
            with _another_writer(engine, entity.json()["id"]):
                response, took = _timed(
                    lambda: client.patch(
                        path, json=patch, headers={**headers, "If-Match": entity.headers["ETag"]}
                    )
                )
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"].endswith("/busy")
            assert int(response.headers["Retry-After"]) > 0
            assert SHORT_TIMEOUT * 0.8 < took < SHORT_TIMEOUT + PROMPT, f"answered after {took:.2f} s"
            retried = client.patch(path, json=patch, headers={**headers, "If-Match": entity.headers["ETag"]})
            assert retried.status_code == 200, retried.text
    finally:
        app.state.engine.dispose()


def test_a_write_is_not_refused_while_an_import_only_downloads(
    busy_settings: Settings, engine: Engine
) -> None:
    # An import holds the import lock while it downloads, without the write lock; a write that meets
    # another writer's lock for a few milliseconds meanwhile waits for it instead of being refused.
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock")
    headers = accounts.headers_for(engine, "coordinator")
    app = create_app(busy_settings)
    holder = sqlite3.connect(engine.url.database or "", isolation_level=None, check_same_thread=False)
    try:
        with TestClient(app) as client, import_lock(engine, ttl_seconds=60):
            assert import_running(engine)
            warm = client.post(
                "/api/v1/entities", json={"name": "Court", "kind": "judiciary"}, headers=headers
            )
            assert warm.status_code == 201, warm.text  # the route's setup, before the timing below
            holder.execute("BEGIN IMMEDIATE")  # a login or a rate-limit count, say
            releasing = threading.Timer(0.15, holder.execute, ("ROLLBACK",))
            releasing.start()
            response = client.post(
                "/api/v1/entities", json={"name": "Ministry", "kind": "ministry"}, headers=headers
            )
            releasing.join()
            assert response.status_code == 201, response.text
    finally:
        holder.close()
        app.state.engine.dispose()


@contextmanager
def _another_writer(engine: Engine, entity_id: int) -> Iterator[None]:
    """Another process's write transaction: SQLite's write lock, or a PostgreSQL row lock on the entity."""
    if engine.dialect.name == "sqlite":
        holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT id FROM entities WHERE id = :id FOR UPDATE"), {"id": entity_id})
        yield
        conn.rollback()


def test_no_free_connection_is_503_not_500(busy_settings: Settings, engine: Engine) -> None:
    settings = busy_settings.model_copy(update={"db_pool_size": 1, "db_max_overflow": 0})
    app = create_app(settings)
    try:
        with TestClient(app) as client, app.state.engine.connect():  # the only connection, taken
            response, took = _timed(lambda: client.get("/api/v1/public/recommendations"))
            assert response.status_code == 503, response.text
            assert response.json()["type"].endswith("/busy")
            assert int(response.headers["Retry-After"]) > 0
            assert took < SHORT_TIMEOUT + PROMPT
        with TestClient(app) as client:
            assert client.get("/api/v1/public/recommendations").status_code == 200
    finally:
        app.state.engine.dispose()
