"""``nrtd export csv``: the CSV template (or XLSX), written beside its name and moved there at the end."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal, TextIO

import typer

from app.cli.common import EXIT_FAILED, EXIT_USAGE, Group, country_given, database, known_country, say
from app.core.counts import count_of

# Standard output closed by its reader: 128 + SIGPIPE, what a shell reports for `cat` stopped by `head`.
EXIT_PIPE_CLOSED = 141

export_cli = typer.Typer(cls=Group, help="Export recommendations (read only).", rich_markup_mode=None)


@export_cli.command("csv", short_help="Export recommendations in the CSV template (or XLSX).")
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
    (CSV: UTF-8, with a BOM in a file, none on standard output, which `nrtd import csv` reads back;
    or XLSX)."""
    from sqlalchemy.exc import SQLAlchemyError

    from importers.csv_export import export_template_csv, export_template_xlsx

    country_given(country)
    if not file.strip():  # "$OUT" with the variable unset: the folder the command ran in, else
        say(
            "FILE: empty: name a .csv or .xlsx file, or - for CSV on standard output (is a shell variable "
            "unset?)",
            "red",
        )
        raise typer.Exit(EXIT_USAGE)
    if file != "-" and not _writable_place(Path(file)):
        raise typer.Exit(EXIT_USAGE)
    kind = "csv" if file == "-" else Path(file).suffix.lower().removeprefix(".")
    if kind not in ("csv", "xlsx"):
        say(
            f"FILE: cannot write {Path(file).suffix or 'a file without an extension'}: "
            "name a .csv or .xlsx file, or - for CSV on standard output",
            "red",
        )
        raise typer.Exit(EXIT_USAGE)
    engine = database()  # bad settings or an unreachable database exit 2 with the reason
    if country:
        country = known_country(country)

    left_out: list[int] = []

    def skipped(rec_id: int, reason: str) -> None:
        left_out.append(rec_id)
        say(f"recommendation {rec_id} not exported: {reason}", "yellow")

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
    except BrokenPipeError:
        if file != "-":
            raise
        # The program reading standard output stopped (`| head`): nothing failed, nothing to say.
        # What is left unwritten would fail again at exit: standard output now goes nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_PIPE_CLOSED) from None
    except (OSError, SQLAlchemyError) as exc:
        say(f"export failed: {type(exc).__name__}: {exc}", "red")
        raise typer.Exit(EXIT_FAILED) from None
    where = "standard output" if file == "-" else file
    note = f"; {len(left_out)} left out (named above)" if left_out else ""
    message = f"exported {count_of(count, 'recommendation')}: {count_of(count, 'row')} in {where}{note}"
    say(message)


def _writable_place(path: Path) -> bool:
    """Whether ``path`` can be written, said before the export starts (a usage error, exit 2)."""
    folder = path.parent
    if path.is_dir():
        reason = f"{path} is a folder: name the file to write in it"
    elif not folder.is_dir():
        reason = f"the folder {folder} does not exist"
    elif not os.access(folder, os.W_OK):
        reason = f"the folder {folder} cannot be written to"
    else:
        return True
    say(f"FILE: {reason}", "red")
    return False


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
    """Run ``export`` on ``file`` (or standard output for "-"): a file UTF-8 with a BOM as the template
    download, for the spreadsheet that opens it; standard output without one, for the program it is
    piped into (a BOM there was part of the first column's name).

    A file is written beside its final name and moved there at the end, so a failed export leaves
    any earlier file in place and no half-written one.
    """
    if file == "-":
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            count = export(out)
            out.flush()
            return count
        finally:
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
