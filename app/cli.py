"""The ``nrtd`` command: migrate, serve, import, export, users, openapi."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal, TextIO

import typer
from pydantic import ValidationError
from rich.console import Console

from app.core.config import Settings, get_settings
from app.core.errors import ImportFailed, ImportLocked
from importers.progress import Progress as ProgressCallback
from importers.run import RunSummary

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later

cli = typer.Typer(
    help="National recommendation-tracking database.", no_args_is_help=True, add_completion=False
)
import_cli = typer.Typer(help="Import recommendations (one run at a time; a failed run writes nothing).")
cli.add_typer(import_cli, name="import")
export_cli = typer.Typer(help="Export recommendations (read only).")
cli.add_typer(export_cli, name="export")
users_cli = typer.Typer(help="Manage user accounts from the shell (the first admin, for one).")
cli.add_typer(users_cli, name="users")
err = Console(stderr=True)

CountryOpt = Annotated[
    str | None,
    typer.Option("--country", help="State to keep, as UHRI spells it or ISO code (default NRTD_COUNTRY)"),
]
AllOpt = Annotated[bool, typer.Option("--all-countries", help="Keep every State's recommendations")]


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = "NRTD_" + "_".join(str(part) for part in error["loc"]).upper()
            err.print(f"[red]setting {name}: {error['msg']}[/red]")
        raise typer.Exit(EXIT_USAGE) from None


@cli.command()
def migrate() -> None:
    """Create or upgrade the database schema (alembic upgrade head)."""
    from alembic import command

    from app.health.service import alembic_config

    command.upgrade(alembic_config(_settings().database_url), "head")
    err.print("database is at the newest schema")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
) -> None:
    """Serve the API (docs at /docs). With NRTD_IMPORT_SCHEDULE set, also run the UHRI import on it."""
    import uvicorn

    from app.main import create_app

    settings = _settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.import_schedule:
        from app.scheduler import start_scheduler

        start_scheduler(settings)
    uvicorn.run(create_app(settings), host=host, port=port, log_level=settings.log_level.lower())


@contextmanager
def _progress() -> Iterator[ProgressCallback]:
    """A bar on a terminal (bytes, then records); elsewhere only the notices, one line each."""
    from app.cli_progress import BarProgress, NoticePrinter, progress_bar

    if not err.is_terminal:
        yield NoticePrinter(err)
        return
    with progress_bar(err) as bar:
        yield BarProgress(bar)


def _finish(run: Callable[[ProgressCallback | None], RunSummary]) -> None:
    try:
        with _progress() as progress:
            summary = run(progress)
    except ImportLocked as exc:
        err.print(f"[yellow]{exc.detail}; not started[/yellow]")
        raise typer.Exit(EXIT_LOCKED) from None
    except ImportFailed as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(EXIT_FAILED) from None
    print(summary.line())
    if not summary.ok:
        raise typer.Exit(EXIT_FAILED)


@import_cli.command("uhri")
def import_uhri_cmd(
    source: Annotated[
        str | None,
        typer.Argument(
            help="Path or URL of a UHRI export (.json full export or .xlsx); {lang} for several languages"
        ),
    ] = None,
    country: CountryOpt = None,
    all_countries: AllOpt = False,
    languages: Annotated[
        str | None,
        typer.Option(help="Comma-separated languages, first is primary (default NRTD_UHRI_LANGUAGES)"),
    ] = None,
    partial: Annotated[
        bool,
        typer.Option("--partial", help="The file is not a full export: never mark missing records withdrawn"),
    ] = False,
) -> None:
    """Import the UHRI export (default: NRTD_UHRI_URL)."""
    from app.core.db import get_engine
    from importers.run import import_uhri

    settings = _settings()
    langs = None
    if languages:
        try:
            langs = Settings(uhri_languages=languages).languages
        except ValidationError as exc:
            err.print(f"[red]--languages: {exc.errors()[0]['msg']}[/red]")
            raise typer.Exit(EXIT_USAGE) from None
    _finish(
        lambda progress: import_uhri(
            get_engine(),
            settings,
            source,
            country=country,
            all_countries=all_countries,
            languages=langs,
            partial=partial,
            progress=progress,
        )
    )


@import_cli.command("upr-info")
def import_upr_info_cmd(
    file: Annotated[Path, typer.Argument(help="UPR Info database CSV", exists=True, dir_okay=False)],
    country: CountryOpt = None,
    all_countries: AllOpt = False,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding (e.g. cp1252, mac_roman); detected when omitted")
    ] = None,
) -> None:
    """Import a UPR Info database CSV export."""
    from app.core.db import get_engine
    from importers.run import import_upr_info

    settings = _settings()
    _finish(
        lambda progress: import_upr_info(
            get_engine(),
            settings,
            file,
            country=country,
            all_countries=all_countries,
            encoding=encoding,
            progress=progress,
        )
    )


@import_cli.command("csv")
def import_csv_cmd(
    file: Annotated[
        Path, typer.Argument(help="CSV in the project's template (see docs/csv-template.md)", exists=True)
    ],
    country: CountryOpt = None,
) -> None:
    """Import manual recommendations (regional mechanisms and others) from the CSV template."""
    from app.core.db import get_engine
    from importers.run import import_csv_template

    settings = _settings()
    _finish(
        lambda progress: import_csv_template(get_engine(), settings, file, country=country, progress=progress)
    )


@export_cli.command("csv")
def export_csv_cmd(
    file: Annotated[str, typer.Argument(help="Where to write the CSV; - for standard output")],
    source: Annotated[
        Literal["manual", "upr-info", "uhri"] | None,
        typer.Option(
            "--source",
            help="Only this source's recommendations (manual: the ones imported from the template)",
        ),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option("--country", help="Only the recommendations concerning this State (name or ISO code)"),
    ] = None,
    include_withdrawn: Annotated[
        bool, typer.Option("--include-withdrawn", help="Also the recommendations the feed withdrew")
    ] = False,
) -> None:
    """Export recommendations in the CSV template (UTF-8 with BOM); `nrtd import csv` reads it back."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.core.db import get_engine
    from importers.csv_export import export_template_csv

    _settings()  # bad settings exit 2 with the reason
    engine = get_engine()

    def skipped(rec_id: int, reason: str) -> None:
        err.print(f"recommendation {rec_id} not exported: {reason}", style="yellow", markup=False)

    def export(out: TextIO) -> int:
        return export_template_csv(
            engine, out, source=source, country=country, include_withdrawn=include_withdrawn, on_skip=skipped
        )

    try:
        count = _export_to(file, export)
    except (OSError, SQLAlchemyError) as exc:
        err.print(f"export failed: {type(exc).__name__}: {exc}", style="red", markup=False)
        raise typer.Exit(EXIT_FAILED) from None
    err.print(f"exported {count} recommendations", markup=False, highlight=False)


def _export_to(file: str, export: Callable[[TextIO], int]) -> int:
    """Run ``export`` on ``file`` (or standard output for "-"), UTF-8 with a BOM as the template download.

    A file is written beside its final name and moved there at the end, so a failed export leaves
    any earlier file in place and no half-written one.
    """
    if file == "-":
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8-sig", newline="")
        try:
            return export(out)
        finally:
            out.flush()
            out.detach()
    path = Path(file)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as out:
            count = export(out)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container running with an unnamed uid)
        return "unknown"


@users_cli.command("create")
def users_create_cmd(
    email: Annotated[str, typer.Argument(help="The new user's email (their login name)")],
    role: Annotated[str, typer.Option("--role", help="admin, coordinator, focal_point or reader")],
    entity: Annotated[
        int | None, typer.Option("--entity", help="Id of the user's entity (required for focal_point)")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="The user's full name")] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input (one line)"),
    ] = False,
) -> None:
    """Create a user and print their id. The password comes on standard input, never as an argument."""
    from sqlalchemy.exc import IntegrityError

    from app.auth.actor import Actor
    from app.core.db import get_engine, session_scope
    from app.core.errors import Conflict, DomainError
    from app.users.schemas import UserCreate
    from app.users.service import create_user

    _settings()  # bad settings exit 2 with the reason
    if not password_stdin:
        err.print("give the password on standard input with --password-stdin", style="red", markup=False)
        raise typer.Exit(EXIT_USAGE)
    password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    try:
        data = UserCreate(email=email, role=role, entity_id=entity, full_name=name, password=password)
    except ValidationError as exc:
        option = {"email": "EMAIL", "role": "--role", "entity_id": "--entity", "full_name": "--name"}
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "input"
            reason = error["msg"].removeprefix("Value error, ")
            err.print(f"{option.get(field, field)}: {reason}", style="red", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    actor = Actor(role="admin", label=f"cli:{_os_user()}")
    try:
        with session_scope(get_engine()) as session:
            user, _etag = create_user(session, actor, data)
    except Conflict as exc:
        err.print(exc.detail, style="red", markup=False)
        raise typer.Exit(EXIT_FAILED) from None
    except IntegrityError:  # created meanwhile by someone else
        err.print(f"a user with the email {data.email} already exists", style="red", markup=False)
        raise typer.Exit(EXIT_FAILED) from None
    except DomainError as exc:
        reasons = "; ".join(f"{e['field']}: {e['reason']}" for e in exc.errors) or exc.detail
        err.print(reasons.replace("entity_id", "--entity"), style="red", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    err.print(f"created {user.role} {user.email}", markup=False, highlight=False)
    print(user.id)


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


if __name__ == "__main__":
    main()
