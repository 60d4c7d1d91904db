"""Test database: a fresh SQLite file or a fresh PostgreSQL database per run, built by Alembic.

``NRTD_TEST_DB=sqlite`` (default) or ``NRTD_TEST_DB=postgresql`` (the server at
``NRTD_TEST_PG_URL``, default postgresql://postgres@127.0.0.1:5432/postgres). The database is
created for the run and dropped at its end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, delete, text
from sqlalchemy.engine import make_url

from app.core.config import Settings
from app.core.db import make_engine
from app.core.migrations import alembic_config
from app.models import Base, Term
from tests.apps import dispose_all

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "app" / "data" / "sample"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    kind = os.environ.get("NRTD_TEST_DB", "sqlite")
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'nrtd-test.db'}"
        return
    if kind != "postgresql":
        raise pytest.UsageError(f"NRTD_TEST_DB must be sqlite or postgresql, not {kind!r}")
    server = os.environ.get("NRTD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    name = f"nrtd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
        # A test database need not survive a power cut: commits stop waiting for the disk (every
        # connection to it, the servers that tests start included). Durability is PostgreSQL's job.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    command.upgrade(alembic_config(database_url), "head")
    engine = make_engine(database_url)
    yield engine
    dispose_all()  # the shared apps' connections, before the database is dropped
    engine.dispose()


def reset_data(engine: Engine) -> None:
    """Remove every row a test wrote; keep the migrations' seed (the SDG terms)."""
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == "terms":
                conn.execute(delete(Term).where(Term.kind != "sdg"))
            else:
                conn.execute(table.delete())


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The migrated test database, emptied after the test (imports commit for real)."""
    yield migrated_engine
    reset_data(migrated_engine)


@pytest.fixture(scope="session")
def export_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's own export cache, rather than the system temp directory's."""
    return tmp_path_factory.mktemp("export-cache")


@pytest.fixture
def settings(database_url: str, export_cache_dir: Path) -> Settings:
    return Settings(
        database_url=database_url, country="Peru", uhri_languages="en", export_cache_dir=str(export_cache_dir)
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run only the tests that use the test database: the others (parsers, downloads,
    command-line usage, headers) do exactly the same on either run, and the SQLite run has them."""
    if os.environ.get("NRTD_TEST_DB", "sqlite") != "postgresql":
        return
    kept: list[pytest.Item] = []
    elsewhere: list[pytest.Item] = []
    for item in items:
        uses_database = "database_url" in getattr(item, "fixturenames", ())
        (kept if uses_database else elsewhere).append(item)
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = kept
