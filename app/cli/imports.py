"""``nrtd import ...``: one run at a time, a failed run writes nothing (``nrtd demo load``: app.cli.demo)."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.common import (
    EXIT_ALL_REJECTED,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_USAGE,
    NOT_STARTED,
    AllOpt,
    AllowEmptyOpt,
    AllowWithdrawOpt,
    CountryOpt,
    Group,
    country_given,
    database,
    err,
    exclusive,
    existing_file,
    say,
    settings_or_exit,
    stamped,
    this_state_only,
)
from app.core.counts import count_of
from app.core.errors import ImportFailed, ImportLocked

if TYPE_CHECKING:  # the importers (SQLAlchemy, the models) load only in the commands that use them
    from importers.progress import Progress as ProgressCallback
    from importers.run_record import RunSummary

import_cli = typer.Typer(
    cls=Group,
    help="Import recommendations (one run at a time; a failed run writes nothing).",
    # Each summary line whole on an 80-column terminal (a longer one is cut mid-sentence with "...").
    short_help="Import recommendations: UHRI, UPR Info, the CSV template.",
    rich_markup_mode=None,
)
SHOWN_REJECTIONS = 20


@contextmanager
def _progress() -> Iterator[ProgressCallback]:
    """A bar on a terminal (bytes, then records); elsewhere only the notices, one line each."""
    if not err.is_terminal:
        from app.cli.notices import NoticePrinter

        yield NoticePrinter(err)
        return
    from app.cli.progress import BarProgress, progress_bar

    with progress_bar(err.console) as bar:
        yield BarProgress(bar)


def finish(run: Callable[[ProgressCallback | None], RunSummary]) -> None:
    """Run the import and report it. Every line naming the feed is masked (``mask_credentials``): a
    feed URL's password or token (``https://user:pass@...``, ``?token=...``) never reaches a terminal
    or a cron log, as it never reaches the stored run."""
    from app.import_runs.masking import mask_credentials
    from importers.run_record import runs_started
    from importers.scope import ImportUsageError

    started: list[int] = []  # the run's id once it is started (a list as Ctrl-C may land first)
    try:
        with _terminated_as_interrupted(), runs_started(started), _progress() as progress:
            summary = run(progress)
    except ImportLocked as exc:
        say(stamped(mask_credentials(f"{exc.detail}; {NOT_STARTED}")), "yellow")
        raise typer.Exit(EXIT_LOCKED) from None
    except ImportUsageError as exc:
        # Refused before any run, as an argument or a setting typer or the settings refuse: unstamped.
        say(mask_credentials(exc.detail), "red")
        raise typer.Exit(EXIT_USAGE) from None
    except ImportFailed as exc:
        say(stamped(mask_credentials(exc.detail)), "red")
        raise typer.Exit(EXIT_FAILED) from None
    except KeyboardInterrupt as exc:
        said = _interrupted(started)
        if isinstance(exc, _Terminated):
            said = "terminated (SIGTERM)" + said.removeprefix("interrupted")
        say(stamped(said), "yellow")
        raise typer.Exit(_EXIT_TERMINATED if isinstance(exc, _Terminated) else 130) from None
    print(stamped(summary.line()))
    _print_rejections(summary)
    if not summary.ok:
        # Loud on stderr too: the summary line may go to a log nobody reads.
        say(stamped(mask_credentials(summary.message or "the run failed")), "red")
        raise typer.Exit(EXIT_USAGE if summary.format_changed else EXIT_FAILED)
    counts = summary.counts
    if (
        summary.outcome == "succeeded"
        and counts.rejected
        and not (counts.created or counts.updated or counts.unchanged)
    ):
        which = (
            "the one record to import was"
            if counts.rejected == 1
            else f"all {counts.rejected} records to import were"
        )
        say(
            stamped(
                f"nothing was imported: {which} rejected; correct what is listed above and import the file "
                "again"
            ),
            "red",
        )
        raise typer.Exit(EXIT_ALL_REJECTED)


_EXIT_TERMINATED = 128 + signal.SIGTERM  # 143, as a shell reports a process SIGTERM ended


class _Terminated(KeyboardInterrupt):
    """SIGTERM during an import (kill, docker stop, systemd, a Kubernetes Job's deadline), stopped as
    Ctrl-C stops it: rolled back, reader processes ended, and one line saying what was kept, where the
    process died without a word in the log before."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


@contextmanager
def _terminated_as_interrupted() -> Iterator[None]:
    """SIGTERM raises ``_Terminated`` while the import runs; the handler before is given back."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread: nothing to catch the signal in
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupted(started: list[int]) -> str:
    """What Ctrl-C left, as the run's record says: before the run committed, its one transaction is
    rolled back, its record too; after (the connection closing, the VACUUM after a first load), what
    it wrote is kept, and running it again would only find it unchanged."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from app.core.db import get_engine
    from app.import_runs.masking import mask_credentials
    from app.models import ImportRun
    from importers.pipeline.records import Counts
    from importers.run_record import RunSummary

    stopped = "interrupted: the import stopped before it finished and nothing of it was written; run it again"
    if not started:
        return stopped
    try:
        with get_engine().connect() as conn:
            stored = conn.execute(select(*ImportRun.__table__.c).where(ImportRun.id == started[-1])).first()
    except SQLAlchemyError:
        return (
            f"interrupted: whether import run {started[-1]} was kept could not be read (the database did "
            f"not answer): see GET /api/v1/import-runs/{started[-1]} before running it again"
        )
    if stored is None:
        return stopped
    counts = Counts(**{name: getattr(stored, name) for name in vars(Counts())})
    line = mask_credentials(RunSummary(stored.id, stored.outcome, counts, stored.message).line())
    if stored.outcome == "succeeded":
        return (
            f"interrupted after the import was committed: {line}; what it wrote is kept, nothing to run again"
        )
    return f"interrupted after the run was recorded: {line}; nothing of it was written"


def _print_rejections(summary: RunSummary) -> None:
    """Why records were rejected, not only how many: the first few, then where to find the rest."""
    total = summary.counts.rejected
    if not total:
        return
    from app.feed.row_problems import problems_of

    # The lines below it, indented, are its own: the time is said once.
    say(stamped(f"{count_of(total, 'record')} rejected:"))
    for rejection in summary.rejections[:SHOWN_REJECTIONS]:
        record = f" ({rejection.external_id})" if rejection.external_id else ""
        problems = problems_of(rejection.reason)
        if len(problems) == 1:
            say(f"  {rejection.input_position}{record}: {rejection.reason}")
            continue
        # Each problem of the record on a line of its own, so that all are fixed in one go.
        say(f"  {rejection.input_position}{record}:")
        for problem in problems:
            say(f"    - {problem}")
    rest = total - len(summary.rejections[:SHOWN_REJECTIONS])
    if summary.ok:
        where = f"all in GET /api/v1/import-runs/{summary.run_id}"
        say(f"  ... and {rest} more; {where}" if rest else f"  ({where})")
    elif rest:
        say(f"  ... and {rest} more (the failed run kept none of them)")


@import_cli.command("uhri", short_help="Import a UHRI export, JSON or XLSX (default: NRTD_UHRI_URL).")
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
    from pydantic import ValidationError

    from app.core.config import Settings
    from importers.halves import started_for_run

    settings = settings_or_exit()
    if source is not None and not source.strip():
        # An unset shell variable ("$EXPORT"): taken as no SOURCE, the whole export was downloaded.
        say("SOURCE: empty: give the export's path or URL, or leave it out to download NRTD_UHRI_URL", "red")
        raise typer.Exit(EXIT_USAGE)
    country_given(country)
    exclusive(country, all_countries)
    this_state_only(settings, country, all_countries)
    langs = None
    if languages is not None:  # given, even empty: never passed over for NRTD_UHRI_LANGUAGES
        try:
            langs = Settings(uhri_languages=languages).languages
        except ValidationError as exc:
            say(f"--languages: {exc.errors()[0]['msg'].removeprefix('Value error, ')}", "red")
            raise typer.Exit(EXIT_USAGE) from None
    # One State from a large local export: its readers parse while the database layer loads.
    with started_for_run(
        settings, source, country=country, all_countries=all_countries, languages=langs
    ) as readers:
        engine = database()
        from importers.run import import_uhri

        finish(
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
                readers=readers,
            )
        )


@import_cli.command("upr-info", short_help="Import a UPR Info database CSV (never withdraws).")
def import_upr_info_cmd(
    file: Annotated[Path, typer.Argument(help="UPR Info database CSV", parser=existing_file)],
    country: CountryOpt = None,
    all_countries: AllOpt = False,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding (e.g. cp1252, mac_roman); detected when omitted")
    ] = None,
    allow_empty: AllowEmptyOpt = False,
) -> None:
    """Import a UPR Info database CSV export (never a full export: it withdraws nothing)."""
    from importers.csv_runs import import_upr_info

    settings = settings_or_exit()
    if encoding is not None:
        _known_encoding(encoding)
    country_given(country)
    exclusive(country, all_countries)
    this_state_only(settings, country, all_countries)
    engine = database()
    finish(
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


def _known_encoding(encoding: str) -> None:
    """A typo in --encoding is the command line's fault: refused before a run is recorded (exit 2). So
    is a codec that is no text encoding (rot13, base64, zlib: Python knows them, no file is read in them)."""
    import codecs

    advice = (
        "give one such as utf-8, cp1252 (Windows), mac_roman, utf-16, or leave the option out to have it "
        "detected"
    )
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        say(f"--encoding: unknown text encoding {encoding!r}: {advice}", "red")
        raise typer.Exit(EXIT_USAGE) from None
    if not getattr(codec, "_is_text_encoding", True):
        say(f"--encoding: {encoding!r} is not a text encoding: {advice}", "red")
        raise typer.Exit(EXIT_USAGE)


@import_cli.command("csv", short_help="Import manual recommendations: the CSV template or its .xlsx.")
def import_csv_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV (or .xlsx workbook) in the project's template (see docs/csv-template.md)",
            parser=existing_file,
        ),
    ],
    country: Annotated[
        str | None,
        typer.Option("--country", help="Only the rows concerning this State (name or ISO code)"),
    ] = None,
    allow_empty: AllowEmptyOpt = False,
) -> None:
    """Import manual recommendations (regional mechanisms and others) from the CSV template (or the
    template saved as an .xlsx workbook)."""
    from importers.csv_runs import import_csv_template

    settings = settings_or_exit()
    country_given(country)
    this_state_only(settings, country)
    engine = database()
    finish(
        lambda progress: import_csv_template(
            engine, settings, file, country=country, allow_empty=allow_empty, progress=progress
        )
    )
