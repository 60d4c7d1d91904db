"""An import run's record and its one transaction: start, finish or record the failure, and run a
feed of records through the pipeline.

A run that fails, or is killed, leaves the data exactly as it was: everything it writes is in
one transaction. A failed run is then recorded in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, insert, update

from app.core.counts import count_of
from app.feed import refusals
from app.feed.records import MalformedInput, RecordError, Rejection
from app.followup.detection import detect_after_import
from app.import_runs.masking import mask_credentials
from app.models import ImportRun
from app.models.base import utcnow
from app.recommendations.source_links import LinkingSummary, link_duplicates
from importers.download import DownloadError
from importers.pipeline.records import Counts, WithdrawalRefused
from importers.pipeline.upserter import Upserter
from importers.progress import Progress
from importers.uhri_keys import FormatChanged

SQLITE_IMPORT_CACHE_KIB = 256 * 1024


class NothingInScope(MalformedInput):
    """A file none of whose records concerns the chosen State: a typo'd country or the wrong file."""


@dataclass
class RunSummary:
    run_id: int
    outcome: str  # succeeded | failed | not_modified
    counts: Counts
    message: str | None = None
    languages: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)  # the first few, in input order
    warnings: int = 0  # what the run could read only in part (import_warnings)
    linking: LinkingSummary | None = None  # the source links the run made or dropped
    # Refused for what the file is, not for what it holds (a UHRI export whose format changed): the
    # command line exits 2, as for a wrong file given, not 1.
    format_changed: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome != "failed"

    def line(self) -> str:
        text = f"import run {self.run_id} {self.outcome}: {self.counts.summary()}"
        if self.warnings:
            text += f", {count_of(self.warnings, 'warning')}"
        if self.linking is not None and (self.linking.changed or self.linking.carried):
            text = f"{text}; {self.linking.line()}"
        return f"{text} ({mask_credentials(self.message)})" if self.message else text


@dataclass
class RunSpec:
    source: str
    format: str
    location: str
    country: str | None
    full_export: bool
    languages: list[str]
    # Largest share of a scope's live records a full export may withdraw; None = no limit.
    max_withdraw_share: float | None = None
    allow_empty: bool = False  # a one-State run may keep no record (else it fails, see NothingInScope)
    # What the run records as its location when the file read is not one to show: an upload's name,
    # not the temporary file it was spooled to.
    shown_as: str | None = None
    # The State a run keeps by the instance's rule rather than by ``country``'s filter (the template
    # on a one-State instance rejects, not skips, another State's rows): recorded as the run's State.
    own_state: str | None = None
    # How a mass withdrawal's refusal says what to do: "option" (nrtd import's --allow-withdraw) or
    # "ask-administrator" (a run the server started: app/feed/file_refusals.WITHDRAW_ADVICE).
    withdraw_advice: str = "option"


# The ids of the runs started while ``runs_started`` watches (see there).
_started: ContextVar[list[int] | None] = ContextVar("started_runs", default=None)


@contextmanager
def runs_started(started: list[int]) -> Iterator[list[int]]:
    """``started`` given the ids of the runs started inside this block, in order, as each is
    started: their records may or may not be committed. Ctrl-C may land after a run's commit and
    before its summary (the connection closing, the VACUUM after a first load): ``nrtd import`` then
    reads these records back to say whether the run was kept, rather than guessing that it was not."""
    token = _started.set(started)
    try:
        yield started
    finally:
        _started.reset(token)


def start_run(conn: Connection, spec: RunSpec) -> int:
    run_id = _insert_run(conn, spec)
    watching = _started.get()
    if watching is not None:
        watching.append(run_id)
    return run_id


def _insert_run(conn: Connection, spec: RunSpec) -> int:
    return conn.execute(
        insert(ImportRun)
        .values(
            source=spec.source,
            format=spec.format,
            # A feed's password is not kept with the run (the API and the CLI show runs).
            location=spec.shown_as or mask_credentials(spec.location),
            country=spec.country or spec.own_state,
            languages=",".join(spec.languages),
            full_export=spec.full_export,
            started_at=utcnow(),
            outcome="running",
        )
        .returning(ImportRun.id)
    ).scalar_one()


def finish_run(
    conn: Connection,
    run_id: int,
    outcome: str,
    counts: Counts,
    message: str | None,
    languages: Collection[str] = (),
) -> None:
    """``languages``: those the file's texts were read in, where the run could not know them before
    (the template's rows each name theirs); none keeps those it started with."""
    conn.execute(
        update(ImportRun)
        .where(ImportRun.id == run_id)
        .values(
            outcome=outcome,
            finished_at=utcnow(),
            message=None if message is None else mask_credentials(message),
            **vars(counts),
            **({"languages": ",".join(sorted(languages))} if languages else {}),
        )
    )


def record_failure(engine: Engine, spec: RunSpec, counts: Counts, message: str) -> int:
    with engine.begin() as conn:
        run_id = start_run(conn, spec)
        finish_run(conn, run_id, "failed", counts, message[:4000])
    return run_id


@contextmanager
def _large_sqlite_cache(conn: Connection, spec: RunSpec) -> Iterator[None]:
    """SQLite's page cache for a run of every country's records: 2 MB by default, a fraction of
    the indexes such a run updates. A run for one State keeps the default, so its memory does
    not grow with what it writes."""
    if conn.dialect.name != "sqlite" or spec.country is not None:
        yield
        return
    raw: Any = conn.connection.driver_connection  # outside SQLAlchemy's transaction handling
    (default,) = raw.execute("PRAGMA cache_size").fetchone()
    raw.execute(f"PRAGMA cache_size=-{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={int(default)}")


def execute_run(
    engine: Engine,
    spec: RunSpec,
    feed: Callable[[Upserter], object],
    *,
    progress: Progress | None = None,
    after: Callable[[Connection, int], None] | None = None,
    notes: list[str] | None = None,
) -> RunSummary:
    """Run ``feed`` on an Upserter inside one transaction; record the run either way. What ``feed``
    adds to ``notes`` (an encoding it had to guess) is the succeeded run's message."""
    upserter: Upserter | None = None
    try:
        with (
            engine.connect().execution_options(sqlite_immediate=True) as conn,
            _large_sqlite_cache(conn, spec),
            conn.begin(),
        ):
            run_id = start_run(conn, spec)
            upserter = Upserter(
                conn,
                run_id=run_id,
                source=spec.source,
                country=spec.country,
                full_export=spec.full_export,
                max_withdraw_share=spec.max_withdraw_share,
                withdraw_advice=spec.withdraw_advice,
                on_progress=(lambda counts: progress("importing", counts)) if progress else None,
            )
            feed(upserter)
            _require_records_in_scope(spec, upserter.counts)
            # The follow-up procedure of the documents this run wrote, read in the same transaction.
            warnings = len(detect_after_import(conn, run_id).warnings)
            # After the writing, in the same transaction: a copy another source published is
            # linked to its UHRI record (keys untouched), links whose texts changed re-evaluated.
            linking = link_duplicates(conn, actor=f"import run {run_id}")
            if after is not None:
                after(conn, run_id)
            said = [*(notes or ()), *upserter.notes]
            message = "; ".join(said) if said else None
            # A template's rows name their languages: its run lists them, not the "en" it started with.
            read = upserter.languages_read if spec.source == "manual" else ()
            finish_run(conn, run_id, "succeeded", upserter.counts, message, read)
        return RunSummary(
            run_id,
            "succeeded",
            upserter.counts,
            message,
            languages=sorted(upserter.languages),
            rejections=upserter.first_rejections,
            warnings=warnings,
            linking=linking,
        )
    except (MalformedInput, RecordError, DownloadError, OSError) as exc:
        counts = _nothing_written(upserter)
        refused = isinstance(exc, WithdrawalRefused | NothingInScope)
        if isinstance(exc, OSError):
            message = f"{type(exc).__name__}: {exc}"
        else:
            message = refusals.refusal(
                refusals.REFUSED if refused else refusals.INPUT_REJECTED, reason=str(exc)
            )
        run_id = record_failure(engine, spec, counts, message)
        rejections = upserter.first_rejections if upserter else []
        changed = isinstance(exc, FormatChanged)
        return RunSummary(run_id, "failed", counts, message, rejections=rejections, format_changed=changed)
    except Exception as exc:
        counts = _nothing_written(upserter)
        record_failure(engine, spec, counts, f"internal error: {type(exc).__name__}: {exc}")
        raise


def _nothing_written(upserter: Upserter | None) -> Counts:
    """A failed run's counts: how far it read, and no write, as its transaction was rolled back. It
    recorded what it had written before the failure ("created 4000" for a file cut short at record
    30,001), which the run's page and the command line showed as if it had been stored."""
    if upserter is None:
        return Counts()
    read = upserter.counts
    return Counts(read=read.read, skipped=read.skipped, rejected=read.rejected)


def _require_records_in_scope(spec: RunSpec, counts: Counts) -> None:
    """A one-State run that read records but kept none of them (none concerns the State) fails
    loudly: a typo'd country or the wrong file would otherwise "succeed" every night, doing nothing.
    So does a run that read no record at all: a header row and nothing below it (an empty search
    export, rows filtered out before saving), or an empty array."""
    if spec.allow_empty:
        return
    if counts.read == 0:
        raise NothingInScope(refusals.NO_RECORD)
    if spec.country is None:
        return
    if counts.skipped and not (counts.created or counts.updated or counts.unchanged or counts.rejected):
        # Shown on the staff workspace's run page too, where no option of the command can be given.
        raise NothingInScope(
            refusals.refusal(refusals.NOTHING_IN_SCOPE, read=counts.read, state=spec.country)
        )
