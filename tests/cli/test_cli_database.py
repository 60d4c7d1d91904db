"""The ``nrtd`` commands on a database they cannot use as it is: a schema an older release left
(before ``nrtd migrate`` of the new one has run), a PostgreSQL database in another encoding than
UTF-8. One line naming what to do, exit 2, nothing written; never a traceback from the middle of an
import or a migration."""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, func, make_url, select, text

from app.core.migrations import alembic_config
from app.health.service import head_revision
from app.models import ImportRun
from tests.cli_runner import run_cli
from tests.conftest import SAMPLE
from tests.silent_server import silent_server


@pytest.mark.parametrize(
    "args",
    [
        ("import", "uhri", str(SAMPLE / "export-full-en.json"), "--country", "Peru"),
        ("import", "upr-info", str(SAMPLE / "upr-info-peru.csv"), "--country", "Peru"),
        ("dedupe",),
        ("export", "csv", "-"),
    ],
)
def test_an_older_releases_schema_is_one_line_and_exit_2(own_database: str, args: tuple[str, ...]) -> None:
    command.downgrade(alembic_config(own_database), "0016")  # before the source links (0018)
    result = run_cli(args, env={"NRTD_DATABASE_URL": own_database})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"NRTD_DATABASE_URL={own_database}: the database schema is at 0016, this release needs "
        f"{head_revision()}: run `nrtd migrate` first"
    ]
    engine = create_engine(own_database)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportRun)).scalar_one() == 0
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0016"
    engine.dispose()
    # `nrtd migrate` is what the line says to run; then the same command works.
    assert run_cli(["migrate"], env={"NRTD_DATABASE_URL": own_database}).returncode == 0
    again = run_cli(args, env={"NRTD_DATABASE_URL": own_database})
    assert again.returncode == 0, again.stderr


def test_a_postgresql_database_not_in_utf8_is_refused_before_migrating(database_url: str) -> None:
    """`createdb` on a server whose template is LATIN1 or SQL_ASCII: `nrtd migrate` failed half-way
    with a traceback (the SDG titles it writes have no LATIN1 form)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("an encoding is chosen per database on PostgreSQL only")
    name = f"nrtd_test_latin1_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text(
                f"CREATE DATABASE \"{name}\" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
            )
        )
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    try:
        result = run_cli(["migrate"], env={"NRTD_DATABASE_URL": url})
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines() == [
            f"NRTD_DATABASE_URL={url}: the database's encoding is LATIN1, not UTF-8, which the "
            "recommendations' texts in every language need: create the database with "
            "`createdb -E UTF8 -T template0 NAME`"
        ]
        latin1 = create_engine(url)
        with latin1.connect() as conn:  # nothing was created
            assert conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None
        latin1.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_an_sqlite_file_in_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    """SQLite says only "unable to open database file": a typo in the path, or a volume not mounted."""
    url = f"sqlite:///{tmp_path / 'not-mounted' / 'nrtd.db'}"
    for args in (["migrate"], ["export", "csv", "-"]):
        result = run_cli(args, env={"NRTD_DATABASE_URL": url})
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines() == [
            f"NRTD_DATABASE_URL={url}: cannot connect: unable to open database file (the folder "
            f"{tmp_path / 'not-mounted'} does not exist)"
        ]
    assert not (tmp_path / "not-mounted").exists()


def test_a_migration_that_fails_is_one_line_naming_the_revision_and_where_the_schema_is(
    own_database: str,
) -> None:
    """A migration the database refuses (here 0020's check of the reminder states, on a row an older
    release could not have written; in production a role that does not own the tables, a full disk)
    printed a screenful of traceback boxes, and not at which revision the schema stayed."""
    command.downgrade(alembic_config(own_database), "0019")
    engine = create_engine(own_database)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (email, role, password_hash, active, must_change_password, version, "
                "created_at, updated_at) VALUES ('a@example.org', 'admin', 'x', true, false, 1, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO notification_outbox (user_id, period, recipient, language, subject, body, "
                "items, state, attempts, next_attempt_at, message_id, created_at) VALUES (1, '2026-12-05', "
                "'a@example.org', 'en', 's', 'b', 1, 'bogus', 0, CURRENT_TIMESTAMP, 'm', CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    result = run_cli(["migrate"], env={"NRTD_DATABASE_URL": own_database})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "│" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("migration failed at revision 0020 (outbox states")
    assert "CHECK constraint failed" in lines[0]
    assert lines[0].endswith("the schema stays at 0019; nothing of 0020 was kept")


def test_a_schema_missing_tables_after_migrating_is_refused_naming_them(own_database: str) -> None:
    """A database migrated by an unreleased build whose migrations were numbered otherwise (main at
    2a0e1d6 went 0007 -> 0014, before 0008-0013 were merged under it): `nrtd migrate` said 'upgraded 5
    revisions', /readyz said ready, and every recommendation list was a 500 (no published_status, no
    evidence_files)."""
    command.downgrade(alembic_config(own_database), "0019")
    engine = create_engine(own_database)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE deadline_publications"))
        conn.execute(text("ALTER TABLE recommendation_local DROP COLUMN published_at"))
    engine.dispose()
    result = run_cli(["migrate"], env={"NRTD_DATABASE_URL": own_database})
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    head = head_revision()
    assert head is not None
    upgraded = int(head) - 19
    assert lines[0] == f"upgraded {upgraded} revision{'s' if upgraded > 1 else ''} (from 0019 to {head})"
    assert lines[1] == (
        f"the schema is at {head} but lacks what earlier migrations make: table deadline_publications, "
        "column recommendation_local.published_at; the database was migrated by a build whose migrations "
        "were numbered otherwise (an unreleased one): restore the backup taken before that build's "
        "migration and migrate it with this release"
    ), result.stderr


def test_a_database_that_never_answers_is_one_line_within_the_connect_timeout() -> None:
    """A PostgreSQL that accepted connections and never answered held a command (a cron job's
    import, `nrtd migrate` in a deploy) for psycopg's own 130 s: requests were bounded by
    NRTD_DB_CONNECT_TIMEOUT, commands were not."""
    with silent_server() as port:
        url = f"postgresql://nrtd@127.0.0.1:{port}/nrtd"
        env = {"NRTD_DATABASE_URL": url, "NRTD_DB_CONNECT_TIMEOUT": "2"}
        results: list[subprocess.CompletedProcess[str]] = []
        started = time.monotonic()
        # In a thread: before the fix the command would outlive the test's patience by two minutes.
        running = threading.Thread(target=lambda: results.append(run_cli(["migrate"], env=env)), daemon=True)
        running.start()
        running.join(timeout=15)
        assert results and time.monotonic() - started < 10
    assert results[0].returncode == 2, results[0].stderr
    assert results[0].stderr.startswith(f"NRTD_DATABASE_URL={url}: cannot connect: ")


@pytest.mark.parametrize("args", [("migrate",), ("storage", "check"), ("export", "csv", "-")])
def test_a_command_run_where_the_migrations_are_not_says_where_to_run_it(
    own_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """Installed as a package (not a checkout), the migrations are looked for in the working
    directory, as the image's /srv/nrtd holds them. Run anywhere else (a cron job without its cd, a
    container's other working directory), every command ended in a traceback of Alembic's
    'Path doesn't exist ... Please use the init command to create a new scripts folder'."""
    from app.core import migrations

    installed = tmp_path / "site-packages" / "app" / "core" / "migrations.py"
    monkeypatch.setattr(migrations, "__file__", str(installed))
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run_cli(list(args), env={"NRTD_DATABASE_URL": own_database})
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"the database migrations are neither beside the installed package ({tmp_path / 'site-packages'}) "
        f"nor in the working directory ({elsewhere}): run nrtd in the folder that holds migrations/ "
        "(the checkout, or /srv/nrtd in the image)"
    ]


def test_an_sqlite_file_that_does_not_exist_is_named_and_not_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from another folder than the one holding its .env (a cron job without its cd), a command
    fell back to the default ./nrtd.db, left an empty nrtd.db there and said "the database has no
    schema yet: run nrtd migrate first", which would have made a new, empty database."""
    monkeypatch.delenv("NRTD_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    result = run_cli(["export", "csv", "-"], env={})
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"NRTD_DATABASE_URL=sqlite:///./nrtd.db: {tmp_path / 'nrtd.db'} does not exist (this is the "
        f"default: NRTD_DATABASE_URL is set neither in the environment nor in a .env in {tmp_path}): run "
        "the command in the folder of your .env, or set NRTD_DATABASE_URL; `nrtd migrate` makes a new "
        "database"
    ]
    named = tmp_path / "data" / "nrtd.db"
    named.parent.mkdir()
    result = run_cli(["storage", "check"], env={"NRTD_DATABASE_URL": f"sqlite:///{named}"})
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"NRTD_DATABASE_URL=sqlite:///{named}: {named} does not exist: set NRTD_DATABASE_URL to the "
        "database's file; `nrtd migrate` makes a new database"
    ]
    assert list(tmp_path.rglob("*.db*")) == []  # nothing made
    made = run_cli(["migrate"], env={"NRTD_DATABASE_URL": f"sqlite:///{named}"})
    assert made.returncode == 0 and named.is_file(), made.stderr
