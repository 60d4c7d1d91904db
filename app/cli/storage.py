"""``nrtd storage check``: the evidence files on disk against their rows (app/evidence/check.py);
``nrtd storage strip-metadata``: photos stored with their metadata rewritten without it
(app/evidence/cleaning.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.common import (
    EXIT_FAILED,
    EXIT_USAGE,
    HELP,
    Group,
    database,
    os_user,
    say,
    settings_or_exit,
    write_session,
)
from app.core.counts import count_of

if TYPE_CHECKING:  # SQLAlchemy and the models load only when the command runs
    from app.evidence.check import StorageReport
    from app.evidence.cleaning import CleaningReport

storage_cli = typer.Typer(
    cls=Group,
    help="The uploaded files under NRTD_STORAGE_DIR.",
    no_args_is_help=True,
    context_settings=HELP,
    rich_markup_mode=None,
)


@storage_cli.command("check", short_help="Report evidence rows and files that miss each other.")
def storage_check_cmd(
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Remove rows whose file is missing (audited as evidence.lost), and orphan and temporary "
            "files older than the grace period",
        ),
    ] = False,
    grace_hours: Annotated[
        float,
        typer.Option(
            "--grace-hours",
            min=0,
            help="Files younger than this may belong to an upload still in progress: counted, never removed",
        ),
    ] = 1.0,
    all_lost: Annotated[
        bool,
        typer.Option(
            "--all-lost",
            help="With --repair, when not one evidence file is found: confirm that all are lost and remove "
            "every row (otherwise refused: the storage directory is more likely set wrong or not mounted)",
        ),
    ] = False,
) -> None:
    """Report evidence rows whose file is missing and stored files no row names; exit 1 if any
    (0 after --repair has fixed them)."""
    from app.core.actor import Actor
    from app.core.db import session_scope
    from app.evidence.check import StorageReport, check_storage, repair_storage, storage_not_writable
    from app.evidence.storage import BlobStore

    if all_lost and not repair:  # a confirmation of nothing: the operator meant a repair
        say("--all-lost confirms a --repair: give --repair --all-lost, or neither", "red")
        raise typer.Exit(EXIT_USAGE)
    settings = settings_or_exit()
    engine = database()
    store = BlobStore(settings.storage_dir)
    # Named whole: a relative NRTD_STORAGE_DIR is relative to where the command runs (cron: a home).
    root = store.root.absolute()
    grace = grace_hours * 3600
    # A repair writes after reading: on SQLite it must hold the write lock from the start to wait for it.
    # No upload could be stored there: what the files say is beside the point, and a repair would fail
    # removing the first of them.
    unwritable = storage_not_writable(store)
    with write_session(engine) if repair else session_scope(engine) as session:
        report = check_storage(session, store, grace)
        missing_root = not store.root.is_dir()
        where = f"{root}, which does not exist" if missing_root else str(root)
        say(
            f"storage {_named(settings.storage_dir, root)}: {count_of(report.rows, 'evidence row')}, "
            f"{count_of(report.stored, 'stored file')}"
        )
        if missing_root and report.rows == 0 and unwritable is None:
            # A new instance: nothing can be missing from a directory no upload has made yet.
            if repair:
                store.root.mkdir(parents=True, exist_ok=True)
                say(f"made the storage directory {root}")
            else:
                say(
                    f"the storage directory {root} does not exist yet: the first evidence upload makes "
                    "it (nrtd storage check --repair makes it now); no evidence row names a file, so none "
                    "is missing"
                )
        _describe(report, where, repairing=repair, unwritable=unwritable)
        if unwritable is not None:
            say(f"{unwritable}{'; not repaired' if repair else ''}", "red")
            raise typer.Exit(EXIT_FAILED)
        if repair and report.nothing_found and not all_lost:
            say(
                f"not repaired: {_none_of(report.rows)} in {where}. Check that "
                "NRTD_STORAGE_DIR names the directory the uploads were stored in and that it is mounted; "
                "if every file is really lost, run again with --repair --all-lost to remove every row",
                "red",
            )
            raise typer.Exit(EXIT_FAILED)
        if repair and not report.consistent:
            actor = Actor(role="admin", label=f"cli:{os_user()}")
            removed = repair_storage(session, actor, store, report, grace)
            say(f"repaired: removed {removed} (rows and files)", "green")
            report = StorageReport()  # what was found is fixed
    if not report.consistent:
        raise typer.Exit(EXIT_FAILED)


@storage_cli.command("strip-metadata", short_help="Strip EXIF and GPS metadata from stored photos.")
def storage_strip_metadata_cmd(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would be cleaned; change no file and no row")
    ] = False,
) -> None:
    """Rewrite the JPEG, PNG, WebP and TIFF evidence images stored with their metadata (EXIF with its
    GPS position, XMP, IPTC, comments: uploads before they were removed on upload) without it, as an
    upload now stores them; their rows get the new size and hash (audited as evidence.strip). Safe to
    run again and to interrupt; exit 1 if a photo could not be read (left as it is) or its file is missing."""
    import time

    from app.core.actor import Actor
    from app.core.db import session_scope
    from app.evidence import metadata
    from app.evidence.check import storage_not_writable
    from app.evidence.cleaning import (
        CleaningReport,
        Outcome,
        move_rows,
        remove_unnamed,
        stored_photos,
        stripped_copy,
    )
    from app.evidence.storage import BlobStore

    settings = settings_or_exit()
    engine = database()
    store = BlobStore(settings.storage_dir)
    unwritable = None if dry_run else storage_not_writable(store)
    if unwritable is not None:
        say(f"{unwritable}; nothing was changed", "red")
        raise typer.Exit(EXIT_FAILED)
    with session_scope(engine) as session:
        photos = stored_photos(session)
    actor = Actor(role="admin", label=f"cli:{os_user()}")
    report = CleaningReport()
    try:
        for photo in photos:
            try:
                result = stripped_copy(store, photo, dry_run=dry_run)
                if not isinstance(result, Outcome):
                    store.keep(result)  # the new content is whole on disk before any row names it
            except metadata.Unreadable as exc:
                report.unreadable.append((photo, str(exc)))
                continue
            except OSError as exc:  # what is left in tmp/, `nrtd storage check --repair` removes
                say(f"stopped: {store.root} cannot be read or written ({exc})", "red")
                raise typer.Exit(EXIT_FAILED) from None
            if result is Outcome.MISSING:
                report.missing.append(photo)
            elif result is Outcome.CLEAN:
                report.clean += 1
            elif result is Outcome.CLEANED:  # a dry run
                report.cleaned += 1
                report.rows_changed += len(photo.evidence_ids)
            elif not isinstance(result, Outcome):
                since = time.time()
                with write_session(engine) as session:
                    report.rows_changed += move_rows(session, actor, photo.sha256, result)
                report.cleaned += 1
                with session_scope(engine) as session:
                    remove_unnamed(session, store, photo.sha256, since)
    finally:
        _describe_cleaning(report, dry_run=dry_run)
    if report.unreadable or report.missing:
        raise typer.Exit(EXIT_FAILED)


def _describe_cleaning(report: CleaningReport, *, dry_run: bool) -> None:
    for photo, reason in report.unreadable:
        say(
            f"left as it is: evidence files {', '.join(map(str, photo.evidence_ids))} (sha256 "
            f"{photo.sha256}): {reason}",
            "red",
        )
    for photo in report.missing:
        say(
            f"missing content: evidence files {', '.join(map(str, photo.evidence_ids))} (sha256 "
            f"{photo.sha256}); `nrtd storage check` reports it",
            "red",
        )
    cleaned = "would be cleaned" if dry_run else "cleaned"
    say(
        f"photos {cleaned}: {report.cleaned} ({count_of(report.rows_changed, 'evidence file')}); "
        f"already clean: {report.clean}; unreadable, left as they are: {len(report.unreadable)}; "
        f"missing: {len(report.missing)}",
        "green" if not (report.unreadable or report.missing) else "yellow",
    )


def _none_of(rows: int) -> str:
    """What a check found of ``rows`` evidence files: not one ("none of the 1 evidence files")."""
    return "the one evidence file is not" if rows == 1 else f"none of the {rows} evidence files is"


def _named(directory: str, root: Path) -> str:
    return directory if Path(directory).is_absolute() else f"{directory} ({root})"


def _describe(report: StorageReport, where: str, *, repairing: bool, unwritable: str | None) -> None:
    for missing in report.missing:
        say(
            f"missing content: evidence file {missing.id} ({missing.filename!r}, progress update "
            f"{missing.progress_update_id}, sha256 {missing.sha256})",
            "red",
        )
    for path in report.orphans:
        say(f"orphan file (no row names it): {path}", "red")
    for path in report.temporaries:
        say(f"temporary file of an upload that did not finish: {path}", "red")
    if report.recent_orphans or report.recent_temporaries:
        say(
            "within the grace period (uploads may be in progress): "
            f"{count_of(report.recent_orphans, 'unnamed file')}, "
            f"{count_of(report.recent_temporaries, 'temporary file')}"
        )
    if report.consistent and unwritable is None:
        say("consistent", "green")
    elif report.consistent:
        say("inconsistent: the directory cannot be written", "red")
    elif repairing:  # what the repair did (or why it did not) comes next
        say("inconsistent", "red")
    elif report.nothing_found:  # a repair would refuse: the directory is likelier set wrong
        say(
            f"inconsistent: {_none_of(report.rows)} in {where}: is its volume mounted, "
            "and does NRTD_STORAGE_DIR name the directory the uploads were stored in? If every file is "
            "really lost, --repair --all-lost removes every row",
            "red",
        )
    else:
        say("inconsistent: run again with --repair to fix it", "red")
