"""The ``nrtd`` command: migrate, serve, import, openapi."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from app.core.config import Settings, get_settings
from app.core.errors import ImportFailed, ImportLocked
from importers.pipeline import Counts
from importers.run import Progress as ProgressCallback
from importers.run import RunSummary

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later

cli = typer.Typer(
    help="National recommendation-tracking database.", no_args_is_help=True, add_completion=False
)
import_cli = typer.Typer(help="Import recommendations (one run at a time; a failed run writes nothing).")
cli.add_typer(import_cli, name="import")
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
def _progress() -> Iterator[ProgressCallback | None]:
    if not err.is_terminal:
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=None, counts="")

        def update(stage: str, counts: Counts) -> None:
            bar.update(task, description=stage, counts=counts.summary())

        yield update


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
