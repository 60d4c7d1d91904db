"""PostgreSQL: the database user of NRTD_DATABASE_URL may not use the tables (they belong to another
role, as after a ``pg_restore`` run by another user) or may not create them (a database another role
owns). One line naming the user and what to do; never a traceback, never "no schema yet"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, make_url

from app.cli.connection import schema_behind
from app.core.migrations import alembic_config
from app.health.service import readiness
from tests.cli_runner import run_cli
from tests.scratch_databases import scratch_database


@pytest.fixture
def stranger(database_url: str) -> Iterator[tuple[str, str]]:
    """A database migrated by the test's own user and a role that owns nothing in it: (the owner's
    URL, the stranger's URL)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("roles and grants are PostgreSQL's")
    with scratch_database(database_url, "nrtd_test_role", role=True) as url:
        owner = make_url(url)
        assert owner.database is not None
        yield url, owner.set(username=owner.database, password=None).render_as_string(hide_password=False)


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_tables_of_another_role_are_named_as_such(stranger: tuple[str, str]) -> None:
    owner_url, url = stranger
    command.upgrade(alembic_config(owner_url), "head")
    role = make_url(url).username
    # Before: `nrtd migrate` printed a rich traceback of ~150 lines ending in "permission denied for
    # table alembic_version", and every other command "the database has no schema yet: run `nrtd
    # migrate` first", which then failed so.
    expected = (
        f"NRTD_DATABASE_URL={url}: the database user {role} may not use the tables (permission denied "
        f"for table alembic_version): they belong to another role, as after a restore run by another "
        f"user. Restore the backup as {role} (pg_restore -U {role} --no-owner ...), or connect as "
        "the tables' owner"
    )
    for args in (["migrate"], ["export", "csv", "-"], ["users", "unlock", "a@example.org"]):
        result = run_cli(args, env={"NRTD_DATABASE_URL": url})
        assert result.returncode == 2, (args, result.stderr)
        assert _one_line(result.stderr) == expected, args


def test_a_database_the_user_may_not_create_tables_in_says_whose_it_must_be(
    stranger: tuple[str, str],
) -> None:
    _, url = stranger
    role = make_url(url).username
    result = run_cli(["migrate"], env={"NRTD_DATABASE_URL": url})
    assert result.returncode == 1, result.stderr
    assert _one_line(result.stderr) == (
        "migration failed at revision 0001 (initial schema): ProgrammingError: permission denied for "
        f"schema public; the schema stays empty; nothing of 0001 was kept. The database user {role} may "
        f"not create or change the tables: make it the database's owner (createdb -O {role} ..., or "
        f"ALTER DATABASE ... OWNER TO {role}) and run nrtd migrate again"
    )


def test_serve_says_whose_tables_they_are(stranger: tuple[str, str]) -> None:
    owner_url, url = stranger
    command.upgrade(alembic_config(owner_url), "head")
    role = make_url(url).username
    engine = create_engine(url)
    try:
        # Before: "the database has no schema yet: ... until `nrtd migrate` has run" (nrtd serve's
        # first line), and nrtd migrate then failed on the same tables.
        said = schema_behind(engine)
    finally:
        engine.dispose()
    assert said is not None and said.startswith(f"the database user {role} may not use the tables"), said
    assert said.endswith("; /readyz answers 503 and every route fails until then")


def test_readiness_says_the_tables_are_refused_not_unreachable(
    stranger: tuple[str, str], tmp_path: Path
) -> None:
    owner_url, url = stranger
    command.upgrade(alembic_config(owner_url), "head")
    engine = create_engine(url)
    try:
        # Before: "database unreachable or not migrated: ProgrammingError", which sent the operator
        # to the network or to nrtd migrate.
        status = readiness(engine, str(tmp_path / "storage"))
    finally:
        engine.dispose()
    assert status == {
        "status": "unavailable",
        "detail": "the database refuses this server's database user its tables (permission denied): "
        "they belong to another role; nrtd migrate says which user and what to do",
    }
