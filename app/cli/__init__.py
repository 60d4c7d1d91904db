"""The ``nrtd`` command: migrate, serve, import, export, users, demo, openapi.

Heavy modules (SQLAlchemy, the models, the importers, uvicorn) are imported inside the commands that
need them, so ``nrtd --help`` starts at once.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import (
    EXIT_FAILED,
    EXIT_USAGE,
    HELP,
    Group,
    database,
    err,
    known_country,
    say,
    settings_or_exit,
)
from app.cli.exports import export_cli
from app.cli.imports import demo_cli, import_cli
from app.cli.users import users_cli

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


@cli.command()
def migrate() -> None:
    """Create or upgrade the database schema (alembic upgrade head) and say what it did."""
    from app.cli.connection import MigrationFailed, upgrade_schema

    engine = database(schema=False)
    try:
        say(upgrade_schema(settings_or_exit().database_url, engine))
    except MigrationFailed as exc:  # e.g. the database is at a revision of a newer version of nrtd
        say(str(exc), "red")
        raise typer.Exit(EXIT_FAILED) from None


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
) -> None:
    """Serve the API (docs at /docs). With NRTD_IMPORT_SCHEDULE set, also run the UHRI import on it."""
    import uvicorn

    from app.main import create_app

    settings = settings_or_exit()
    if settings.import_schedule:
        # Refused now rather than failing at every scheduled run, in a log nobody may read.
        if not settings.country.strip():
            say("NRTD_IMPORT_SCHEDULE needs NRTD_COUNTRY: the State whose recommendations to import", "red")
            raise typer.Exit(EXIT_USAGE)
        known_country(settings.country, "NRTD_COUNTRY")
    database(schema=False)  # a server that cannot reach its database says so now, in one line
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.import_schedule:
        from app.scheduler import start_scheduler

        start_scheduler(settings)
    # The app writes the access log itself (with the time and the request id, through the logging set
    # up above) and reads X-Forwarded-For only from NRTD_TRUSTED_PROXIES: uvicorn's own are off.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        log_config=None,
        access_log=False,
        proxy_headers=False,
    )


@cli.command()
def openapi(
    path: Annotated[Path, typer.Argument(help="Where to write the document")] = Path("openapi/openapi.json"),
) -> None:
    """Write the OpenAPI document (committed as openapi/openapi.json)."""
    from app.openapi import write_openapi

    write_openapi(path)
    err.print(f"wrote {path}")


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
