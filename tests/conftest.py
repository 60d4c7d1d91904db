"""Test database: a fresh SQLite file or a fresh PostgreSQL database per run, built by Alembic.

``NRTD_TEST_DB=sqlite`` (default) or ``NRTD_TEST_DB=postgresql`` (the server at
``NRTD_TEST_PG_URL``, default postgresql://postgres@127.0.0.1:5432/postgres). The database is
created for the run and dropped at its end; under ``make test`` each of a run's worker processes
(pytest-xdist, a test file's tests in one of them) has its own.

A test runs in one of two modes, and its signature says which:
- rolled back (``db``): the test's own connection inside a transaction rolled back at its end; the
  apps it talks to run their requests' unit of work on that connection (``bind_app``). Cheap.
- committed (``engine``): for what commits on its own connections (imports, logins, export
  streaming, servers); every table is emptied after the test.
A module's world (``module_world``) is committed once and shared by the module's tests.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path
from typing import TypeVar

import pytest
from alembic import command
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Dialect, Engine, create_engine, delete, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.auth import passwords
from app.core.config import Settings
from app.core.db import make_engine
from app.core.deps import get_db
from app.core.migrations import alembic_config
from app.models import Base, Term
from app.recommendations import kept
from tests import accounts
from tests.apps import app_for, dispose_all, new_test
from tests.browser import _chromium, browser  # noqa: F401  (the end-to-end tests' fixtures)
from tests.collection import split_by_run, world_tests_first
from tests.scratch_databases import scratch_database

# The run holds over a million long-lived objects (the modules, the apps kept per settings, some 70,000
# objects each): with Python's default thresholds a full collection walked them all every few tests, a
# tenth of the run's time. The run collects on more allocations' notice, and rarely in full (its memory
# stays what the run holds); a measurement of the memory the code holds uses the defaults (production_gc).
PRODUCTION_GC = gc.get_threshold()
gc.set_threshold(10_000, 50, 100)


@contextmanager
def production_gc() -> Iterator[None]:
    """Python's default collection thresholds in the block: the memory measured is what a server or a
    command, collecting its garbage as often, would hold."""
    run = gc.get_threshold()
    gc.set_threshold(*PRODUCTION_GC)
    try:
        yield
    finally:
        gc.set_threshold(*run)


ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "app" / "data" / "sample"


# Argon2 at its production cost takes a core and 64 MiB for a few hundred milliseconds per hash or
# check; the tests' logins and password changes made that some twenty seconds per run. They hash with
# argon2id at its smallest cost instead (the same code, the same hash format). Tests marked
# ``argon2_cost`` keep the production parameters: a flood of logins against the verification slots,
# and users made by the ``nrtd`` command (a subprocess, which hashes at production cost) logging in.
PRODUCTION_HASHER = passwords._hasher
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
# From the start: module worlds are built before a test's own fixtures run.
passwords._hasher = CHEAP_HASHER


@pytest.fixture(autouse=True)
def password_cost(request: pytest.FixtureRequest) -> None:
    hasher = PRODUCTION_HASHER if request.node.get_closest_marker("argon2_cost") else CHEAP_HASHER
    if passwords._hasher is not hasher:
        passwords._hasher = hasher
        passwords._dummy.cache_clear()


@pytest.fixture(autouse=True)
def no_app_lent() -> None:
    """The apps the last test was handed may be handed out with other per-request settings now."""
    new_test()


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    """Totals, pages and counts are kept per data version, and data a test's fixtures write straight
    into the tables (rolled back after it) gives no new version: each test starts with none kept."""
    kept.clear_all()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    kind = os.environ.get("NRTD_TEST_DB", "sqlite")
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'nrtd-test.db'}"
        return
    if kind != "postgresql":
        raise pytest.UsageError(f"NRTD_TEST_DB must be sqlite or postgresql, not {kind!r}")
    server = os.environ.get("NRTD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    with scratch_database(server, "nrtd_test") as url:
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            # A test database need not survive a power cut: commits stop waiting for the disk (every
            # connection to it, the servers that tests start included). Durability is PostgreSQL's job.
            conn.execute(text(f'ALTER DATABASE "{make_url(url).database}" SET synchronous_commit = off'))
        admin.dispose()
        yield url


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once a run, which ``own_database`` copies: running the
    migrations takes over half a second of a core, some sixty times a run."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.db"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "head")  # its engine disposed: no WAL left
    assert not path.with_name(f"{path.name}-wal").exists()
    return path


@pytest.fixture
def own_database(tmp_path: Path, _migrated_sqlite: Path) -> str:
    """A migrated SQLite file of the test's own, for a test whose subject is not the database (a
    server's proxy headers, a command refusing its options): it asks for no ``database_url``, so
    the PostgreSQL run leaves it to the SQLite run (``pytest_collection_modifyitems``). A copy of
    the run's migrated file, byte for byte what the migrations write."""
    path = tmp_path / "own.db"
    shutil.copyfile(_migrated_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    command.upgrade(alembic_config(database_url), "head")
    engine = make_engine(database_url)
    yield engine
    dispose_all()  # the shared apps' connections, before the database is dropped
    engine.dispose()


@cache
def _emptying_statements(dialect: Dialect) -> list[str]:
    statements = []
    for table in reversed(Base.metadata.sorted_tables):
        if table.name == "data_versions":
            continue  # the migration's one row, bumped by every data change: never emptied
        emptying = delete(Term).where(Term.kind != "sdg") if table.name == "terms" else table.delete()
        statements.append(str(emptying.compile(dialect=dialect, compile_kwargs={"literal_binds": True})))
    return statements


def reset_data(engine: Engine) -> None:
    """Remove every row a test wrote; keep the migrations' seed (the SDG terms, the data version)."""
    statements = _emptying_statements(engine.dialect)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # One round trip for every table (psycopg sends a script without parameters as is).
            conn.exec_driver_sql(";\n".join(statements))
        else:
            for statement in statements:
                conn.exec_driver_sql(statement)


class _Worlds:
    """The committed worlds of the module running now, and whether the database still holds them."""

    def __init__(self) -> None:
        self.generation = 0  # bumped whenever the database is emptied
        self.built: dict[str, tuple[int, object]] = {}

    def live(self) -> bool:
        return any(generation == self.generation for generation, _ in self.built.values())

    def emptied(self, engine: Engine) -> None:
        reset_data(engine)
        self.generation += 1


_worlds = _Worlds()
# The fixtures that hand out a module's world (each conftest names its own).
WORLD_FIXTURES = frozenset({"world", "seeded"})


def _without_worlds(request: pytest.FixtureRequest, engine: Engine) -> None:
    """A test that uses no module world starts from an empty database, as it always did."""
    if "module_world" not in request.fixturenames and _worlds.live():
        _worlds.emptied(engine)


@pytest.fixture
def engine(request: pytest.FixtureRequest, migrated_engine: Engine) -> Iterator[Engine]:
    """Committed mode: the migrated test database, emptied after the test (imports commit for real)."""
    _without_worlds(request, migrated_engine)
    yield migrated_engine
    _worlds.emptied(migrated_engine)


@pytest.fixture
def db(request: pytest.FixtureRequest, migrated_engine: Engine) -> Iterator[Connection]:
    """Rolled-back mode: the test's connection, in a transaction rolled back at the end of the test.

    Write through it only (``session_on(db)``, the ``tests.accounts`` helpers, an app bound by
    ``bind_app``): on SQLite a write elsewhere would wait for the write lock this transaction holds.
    """
    _without_worlds(request, migrated_engine)
    # The module's world is committed before the test's transaction begins: on SQLite, building it
    # after the test has written would wait for the write lock that transaction holds.
    for name in WORLD_FIXTURES & set(request.fixturenames):
        request.getfixturevalue(name)
    with rolled_back(migrated_engine) as conn:
        yield conn


@contextmanager
def rolled_back(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back when the block ends."""
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            yield conn
        finally:
            transaction.rollback()


def session_on(conn: Connection) -> Session:
    """A session whose commits are savepoints inside ``conn``'s transaction."""
    return Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)


@contextmanager
def bound(app: FastAPI, conn: Connection) -> Iterator[FastAPI]:
    """While the block runs, the app's requests run their unit of work (app.core.deps) on ``conn``:
    only where the request's session comes from changes."""
    app.dependency_overrides[get_db] = lambda: session_on(conn)
    try:
        yield app
    finally:
        app.dependency_overrides.pop(get_db, None)


AppBinder = Callable[[FastAPI], FastAPI]


@pytest.fixture
def bind_app(db: Connection) -> Iterator[AppBinder]:
    """``bind_app(app)``: the app's requests run their unit of work on the test's connection."""
    with ExitStack() as stack:
        yield lambda app: stack.enter_context(bound(app, db))


@pytest.fixture
def writer(request: pytest.FixtureRequest) -> Engine | Connection:
    """Where the test's own writes go, in its mode: ``engine`` (committed) or ``db`` (rolled back)."""
    if "engine" in request.fixturenames:
        committed: Engine = request.getfixturevalue("engine")
        return committed
    conn: Connection = request.getfixturevalue("db")
    return conn


MakeApp = Callable[..., FastAPI]


@pytest.fixture
def make_app(request: pytest.FixtureRequest, settings: Settings) -> MakeApp:
    """``make_app(**settings)``: the shared app with those settings, in the test's mode: bound to its
    rolled-back connection, or as it is when the test is in committed mode (takes ``engine``)."""
    if "engine" in request.fixturenames:
        return lambda **overrides: app_for(settings.model_copy(update=overrides))
    bind: AppBinder = request.getfixturevalue("bind_app")
    # The rate limiter's database store commits on connections of its own, which would race the test's
    # transaction for SQLite's write lock; a rolled-back test counts in memory (test_ratelimit covers it).
    return lambda **overrides: bind(
        app_for(settings.model_copy(update={"rate_limit_store": "memory", **overrides}))
    )


W = TypeVar("W")


class ModuleWorld:
    """``module_world(build, *args)``: ``build(*args)``, committed once for the module's tests.

    A committed test in between empties the database; the next test asking for the world builds it again.
    """

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self, build: Callable[..., W], *args: object) -> W:
        held = _worlds.built.get(self.key)
        if held is None or held[0] != _worlds.generation:
            held = _worlds.built[self.key] = (_worlds.generation, build(*args))
        world: W = held[1]  # type: ignore[assignment]
        return world


@pytest.fixture(scope="module")
def module_world(request: pytest.FixtureRequest, migrated_engine: Engine) -> Iterator[ModuleWorld]:
    """The module's committed world, emptied when the module's last test is done."""
    yield ModuleWorld(request.node.nodeid)
    if _worlds.live():
        _worlds.emptied(migrated_engine)
    _worlds.built.clear()


@pytest.fixture(scope="session")
def export_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's own export cache, rather than the system temp directory's."""
    return tmp_path_factory.mktemp("export-cache")


@pytest.fixture(scope="session")
def storage_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's own NRTD_STORAGE_DIR (evidence files), rather than ./storage."""
    return tmp_path_factory.mktemp("storage")


@pytest.fixture(scope="session")
def _run_settings(database_url: str, export_cache_dir: Path, storage_dir: Path) -> Settings:
    """Read once a run: building Settings reads the environment and .env (5 ms, in most tests)."""
    return Settings(
        database_url=database_url,
        country="Peru",
        uhri_languages="en",
        export_cache_dir=str(export_cache_dir),
        storage_dir=str(storage_dir),
    )


@pytest.fixture
def settings(_run_settings: Settings) -> Settings:
    return _run_settings.model_copy()  # the test's own: what it changes stays in it


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run only the tests that use the test database: the others (parsers, downloads,
    command-line usage, headers) do exactly the same on either run, and the SQLite run has them.
    A test marked ``database_run(kind)`` checks what is the same on either database too, and runs in
    the run it names only (the one that evens out the two runs' times).

    Within a module, the tests on the module's world run first (those that only read it, then those
    that commit on top of it), then the others: a committed test empties the database, and the next
    test on the world would build it again (seconds, on PostgreSQL, for a world built through the
    staff API). Otherwise the order is the file's."""
    kept, elsewhere = split_by_run(items, os.environ.get("NRTD_TEST_DB", "sqlite"))
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = kept
    items[:] = world_tests_first(items)


# HTTP clients on the app, for the staff API tests: ``client`` is logged in as a coordinator (most API
# tests are about what staff see); ``anonymous_client`` carries no credentials; ``headers_for`` gives
# other roles. They are in committed mode (they take ``engine``).


@pytest.fixture
def anonymous_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The app on the test database; ``engine`` (the fixture) empties the database afterwards."""
    with TestClient(app_for(settings)) as test_client:
        yield test_client


@pytest.fixture
def client(anonymous_client: TestClient, engine: Engine) -> TestClient:
    anonymous_client.headers.update(accounts.headers_for(engine, "coordinator"))
    return anonymous_client


@pytest.fixture
def headers_for(engine: Engine) -> Callable[..., dict[str, str]]:
    """``headers_for(role, entity_id=None)``: Authorization headers of a new user."""

    def make(role: str, entity_id: int | None = None) -> dict[str, str]:
        return accounts.headers_for(engine, role, entity_id=entity_id)

    return make
