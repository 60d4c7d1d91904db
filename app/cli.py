"""The ``nrtd`` command: migrate, serve, import, export, users, openapi."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TextIO

import typer
from pydantic import ValidationError
from rich.console import Console

from app.core.config import Settings, get_settings
from app.core.errors import ImportFailed, ImportLocked

if TYPE_CHECKING:  # the importers (SQLAlchemy, the models) load only in the commands that use them
    from sqlalchemy import Engine

    from importers.progress import Progress as ProgressCallback
    from importers.run import RunSummary

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later

# Plain help (not typer's rich panels, which label every flag, --help included, "<bool>"); -h as --help.
_HELP: dict[str, object] = {"help_option_names": ["-h", "--help"]}
cli = typer.Typer(
    help="National recommendation-tracking database.",
    no_args_is_help=True,
    add_completion=False,
    context_settings=_HELP,
    rich_markup_mode=None,
)
import_cli = typer.Typer(
    help="Import recommendations (one run at a time; a failed run writes nothing).", rich_markup_mode=None
)
cli.add_typer(import_cli, name="import")
export_cli = typer.Typer(help="Export recommendations (read only).", rich_markup_mode=None)
cli.add_typer(export_cli, name="export")
users_cli = typer.Typer(
    help="Manage user accounts from the shell (the first admin, for one).", rich_markup_mode=None
)
cli.add_typer(users_cli, name="users")
demo_cli = typer.Typer(help="The demo instance of `make run` (NRTD_DEMO=true).", rich_markup_mode=None)
cli.add_typer(demo_cli, name="demo")
err = Console(stderr=True)
SHOWN_REJECTIONS = 20

CountryOpt = Annotated[
    str | None,
    typer.Option(
        "--country",
        help="State to keep: its name (as UHRI spells it or a common one) or ISO code (default NRTD_COUNTRY)",
    ),
]
AllOpt = Annotated[
    bool, typer.Option("--all-countries", help="Keep every State's recommendations (not with --country)")
]
AllowEmptyOpt = Annotated[
    bool,
    typer.Option(
        "--allow-empty", help="Succeed even when no record of the file concerns the State (else exit 1)"
    ),
]
AllowWithdrawOpt = Annotated[
    bool,
    typer.Option(
        "--allow-withdraw",
        help="Let a full export withdraw more than NRTD_IMPORT_MAX_WITHDRAW_SHARE of the stored records",
    ),
]


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


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = "NRTD_" + "_".join(str(part) for part in error["loc"]).upper()
            err.print(f"[red]setting {name}: {error['msg']}[/red]")
        raise typer.Exit(EXIT_USAGE) from None


def _say(message: str, style: str | None = None) -> None:
    """One message on stderr as it is: no markup, no highlighting, never wrapped (one line stays one)."""
    err.print(message, style=style, markup=False, highlight=False, soft_wrap=True)


def _database(*, schema: bool = True) -> Engine:
    """The engine once the database answered; else one line naming NRTD_DATABASE_URL, exit 2."""
    from app.cli_database import DatabaseUnusable, usable_engine

    try:
        return usable_engine(_settings().database_url, schema=schema)
    except DatabaseUnusable as exc:
        _say(str(exc), "red")
        raise typer.Exit(EXIT_USAGE) from None


@cli.command()
def migrate() -> None:
    """Create or upgrade the database schema (alembic upgrade head) and say what it did."""
    from app.cli_database import MigrationFailed, upgrade_schema

    engine = _database(schema=False)
    try:
        _say(upgrade_schema(_settings().database_url, engine))
    except MigrationFailed as exc:  # e.g. the database is at a revision of a newer version of nrtd
        _say(str(exc), "red")
        raise typer.Exit(EXIT_FAILED) from None


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
) -> None:
    """Serve the API (docs at /docs). With NRTD_IMPORT_SCHEDULE set, also run the UHRI import on it."""
    import uvicorn

    from app.main import create_app

    settings = _settings()
    if settings.import_schedule:
        # Refused now rather than failing at every scheduled run, in a log nobody may read.
        if not settings.country.strip():
            _say("NRTD_IMPORT_SCHEDULE needs NRTD_COUNTRY: the State whose recommendations to import", "red")
            raise typer.Exit(EXIT_USAGE)
        _known_country(settings.country, "NRTD_COUNTRY")
    _database(schema=False)  # a server that cannot reach its database says so now, in one line
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
    from importers.run import ImportUsageError

    try:
        with _progress() as progress:
            summary = run(progress)
    except ImportLocked as exc:
        _say(f"{exc.detail}; not started", "yellow")
        raise typer.Exit(EXIT_LOCKED) from None
    except ImportUsageError as exc:
        _say(exc.detail, "red")
        raise typer.Exit(EXIT_USAGE) from None
    except ImportFailed as exc:
        _say(exc.detail, "red")
        raise typer.Exit(EXIT_FAILED) from None
    print(summary.line())
    _print_rejections(summary)
    if not summary.ok:
        # Loud on stderr too: the summary line may go to a log nobody reads.
        _say(summary.message or "the run failed", "red")
        raise typer.Exit(EXIT_FAILED)


def _print_rejections(summary: RunSummary) -> None:
    """Why records were rejected, not only how many: the first few, then where to find the rest."""
    total = summary.counts.rejected
    if not total:
        return
    _say(f"{total} record{'s' if total != 1 else ''} rejected:")
    for rejection in summary.rejections[:SHOWN_REJECTIONS]:
        record = f" ({rejection.external_id})" if rejection.external_id else ""
        _say(f"  {rejection.input_position}{record}: {rejection.reason}")
    rest = total - len(summary.rejections[:SHOWN_REJECTIONS])
    if summary.ok:
        where = f"all in GET /api/v1/import-runs/{summary.run_id}"
        _say(f"  ... and {rest} more; {where}" if rest else f"  ({where})")
    elif rest:
        _say(f"  ... and {rest} more (the failed run kept none of them)")


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
    allow_withdraw: AllowWithdrawOpt = False,
    allow_empty: AllowEmptyOpt = False,
) -> None:
    """Import the UHRI export (default: NRTD_UHRI_URL)."""
    from importers.run import import_uhri

    settings = _settings()
    _exclusive(country, all_countries)
    langs = None
    if languages:
        try:
            langs = Settings(uhri_languages=languages).languages
        except ValidationError as exc:
            _say(f"--languages: {exc.errors()[0]['msg']}", "red")
            raise typer.Exit(EXIT_USAGE) from None
    engine = _database()
    _finish(
        lambda progress: import_uhri(
            engine,
            settings,
            source,
            country=country,
            all_countries=all_countries,
            languages=langs,
            partial=partial,
            allow_withdraw=allow_withdraw,
            allow_empty=allow_empty,
            progress=progress,
        )
    )


# The bundled synthetic feed (app/data/sample/README.md); `nrtd demo load` is its only way in.
SAMPLE_EXPORT = Path(__file__).resolve().parent / "data" / "sample" / "export-full-{lang}.json"


@demo_cli.command("load")
def demo_load_cmd(
    country: Annotated[str, typer.Option("--country", help="The sample's State to load")] = "Peru",
) -> None:
    """Load the bundled synthetic sample, only into a demo database (NRTD_DEMO=true) holding no
    recommendation yet; a database with records is left as it is (exit 0)."""
    from sqlalchemy import func, select

    from app.models import Recommendation
    from importers.run import import_uhri

    settings = _settings()
    if not settings.demo:
        _say(
            "the sample is synthetic and only for a demo instance: set NRTD_DEMO=true and a database of "
            "its own (make run uses sqlite:///./demo.db)",
            "red",
        )
        raise typer.Exit(EXIT_USAGE)
    engine = _database()
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(Recommendation)).scalar_one()
    if stored:
        _say(f"the database already holds {stored} recommendations: the sample is not loaded")
        return
    _finish(
        lambda progress: import_uhri(
            engine, settings, str(SAMPLE_EXPORT), country=country, languages=["en", "fr"], progress=progress
        )
    )


def _known_country(country: str, origin: str = "--country") -> str:
    """A State given on the command line as UHRI's name; a typo exits 2 naming the closest ones."""
    from app.taxonomies.countries import UnknownCountry, resolve_known_country

    try:
        return resolve_known_country(country)
    except UnknownCountry as exc:
        _say(f"{origin}: {exc}", "red")
        raise typer.Exit(EXIT_USAGE) from None


def _exclusive(country: str | None, all_countries: bool) -> None:
    if country and all_countries:
        _say("--country and --all-countries exclude each other: give one of them", "red")
        raise typer.Exit(EXIT_USAGE)


@import_cli.command("upr-info")
def import_upr_info_cmd(
    file: Annotated[Path, typer.Argument(help="UPR Info database CSV", exists=True, dir_okay=False)],
    country: CountryOpt = None,
    all_countries: AllOpt = False,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding (e.g. cp1252, mac_roman); detected when omitted")
    ] = None,
    allow_empty: AllowEmptyOpt = False,
) -> None:
    """Import a UPR Info database CSV export (never a full export: it withdraws nothing)."""
    from importers.run import import_upr_info

    settings = _settings()
    _exclusive(country, all_countries)
    engine = _database()
    _finish(
        lambda progress: import_upr_info(
            engine,
            settings,
            file,
            country=country,
            all_countries=all_countries,
            encoding=encoding,
            allow_empty=allow_empty,
            progress=progress,
        )
    )


@import_cli.command("csv")
def import_csv_cmd(
    file: Annotated[
        Path, typer.Argument(help="CSV in the project's template (see docs/csv-template.md)", exists=True)
    ],
    country: Annotated[
        str | None,
        typer.Option("--country", help="Only the rows concerning this State (name or ISO code)"),
    ] = None,
    allow_empty: AllowEmptyOpt = False,
) -> None:
    """Import manual recommendations (regional mechanisms and others) from the CSV template."""
    from importers.run import import_csv_template

    settings = _settings()
    engine = _database()
    _finish(
        lambda progress: import_csv_template(
            engine, settings, file, country=country, allow_empty=allow_empty, progress=progress
        )
    )


@export_cli.command("csv")
def export_csv_cmd(
    file: Annotated[
        str, typer.Argument(help="Where to write: FILE.csv, FILE.xlsx, or - for CSV on standard output")
    ],
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
    """Export recommendations in the CSV template, one row each, texts in text_<language> columns
    (CSV: UTF-8 with BOM, which `nrtd import csv` reads back; or XLSX)."""
    from sqlalchemy.exc import SQLAlchemyError

    from importers.csv_export import export_template_csv, export_template_xlsx

    kind = "csv" if file == "-" else Path(file).suffix.lower().removeprefix(".")
    if kind not in ("csv", "xlsx"):
        err.print(
            f"FILE: cannot write {Path(file).suffix or 'a file without an extension'}: "
            "name a .csv or .xlsx file, or - for CSV on standard output",
            style="red",
            markup=False,
        )
        raise typer.Exit(EXIT_USAGE)
    engine = _database()  # bad settings or an unreachable database exit 2 with the reason
    if country:
        country = _known_country(country)

    left_out: list[int] = []

    def skipped(rec_id: int, reason: str) -> None:
        left_out.append(rec_id)
        err.print(f"recommendation {rec_id} not exported: {reason}", style="yellow", markup=False)

    def to_csv(out: TextIO) -> int:
        return export_template_csv(
            engine, out, source=source, country=country, include_withdrawn=include_withdrawn, on_skip=skipped
        )

    def to_xlsx(path: Path) -> int:
        return export_template_xlsx(
            engine, path, source=source, country=country, include_withdrawn=include_withdrawn, on_skip=skipped
        )

    try:
        count = _export_xlsx_to(Path(file), to_xlsx) if kind == "xlsx" else _export_to(file, to_csv)
    except (OSError, SQLAlchemyError) as exc:
        err.print(f"export failed: {type(exc).__name__}: {exc}", style="red", markup=False)
        raise typer.Exit(EXIT_FAILED) from None
    where = "standard output" if file == "-" else file
    rows = f"{count} row{'' if count == 1 else 's'}"
    note = f"; {len(left_out)} left out (named above)" if left_out else ""
    message = f"exported {count} recommendations: {rows} in {where}{note}"
    err.print(message, markup=False, highlight=False, soft_wrap=True)


def _export_xlsx_to(path: Path, export: Callable[[Path], int]) -> int:
    """Like ``_export_to``: written beside ``path`` and moved onto it once complete."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        count = export(partial)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


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
    from app.core.db import session_scope
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
    engine = _database()
    try:
        with session_scope(engine) as session:
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


@users_cli.command("unlock")
def users_unlock_cmd(
    email: Annotated[str, typer.Argument(help="The email of the account to unlock")],
) -> None:
    """Forget an account's failed logins, so no address has to wait to log in to it (audited)."""
    from app.auth.actor import Actor
    from app.core.db import session_scope
    from app.core.errors import NotFound
    from app.users.service import unlock_user

    engine = _database()
    actor = Actor(role="admin", label=f"cli:{_os_user()}")
    try:
        with session_scope(engine) as session:
            cleared = unlock_user(session, actor, email)
    except NotFound as exc:
        err.print(exc.detail, style="red", markup=False)
        raise typer.Exit(EXIT_FAILED) from None
    err.print(
        f"unlocked {email.strip().lower()}: forgot {cleared} failed logins", markup=False, highlight=False
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
