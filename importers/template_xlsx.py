"""The CSV template saved as an Excel workbook (.xlsx, what Excel's "Save" writes): its sheet's cells
turned into the text a CSV of the same sheet would hold, then read by the template's own row code
(``app.feed.template.rows``), as the CSV is. ``read_template`` picks the reader by the file's bytes,
not its name: uploads arrive under temporary names."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from app.feed import file_refusals, refusals
from app.feed import record_refusals as reasons
from app.feed.records import MalformedInput, Rejection, SourceRecord
from app.feed.sniff import TITLE_ROWS, file_kind
from app.feed.template.reader import read_csv_template
from app.feed.template.rows import names_the_columns, template_records
from importers.upr_info_encoding import EncodingGuess, guess_encoding
from importers.xlsx_checks import opened_workbook, refuse_unreadable_cells

# Cells further right are never read: a row padded out to a far-right cell (XFD) would cost 16,384
# cells a row (as in importers/uhri_xlsx.py).
MAX_COLUMNS = 256
_LEGACY = ("cp1252", "mac_roman")


def is_workbook(path: Path) -> bool:
    # An OpenDocument workbook too: the workbook reader names it, with the format to save it in.
    return file_kind(path) in (refusals.KIND_ZIP, refusals.KIND_ODS)


def read_template(
    path: Path, *, on_note: Callable[[str], None] | None = None
) -> Iterator[SourceRecord | Rejection]:
    """The template's records from a CSV file or an XLSX workbook, whichever ``path`` holds. A CSV
    that is not UTF-8 is read in the legacy encoding its accented letters show (Windows-1252, as a
    French or Spanish Excel saves its default CSV; or Mac Roman), found as the UPR Info import finds
    it, and ``on_note`` says so; when the letters do not settle it, the file is refused as not UTF-8."""
    if is_workbook(path):
        return read_xlsx_template(path, on_note=on_note)
    legacy = _legacy_encoding(path)
    if legacy is not None and on_note is not None:
        on_note(legacy.note() or "")
    return read_csv_template(path, encoding=legacy.encoding if legacy else None, on_note=on_note)


def _legacy_encoding(path: Path) -> EncodingGuess | None:
    """The legacy encoding the file is surely in; None for UTF-8, a byte-order mark's encoding, an
    undecided guess and a file no encoding reads (the CSV reader then refuses it in its own words)."""
    try:
        guess = guess_encoding(path)
    except MalformedInput:  # NUL bytes, UTF-8 mixed with other bytes
        return None
    return guess if guess.why is not None and guess.decided and guess.encoding in _LEGACY else None


def read_xlsx_template(
    path: Path, *, on_note: Callable[[str], None] | None = None
) -> Iterator[SourceRecord | Rejection]:
    """The records of the template's sheet: the first visible sheet that holds the template's header
    in its first rows (a sheet of notes may come first), else the first visible sheet, refused for
    its columns. ``on_note`` is told which sheet was read, and what ``read_csv_template`` tells."""
    with opened_workbook(path) as workbook:
        yield from _read_workbook(workbook, on_note)


def _read_workbook(
    workbook: Any, on_note: Callable[[str], None] | None
) -> Iterator[SourceRecord | Rejection]:
    visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    if not visible:
        raise MalformedInput(refusals.refusal(refusals.NOT_AN_XLSX, reason=file_refusals.NO_VISIBLE_SHEET))
    for sheet in visible:
        sheet.reset_dimensions()  # a wrong <dimension> (some generators write "A1") would stop reading
    sheet = next((sheet for sheet in visible if _holds_the_header(sheet)), visible[0])
    title = repr(sheet.title)
    try:
        numbered = _text_rows(sheet)
        first = next(numbered, None)
        if first is None:
            raise MalformedInput(reasons.EMPTY_NO_HEADER)
        if on_note is not None:
            on_note(refusals.refusal(file_refusals.SHEET_READ, sheet=title))
        yield from template_records(
            first[1],
            (row for _number, row in numbered),
            first[0],
            on_note=on_note,
            on_header=lambda columns, row: refuse_unreadable_cells(sheet, columns, row),
        )
    except MalformedInput as exc:
        reason = _as_a_workbook(exc.args[0] if exc.args else str(exc))
        raise MalformedInput(refusals.refusal(file_refusals.IN_SHEET, sheet=title, reason=reason)) from None
    except (zipfile.BadZipFile, OSError, SyntaxError) as exc:
        # ElementTree's ParseError is a SyntaxError: the sheet XML itself is truncated or corrupt.
        corrupt = refusals.refusal(file_refusals.CORRUPT_SHEET, error=str(exc))
        raise MalformedInput(refusals.refusal(refusals.NOT_AN_XLSX, reason=corrupt)) from exc


# Another import's file, refused as a workbook: how to import it from the workbook it is.
_AS_A_WORKBOOK = {
    refusals.OTHER_IMPORT["uhri-xlsx"]: file_refusals.UHRI_WORKBOOK,
    refusals.OTHER_IMPORT["upr-info"]: refusals.OTHER_IMPORT_SAVED["upr-info"],
}


def _as_a_workbook(reason: str) -> str:
    """The CSV reader's refusal of another import's columns, said of a workbook: the UHRI search
    export's is imported as it is (not "saved as CSV"), a UPR Info export is saved as CSV first."""
    message = getattr(reason, "message", None)
    if message in _AS_A_WORKBOOK:
        return refusals.refusal(_AS_A_WORKBOOK[message], this=refusals.NAMED_IMPORTS["csv"])
    return reason


def _holds_the_header(sheet: Any) -> bool:
    """Whether one of the sheet's first rows holding anything names the template's columns."""
    for index, (_number, row) in enumerate(_text_rows(sheet)):
        if names_the_columns(row):
            return True
        if index >= TITLE_ROWS:
            return False
    return False


def _text_rows(sheet: Any) -> Iterator[tuple[int, list[str]]]:
    """The sheet's rows as text from the first one holding anything (with its number) on; the rows
    below come one by one, empty ones too, so that each keeps its spreadsheet number."""
    started = False
    rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
    for number, values in enumerate(rows, start=1):
        row = [cell_text(value) for value in values]
        if started or any(value.strip() for value in row):
            started = True
            yield number, row


def cell_text(value: object) -> str:
    """A cell as the template's text: what a CSV saved from the sheet would hold, but without the
    spreadsheet's locale. A whole number is "42", never "42.0"; a date (a cell Excel shows as a
    date) is YYYY-MM-DD, with its time when it has one (which the date column rejects)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
