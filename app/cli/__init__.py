"""The ``nrtd`` command: migrate, serve, import, export, users, demo, notify, followup, storage,
dedupe, openapi.

Heavy modules (SQLAlchemy, the models, the importers, uvicorn) are imported inside the commands that
need them, so ``nrtd --help`` starts at once.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.common import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_USAGE,
    HELP,
    NOT_STARTED,
    Group,
    database,
    known_country,
    log_formatter,
    say,
    settings_or_exit,
)
from app.cli.demo import demo_cli
from app.cli.exports import export_cli
from app.cli.followup import followup_cli
from app.cli.imports import import_cli
from app.cli.notify import need_mail_settings, notify_cli
from app.cli.storage import storage_cli
from app.cli.users import users_cli
from app.core.counts import count_of

if TYPE_CHECKING:
    from sqlalchemy import Engine

cli = typer.Typer(
    cls=Group,
    help="National recommendation-tracking database.",
    no_args_is_help=True,
    add_completion=False,
    context_settings=HELP,
    rich_markup_mode=None,
)
cli.add_typer(import_cli, name="import")
cli.add_typer(export_cli, name="export")
cli.add_typer(users_cli, name="users")
cli.add_typer(demo_cli, name="demo")
cli.add_typer(notify_cli, name="notify")
cli.add_typer(followup_cli, name="followup")
cli.add_typer(storage_cli, name="storage")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"nrtd {version('nrtd')}")
        except PackageNotFoundError:  # run from a checkout that was never installed
            print("nrtd (not installed)")
        raise typer.Exit()


@cli.callback()
def _main(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit"),
    ] = False,
) -> None:
    """National recommendation-tracking database."""


@cli.command(short_help="Create or upgrade the database schema (alembic upgrade head).")
def migrate() -> None:
    """Create or upgrade the database schema (alembic upgrade head) and say what it did; then rebuild
    the search documents if they were built by an older rule."""
    from app.cli.migration_lock import one_migration_at_a_time

    engine = database(schema=False)
    # Another `nrtd migrate` on the database (a deploy run twice) is waited for, its rebuilds too:
    # then the schema it left is read.
    waited = True
    try:
        with one_migration_at_a_time(engine, _waiting_for_migrate):
            waited = False
            _migrate(engine)
    except KeyboardInterrupt:
        if not waited:
            raise
        say("interrupted while waiting for the other nrtd migrate: this one changed nothing", "yellow")
        raise typer.Exit(130) from None


def _migrate(engine: Engine) -> None:
    from app.cli.connection import DatabaseUnusable, MigrationFailed, missing_schema, upgrade_schema
    from app.health.service import head_revision
    from app.recommendations.search_index import rebuild_stale_documents, retidy_plain_texts

    try:
        say(upgrade_schema(settings_or_exit().database_url, engine))
    except MigrationFailed as exc:  # e.g. the database is at a revision of a newer version of nrtd
        say(str(exc), "red")
        raise typer.Exit(EXIT_FAILED) from None
    except DatabaseUnusable as exc:  # the tables belong to another database user
        say(str(exc), "red")
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        # On SQLite the revisions before the one interrupted are kept (on PostgreSQL none is).
        from sqlalchemy.exc import SQLAlchemyError

        from app.cli.connection import current_revision

        try:
            stayed = current_revision(engine)
        except SQLAlchemyError:
            where = "unread (the database did not answer)"
        else:
            where = f"at {stayed} (the revisions up to it are kept)" if stayed else "empty"
        say(f"interrupted: the schema stays {where}; run nrtd migrate again to finish", "yellow")
        raise typer.Exit(130) from None
    missing = missing_schema(engine)
    if missing:
        say(
            f"the schema is at {head_revision()} but lacks what earlier migrations make: "
            f"{', '.join(missing[:10])}{f' and {len(missing) - 10} more' if len(missing) > 10 else ''}; "
            "the database was migrated by a build whose migrations were numbered otherwise (an unreleased "
            "one): restore the backup taken before that build's migration and migrate it with this release",
            "red",
        )
        raise typer.Exit(EXIT_FAILED)
    # The search documents of an older rule (before stems) are rebuilt by the application's.
    rebuilt = rebuild_stale_documents(engine)
    if rebuilt:
        say(f"rebuilt the search documents of {count_of(rebuilt, 'recommendation')}")
    retidied = retidy_plain_texts(engine)
    if retidied:
        say(
            f"read the texts of {count_of(retidied, 'recommendation')} (UPR Info or manual) again as plain "
            "text: their words between < and > are shown and searched"
        )


def _waiting_for_migrate() -> None:
    say("another nrtd migrate is running on this database: waiting for it to finish", "yellow")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: any free one)", min=0, max=65535)] = 8000,
) -> None:
    """Serve the API (docs at /docs). With NRTD_IMPORT_SCHEDULE set, also run the UHRI import on it;
    with NRTD_NOTIFY_SCHEDULE, the reminder digests."""
    settings = settings_or_exit()
    if settings.country.strip():
        # A State UHRI does not know ("Peruu") names no one in the pages, reports and exports, and
        # would fail every import: refused now, with the closest names, schedule or not.
        known_country(settings.country, "NRTD_COUNTRY")
    if settings.import_schedule:
        # Refused now rather than failing at every scheduled run, in a log nobody may read.
        if not settings.country.strip():
            say("NRTD_IMPORT_SCHEDULE needs NRTD_COUNTRY: the State whose recommendations to import", "red")
            raise typer.Exit(EXIT_USAGE)
        from importers.scope import ImportUsageError, check_languages

        try:
            check_languages(settings)
        except ImportUsageError as exc:
            say(f"NRTD_IMPORT_SCHEDULE: {exc.detail}", "red")
            raise typer.Exit(EXIT_USAGE) from None
    if settings.notify_schedule:
        need_mail_settings(settings)
        if not settings.smtp_host:
            # Not refused (digests built without a server are sent once one is set), but said: each run
            # says so only at INFO, which NRTD_LOG_LEVEL=WARNING hides.
            say(
                "NRTD_NOTIFY_SCHEDULE is set but NRTD_SMTP_HOST is not: each run builds the digests and "
                "sends none; set NRTD_SMTP_HOST (with NRTD_SMTP_FROM and NRTD_BASE_URL) to send them",
                "yellow",
            )
    engine = database(schema=False)  # a server that cannot reach its database says so now, in one line
    from app.cli.connection import schema_behind, storage_unusable

    behind = schema_behind(engine)
    # Neither is refused: replicas may start before the release's `nrtd migrate` has run, or before
    # their volume is mounted or its owner set (they are not ready until then), but an operator
    # starting one by hand should know at once.
    not_ready = behind or storage_unusable(engine, settings.storage_dir)
    if not_ready:
        say(not_ready, "yellow")
    # The app serves through its own connections, which it closes when it stops; this one would stay
    # open past that (uvicorn ends the process by the signal that stopped it, skipping _leave), and
    # SQLite writes its log back into the database file only at the last connection's close.
    engine.dispose()
    from app.cli.listen import listen_problem, protocol_options

    cannot_listen = listen_problem(host, port)
    if cannot_listen:
        say(cannot_listen, "red")
        raise typer.Exit(EXIT_USAGE)
    # The application (its routes and schemas, some two seconds of a core) is loaded once the settings
    # and the database passed: a refusal above comes at once.
    import uvicorn

    from app.core import heap
    from app.main import create_app

    handler = logging.StreamHandler()  # standard error
    handler.setFormatter(log_formatter())
    logging.basicConfig(level=settings.log_level, handlers=[handler])
    if settings.import_schedule or settings.notify_schedule:
        from app.scheduler import start_scheduler

        start_scheduler(settings)
    app = create_app(settings)
    heap.settle()  # no full collection of the app's own objects in the middle of a request
    # The app writes the access log itself (with the time and the request id, through the logging set
    # up above) and reads X-Forwarded-For only from NRTD_TRUSTED_PROXIES: uvicorn's own are off.
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        log_config=None,
        access_log=False,
        proxy_headers=False,
        **protocol_options(settings.max_request_bytes),
    )


@cli.command(short_help="Link UPR Info rows and manual copies to their UHRI record.")
def dedupe(
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Text similarity (0.5 to 1) from which two records are one; default: the measured one"
        ),
    ] = None,
) -> None:
    """Link the UPR Info rows and manual copies that are a UHRI recommendation (imports do it too)."""
    if threshold is not None and not 0.5 <= threshold <= 1.0:
        say(f"--threshold: {threshold} is not between 0.5 and 1", "red")
        raise typer.Exit(EXIT_USAGE)
    from app.core.errors import ImportLocked
    from app.feed.matching import THRESHOLD
    from app.import_runs.lock import import_lock
    from app.models.audit import bump_data_version
    from app.recommendations.source_links import link_duplicates

    engine = database()
    try:
        with import_lock(engine, ttl_seconds=settings_or_exit().import_lock_ttl), engine.begin() as conn:
            summary = link_duplicates(
                conn, actor="nrtd dedupe", threshold=THRESHOLD if threshold is None else threshold
            )
            if summary.changed or summary.rescored:
                # No import run holds this pass: its last statement moves the data version.
                bump_data_version(conn)
    except ImportLocked as exc:
        say(f"{exc.detail}; {NOT_STARTED}", "yellow")
        raise typer.Exit(EXIT_LOCKED) from None
    print(summary.line())


@cli.command()
def openapi(
    path: Annotated[Path, typer.Argument(help="Where to write the document (a file)", dir_okay=False)] = Path(
        "openapi/openapi.json"
    ),
) -> None:
    """Write the OpenAPI document (committed as openapi/openapi.json)."""
    from app.openapi import write_openapi

    try:
        write_openapi(path)
    except OSError as exc:  # a parent that is a file, no permission, a full disk
        reason = f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)
        say(f"cannot write {path} ({reason}): give a file path in a directory you can write", "red")
        raise typer.Exit(EXIT_USAGE) from None
    say(f"wrote {path}")


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        _leave()


def _leave() -> None:
    """Close the database connections now (SQLite's last close writes its log back into the file;
    PostgreSQL is told goodbye), then leave the heap to the operating system: the interpreter
    freeing it object by object at exit took 0.15-0.2 s after every command that loaded the
    database layer. Objects freed by reference counting still are (files are closed)."""
    import gc
    import signal

    if "app.core.db" in sys.modules:
        from app.core.db import get_engine

        if get_engine.cache_info().currsize:
            # A Ctrl-C in the middle (SQLite's last close writes its log back into the file, which
            # may take a moment) printed the pool's traceback after the command's own last line.
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                get_engine().dispose()
            finally:
                signal.signal(signal.SIGINT, previous)
    gc.freeze()
