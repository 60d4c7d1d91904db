"""``nrtd storage check``: the evidence files on disk against their rows (app/evidence/check.py)."""

from __future__ import annotations

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

if TYPE_CHECKING:  # SQLAlchemy and the models load only when the command runs
    from app.evidence.check import StorageReport

storage_cli = typer.Typer(
    cls=Group,
    help="The uploaded files under NRTD_STORAGE_DIR.",
    no_args_is_help=True,
    context_settings=HELP,
    rich_markup_mode=None,
)


@storage_cli.command("check")
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
    grace = grace_hours * 3600
    # A repair writes after reading: on SQLite it must hold the write lock from the start to wait for it.
    # No upload could be stored there: what the files say is beside the point, and a repair would fail
    # removing the first of them.
    unwritable = storage_not_writable(store)
    with write_session(engine) if repair else session_scope(engine) as session:
        report = check_storage(session, store, grace)
        _describe(report, settings.storage_dir, repairing=repair, unwritable=unwritable)
        if not store.root.is_dir():
            say(f"the storage directory {store.root} does not exist: is NRTD_STORAGE_DIR right?", "red")
        if unwritable is not None:
            say(f"{unwritable}{'; not repaired' if repair else ''}", "red")
            raise typer.Exit(EXIT_FAILED)
        if repair and report.nothing_found and not all_lost:
            say(
                f"not repaired: none of the {report.rows} evidence files is in {store.root}. Check that "
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


def _describe(report: StorageReport, directory: str, *, repairing: bool, unwritable: str | None) -> None:
    say(f"storage {directory}: {report.rows} evidence rows, {report.stored} stored files")
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
            f"within the grace period (uploads may be in progress): {report.recent_orphans} unnamed files, "
            f"{report.recent_temporaries} temporary files"
        )
    if report.consistent and unwritable is None:
        say("consistent", "green")
    elif report.consistent:
        say("inconsistent: the directory cannot be written", "red")
    else:  # with --repair, what the repair did (or why it did not) comes next
        say("inconsistent" if repairing else "inconsistent: run again with --repair to fix it", "red")
