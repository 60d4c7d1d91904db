"""What every ``nrtd`` command shares: exit codes, stderr, settings and the database, country options."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:  # SQLAlchemy, pydantic and rich load only in the commands that use them
    from rich.console import Console
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from app.core.config import Settings

EXIT_FAILED = 1
EXIT_USAGE = 2
# The run ended but stored nothing: every record or row it read was rejected (a cron job must not
# stay green on it). A run that stored some, others rejected beside, exits 0.
EXIT_ALL_REJECTED = 3
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later
# After the lock's refusal ("another import is running (held by ...)"): what happened and what to do.
NOT_STARTED = "not started: run it again when that one has finished"

# Plain help (not typer's rich panels, which label every flag, --help included, "<bool>"); -h as --help.
HELP: dict[str, object] = {"help_option_names": ["-h", "--help"]}


class Group(TyperGroup):
    """A command group whose ``--help`` flag, when absent, is False rather than None.

    typer coerces every parsed value that is not already a bool through a pydantic TypeAdapter, and
    the help flag's absent value is None: ``nrtd import uhri --help`` imported pydantic (~0.1 s) only
    to coerce the ``nrtd`` and ``nrtd import`` groups' absent ``--help``. A bool is passed through.
    """

    def get_help_option(self, ctx: Any) -> Any:  # typer._click.Context, a private module
        option = super().get_help_option(ctx)
        if option is not None:
            option.default = False
        return option


class _Stderr:
    """rich's Console on stderr, made on first use: ``nrtd --help`` never needs it (rich takes ~25 ms
    to import), nor does an import run whose stderr is no terminal and that has nothing to say.
    ``err.print`` and ``err.is_terminal`` are the Console's; ``err.console`` is the Console."""

    @cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(stderr=True)

    def print(self, *objects: Any, **options: Any) -> None:
        self.console.print(*objects, **options)

    @property
    def is_terminal(self) -> bool:
        # What rich decides, without loading it when nothing could make stderr a terminal: not a
        # tty, and neither of the variables rich reads to treat it as one (TTY_COMPATIBLE=1, FORCE_COLOR).
        forced = os.environ.get("TTY_COMPATIBLE", "") == "1" or "FORCE_COLOR" in os.environ
        if "console" not in self.__dict__ and not forced and not _isatty(sys.stderr):
            return False
        return self.console.is_terminal


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


err = _Stderr()

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
        "--allow-empty",
        help="Succeed when the file holds no record, or none concerning the State (else exit 1)",
    ),
]
AllowWithdrawOpt = Annotated[
    bool,
    typer.Option(
        "--allow-withdraw",
        help="Let a full export withdraw more than NRTD_IMPORT_MAX_WITHDRAW_SHARE of the stored records",
    ),
]


def settings_or_exit() -> Settings:
    from pydantic import ValidationError

    from app.core.config import get_settings
    from app.core.setting_sources import unreadable_setting_lines

    unreadable = unreadable_setting_lines()
    for line in unreadable:
        say(line, "red")
    if unreadable:
        raise typer.Exit(EXIT_USAGE)
    try:
        settings = get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = "NRTD_" + "_".join(str(part) for part in error["loc"]).upper()
            # One line each, as written (no markup: a value may hold brackets), never wrapped.
            say(f"setting {name}: {_refusal(error)}", "red")
        raise typer.Exit(EXIT_USAGE) from None
    _warn_unknown_settings()
    from app.core.time_zone import set_process_zone

    set_process_zone(settings.time_zone)
    return settings


def _refusal(error: Any) -> str:
    """Why a setting's value was refused; for one left empty (a .env made from the README's table,
    values left blank), how to keep its default too: the value alone reads as if a word were typed."""
    from app.core.config import Settings

    reason: str = error["msg"].removeprefix("Value error, ")
    field = Settings.model_fields.get(str(error["loc"][0])) if error["loc"] else None
    given = error.get("input")
    if field is None or not isinstance(given, str) or given.strip() or reason.startswith("is empty"):
        return reason
    default = field.default
    if default in ("", None):  # empty is its default: nothing to keep, the reason alone
        return reason
    if isinstance(default, bool):
        shown = str(default).lower()
    elif isinstance(default, float) and default.is_integer():
        shown = str(int(default))  # 10, as the README gives it, not 10.0
    else:
        shown = str(default)
    return (
        f"is empty: remove the variable (or its .env line) to keep the default, {shown}, or give a "
        f"value ({reason})"
    )


@lru_cache(maxsize=1)
def _warn_unknown_settings() -> None:
    """Once per command: a misspelt setting is ignored, so say so before anything is done."""
    from app.core.setting_sources import unknown_settings

    for line in unknown_settings(os.environ):
        say(line, "yellow")


def say(message: str, style: str | None = None) -> None:
    """One message on stderr as it is: no markup, no highlighting, never wrapped (one line stays one)."""
    err.print(message, style=style, markup=False, highlight=False, soft_wrap=True)


def database(*, schema: bool = True) -> Engine:
    """The engine once the database answered; else one line naming NRTD_DATABASE_URL, or where the
    migrations are missing, exit 2."""
    from app.cli.connection import DatabaseUnusable, usable_engine
    from app.core.migrations import MigrationsNotFound, migrations_dir

    settings = settings_or_exit()
    try:
        migrations_dir()  # every command reads the schema's revision against them
    except MigrationsNotFound as exc:
        say(str(exc), "red")
        raise typer.Exit(EXIT_USAGE) from None
    try:
        return usable_engine(
            settings.database_url, schema=schema, default_url="database_url" not in settings.model_fields_set
        )
    except DatabaseUnusable as exc:
        say(str(exc), "red")
        raise typer.Exit(EXIT_USAGE) from None


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """The unit of work of a command that writes (``session_scope``), holding SQLite's write lock from
    its start. A transaction that reads first and then writes cannot wait for the lock: SQLite refuses
    its first write at once ("database is locked") while another writer holds it. Taken at the start,
    the lock is waited for like any other CLI write (30 s; PostgreSQL waits for row locks as long as
    it takes). Still taken then (an import holds it for its whole run): one line, nothing changed,
    exit 75."""
    from sqlalchemy.exc import OperationalError

    from app.core.db import DEFAULT_SQLITE_BUSY_SECONDS, session_scope

    try:
        with session_scope(engine) as session:
            session.connection(execution_options={"sqlite_immediate": True})
            yield session
    except OperationalError as exc:
        if "database is locked" not in str(exc.orig):
            raise
        from app.import_runs.lock import import_running

        holder = "an import is running and holds it" if import_running(engine) else "another process holds it"
        say(
            f"the database stayed locked for {DEFAULT_SQLITE_BUSY_SECONDS:g} s ({holder}): nothing was "
            "changed; try again later",
            "yellow",
        )
        raise typer.Exit(EXIT_LOCKED) from None


def country_given(country: str | None) -> None:
    """``--country ""`` (an empty shell variable) is refused: an export filtered on it wrote nothing,
    and an import took NRTD_COUNTRY instead, without a word (exit 2)."""
    if country is not None and not country.strip():
        say("--country: empty: give a State's name or ISO code (Peru, PE), or leave the option out", "red")
        raise typer.Exit(EXIT_USAGE)


def known_country(country: str, origin: str = "--country") -> str:
    """A State given on the command line as UHRI's name; a typo exits 2 naming the closest ones."""
    from app.feed.countries import UnknownCountry, resolve_known_country

    try:
        return resolve_known_country(country)
    except UnknownCountry as exc:
        say(f"{origin}: {exc}", "red")
        raise typer.Exit(EXIT_USAGE) from None


def this_state_only(settings: Settings, country: str | None, all_countries: bool = False) -> None:
    """Refuse ``--country`` naming another State than the one this instance tracks (NRTD_COUNTRY), and
    ``--all-countries`` there: their recommendations would be stored beside this State's, on the
    portal and in every report, and no later import removes them (exit 2). Another State, or every
    State, is imported into a database of its own."""
    if all_countries and settings.country.strip():
        tracked = known_country(settings.country, "NRTD_COUNTRY")
        say(
            f"--all-countries: this instance tracks {tracked} (NRTD_COUNTRY), and the other States' "
            "recommendations would be stored beside them, shown on the portal and counted in the reports, "
            "which no later import undoes. Import every State into a database of its own "
            "(NRTD_DATABASE_URL, with NRTD_COUNTRY empty)",
            "red",
        )
        raise typer.Exit(EXIT_USAGE)
    if not country or not settings.country.strip():
        return
    asked, tracked = known_country(country), known_country(settings.country, "NRTD_COUNTRY")
    if asked != tracked:
        say(
            f"--country {country}: this instance tracks {tracked} (NRTD_COUNTRY), and {asked}'s "
            "recommendations would be stored beside them, shown on the portal and counted in the reports, "
            "which no later import undoes. Import another State into a database of its own "
            "(NRTD_DATABASE_URL, with NRTD_COUNTRY set to that State)",
            "red",
        )
        raise typer.Exit(EXIT_USAGE)


def existing_file(value: str) -> Path:
    """The FILE argument of an import, as click's Path(exists=True, dir_okay=False) checks it, but an
    empty one (``"$FILE"`` with the variable unset) is named so, not "file '' is a directory"."""
    if not value.strip():
        raise typer.BadParameter("empty: give the file's path (is a shell variable unset?)")
    path = Path(value)
    if not path.exists():
        raise typer.BadParameter(f"file {value!r} does not exist.")
    if path.is_dir():
        raise typer.BadParameter(f"file {value!r} is a directory.")
    if not os.access(path, os.R_OK):
        raise typer.BadParameter(f"file {value!r} is not readable.")
    return path


def exclusive(country: str | None, all_countries: bool) -> None:
    if country and all_countries:
        say("--country and --all-countries exclude each other: give one of them", "red")
        raise typer.Exit(EXIT_USAGE)


def os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container running with an unnamed uid)
        return "unknown"


class _LogFormatter(logging.Formatter):
    # uvicorn logs its start and stop as "uvicorn.error" (its error log, INFO lines included): named
    # "uvicorn", an alert on "error" in the log no longer fires at every start.
    def format(self, record: logging.LogRecord) -> str:
        if record.name != "uvicorn.error":
            return super().format(record)
        named = logging.makeLogRecord(record.__dict__)
        named.name = "uvicorn"
        return super().format(named)


def log_formatter() -> logging.Formatter:
    """``nrtd serve``'s log lines: the time in UTC (as the lines' own times are, a scheduled run's or a
    retry's, and the stored ones), whatever the server's time zone, which made them local times
    without an offset."""
    formatter = _LogFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    formatter.converter = time.gmtime
    return formatter


def stamped(message: str) -> str:
    """``message`` after its time in UTC, as ``nrtd serve``'s log lines have it (``log_formatter``): a
    cron job appends an import's lines to its log, where nothing told which night's run they were."""
    return f"{log_formatter().formatTime(logging.makeLogRecord({}))} {message}"
