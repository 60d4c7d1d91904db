"""``nrtd followup detect``: read the follow-up procedure of every stored document (docs/follow-up.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.common import EXIT_FAILED, Group, database, say, settings_or_exit

followup_cli = typer.Typer(
    cls=Group,
    help="The treaty bodies' follow-up procedure read from the stored documents.",
    short_help="Treaty bodies' follow-up, read from the stored documents.",
    rich_markup_mode=None,
)


@followup_cli.command("detect", short_help="Read the stored documents' follow-up requests and report dates.")
def followup_detect_cmd(
    quiet: Annotated[bool, typer.Option("--quiet", help="Print only the summary, not each warning")] = False,
) -> None:
    """Read every stored document's follow-up request and next report date (as each import does for
    the documents it writes). A coordinator's corrections are kept. Run it once after upgrading."""
    from app.core.errors import ImportLocked
    from app.followup.detection import detect_all
    from app.import_runs.lock import import_lock

    settings = settings_or_exit()
    engine = database()
    try:
        with import_lock(engine, ttl_seconds=settings.import_lock_ttl), engine.begin() as conn:
            result = detect_all(conn)
    except ImportLocked as exc:
        say(f"{exc}; try again when it has finished", "red")
        raise typer.Exit(EXIT_FAILED) from None
    if not quiet:
        for position, message in result.warnings:
            say(f"warning: {position}: {message}", "yellow")
    print(result.line())
