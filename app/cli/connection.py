"""The ``nrtd`` command's way to the database: a reason in one line rather than a traceback.

A database that cannot be reached, or a URL naming a driver this program does not have, would
otherwise surface as a long traceback from deep inside the first query; the command prints
``DatabaseUnusable`` as one line naming NRTD_DATABASE_URL (password masked) and exits 2.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from app.core.counts import count_of
from app.core.db import first_line
from app.core.db import masked_url as masked


class DatabaseUnusable(Exception):
    """NRTD_DATABASE_URL names a database this command cannot use; the message says why."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"NRTD_DATABASE_URL={masked(url)}: {reason}")


class MigrationFailed(Exception):
    """Alembic refused (a revision this version does not know, for one); nothing was changed."""


def _database_user(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT current_user")).scalar())


def tables_denied(engine: Engine, exc: DBAPIError) -> str | None:
    """Why the tables cannot be read when PostgreSQL said "permission denied" (they belong to another
    role: a restore run as another user, the usual way), and what to do; None for another error."""
    from app.core.db import permission_denied

    if not permission_denied(exc):
        return None
    role = _database_user(engine)
    return (
        f"the database user {role} may not use the tables ({first_line(exc.orig or exc)}): they belong "
        f"to another role, as after a restore run by another user. Restore the backup as {role} "
        f"(pg_restore -U {role} --no-owner ...), or connect as the tables' owner"
    )


def usable_engine(url: str, *, schema: bool = True, default_url: bool = False) -> Engine:
    """The engine once one round trip worked; with ``schema``, once the migrations' table exists too.
    ``default_url``: NRTD_DATABASE_URL was not set, and the URL is its default."""
    from app.core.db import get_engine

    if schema:
        _sqlite_file_exists(url, default_url)
    try:
        engine = get_engine()
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        # ImportError: a known dialect whose driver is not installed (mysql://, for one).
        reason = "it runs on SQLite (sqlite:///path) or PostgreSQL (postgresql://user:password@host/db)"
        raise DatabaseUnusable(
            url, f"not a database URL this program can use: {reason} ({first_line(exc)})"
        ) from None
    except DBAPIError as exc:
        reason = f"cannot connect: {first_line(exc.orig or exc)}"
        raise DatabaseUnusable(url, reason + _sqlite_folder_hint(url)) from None
    except SQLAlchemyError as exc:
        raise DatabaseUnusable(url, f"cannot connect: {first_line(exc)}") from None
    if engine.dialect.name == "postgresql":
        _check_encoding(engine, url)
    if schema:
        try:
            with engine.connect() as conn:
                current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError as exc:
            denied = tables_denied(engine, exc)
            reason = denied or "the database has no schema yet: run `nrtd migrate` first"
            raise DatabaseUnusable(url, reason) from None
        unusable = _schema_mismatch(current)
        if unusable:
            raise DatabaseUnusable(url, unusable)
    return engine


def _sqlite_file_exists(url: str, default_url: bool) -> None:
    """A command that reads the schema refuses an SQLite file that does not exist, rather than
    connecting (which makes an empty file) and advising `nrtd migrate` (which would make an empty
    database there): far likelier, the command runs where its .env is not (cron without its cd)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except ArgumentError:
        return  # said when connecting
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return
    path = Path(parsed.database).absolute()
    if path.exists() or not path.parent.is_dir():  # a missing folder is named when connecting
        return
    if default_url:
        why = (
            f" (this is the default: NRTD_DATABASE_URL is set neither in the environment nor in a .env in "
            f"{Path.cwd()}): run the command in the folder of your .env, or set NRTD_DATABASE_URL"
        )
    else:
        why = ": set NRTD_DATABASE_URL to the database's file"
    raise DatabaseUnusable(url, f"{path} does not exist{why}; `nrtd migrate` makes a new database")


def _sqlite_folder_hint(url: str) -> str:
    """What SQLite's "unable to open database file" means for a file path: its folder is missing,
    or cannot be written (SQLite writes its -wal and -shm files beside the database, reads included)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except ArgumentError:
        return ""
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return ""
    folder = Path(parsed.database).expanduser().absolute().parent
    if not folder.is_dir():
        return f" (the folder {folder} does not exist)"
    if not os.access(folder, os.W_OK):
        return (
            f" (the folder {folder} cannot be written by this user, and SQLite writes its -wal and "
            "-shm files beside the database)"
        )
    return ""


def _check_encoding(engine: Engine, url: str) -> None:
    """A PostgreSQL database must hold UTF-8: in any other encoding the first text outside it (the
    SDG titles `nrtd migrate` writes, a recommendation in Arabic or Chinese) fails deep inside a
    statement, and in SQL_ASCII text is stored as unchecked bytes that search cannot fold."""
    with engine.connect() as conn:
        encoding = str(conn.execute(text("SHOW server_encoding")).scalar())
    if encoding.upper() not in ("UTF8", "UTF-8"):
        raise DatabaseUnusable(
            url,
            f"the database's encoding is {encoding}, not UTF-8, which the recommendations' texts in every "
            "language need: create the database with `createdb -E UTF8 -T template0 NAME`",
        )


def _schema_mismatch(current: str | None) -> str | None:
    """Why a command cannot run on a schema at ``current``: an older one lacks the tables and columns
    the command reads (it would fail deep inside its first query, an import only at its end), a newer
    one is another release's; None when it is this release's."""
    from app.health.service import head_revision, known_revision, newer_schema

    head = head_revision()
    if current == head:
        return None
    if current is None:
        return "the database has no schema yet: run `nrtd migrate` first"
    if not known_revision(current):
        return newer_schema(current, head)
    return f"the database schema is at {current}, this release needs {head}: run `nrtd migrate` first"


def schema_behind(engine: Engine) -> str | None:
    """Why the database's schema is not the one this release needs (none yet, an older revision, or
    one this release does not know) and what to do; None when it is."""
    from app.health.service import database_status, known_revision, newer_schema

    status = database_status(engine)
    if status["status"] == "ready":
        return None
    until = "/readyz and most routes answer 503 (the service is being upgraded) until `nrtd migrate` has run"
    if status["status"] != "migrations-pending":
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT version_num FROM alembic_version"))
        except DBAPIError as exc:
            denied = tables_denied(engine, exc)
            if denied:
                return f"{denied}; /readyz answers 503 and every route fails until then"
        return f"the database has no schema yet: {until}"
    current, head = status["current"], status["head"]
    if current is None:
        return f"the database has no schema yet: {until}"
    if not known_revision(current):
        return f"{newer_schema(current, head)}; /readyz answers 503"
    return f"the database schema is at {current}, this release needs {head}: {until}"


def storage_unusable(engine: Engine, storage_dir: str) -> str | None:
    """Why the evidence files cannot be served (rows name files, the directory is missing or holds
    none: a volume not mounted) or stored (the directory cannot be written), and what follows; None
    when they can."""
    from app.evidence.check import storage_not_mounted, storage_not_writable
    from app.evidence.storage import BlobStore

    store = BlobStore(storage_dir)
    with engine.connect() as conn:
        missing = storage_not_mounted(conn, store)
    if missing is not None:
        return f"{missing}; /readyz answers 503 until it is"
    unwritable = storage_not_writable(store)
    return None if unwritable is None else f"{unwritable}; /readyz answers 503 until it is mended"


def current_revision(engine: Engine) -> str | None:
    """The schema's revision, None while the database has none (no ``alembic_version`` table yet, or
    an empty one); the database's error when it cannot be read."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_schema(url: str, engine: Engine) -> str:
    """``alembic upgrade head``, and what it did: "upgraded 3 revisions (from X to Y)" or "already at
    the newest schema (Y)", so that an operator knows whether the run changed anything."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from app.core.db import permission_denied
    from app.core.migrations import alembic_config

    config = alembic_config(url)
    script = ScriptDirectory.from_config(config)

    def current() -> str | None:
        return current_revision(engine)

    try:
        before = current()
    except DBAPIError as exc:
        denied = tables_denied(engine, exc)
        if denied is None:
            raise
        raise DatabaseUnusable(url, denied) from None
    head = script.get_current_head()
    if before == head:
        return f"already at the newest schema ({head})"
    from app.health.service import known_revision, newer_schema

    if before is not None and not known_revision(before):
        raise MigrationFailed(f"migration refused: {newer_schema(before, head)}")
    try:
        command.upgrade(config, "head")
    except CommandError as exc:
        raise MigrationFailed(f"migration failed: {exc}") from None
    except SQLAlchemyError as exc:
        # The database refused a migration's statement (a role that does not own the tables, a full
        # disk, data the new rule refuses): which one, why, and where the schema stayed.
        stayed = current()
        applied = config.attributes.get("applied") or [before]
        failed = list(script.iterate_revisions(head, applied[-1]))[-1]
        what = (failed.doc or "").split(":", 1)[0].strip()
        reason = first_line(exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc)
        where = f"at {stayed}" if stayed else "empty"
        hint = ""
        if isinstance(exc, DBAPIError) and permission_denied(exc):
            role = _database_user(engine)
            hint = (
                f". The database user {role} may not create or change the tables: make it the "
                f"database's owner (createdb -O {role} ..., or ALTER DATABASE ... OWNER TO {role}) and "
                "run nrtd migrate again"
            )
        raise MigrationFailed(
            f"migration failed at revision {failed.revision} ({what}): {type(exc).__name__}: {reason}; "
            f"the schema stays {where}; nothing of {failed.revision} was kept{hint}"
        ) from None
    after = current()
    upgraded = sum(1 for _ in script.iterate_revisions(after, before))
    origin = f"from {before}" if before else "from an empty database"
    return f"upgraded {count_of(upgraded, 'revision')} ({origin} to {after})"


def missing_schema(engine: Engine) -> list[str]:
    """The tables and columns of the models that the database lacks, though its revision says it has
    them: a database an unreleased build migrated, whose migrations were numbered otherwise (main once
    went from 0007 to 0014 before 0008-0013 were merged under it), is at the newest revision without them."""
    from sqlalchemy import inspect

    from app.models import Base

    inspector = inspect(engine)
    present = set(inspector.get_table_names())
    missing = []
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            missing.append(f"table {table.name}")
            continue
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        missing += [
            f"column {table.name}.{column.name}" for column in table.columns if column.name not in columns
        ]
    return missing
