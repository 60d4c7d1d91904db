"""Byte streams of the exports: CSV, JSON and XLSX, written batch by batch.

Each writer takes an iterator of row batches and yields bytes as it goes, so memory holds one
batch and its encoding, never the whole file. XLSX is a zip: its sheet of rows is compressed into
it as the rows come and sent batch by batch (``app.exports.workbook_stream``), the rest of the
workbook (the styles, the ``about`` sheet) once the rows are done. A workbook abandoned half-way
(the client went away) has its temporary file (the ``about`` sheet's) removed at once: openpyxl
itself would only remove it when the process exits.
"""

from __future__ import annotations

import csv
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import ALL_TEMP_FILES
from pydantic import BaseModel

from app.core.xml_text import xml_safe
from app.exports.limits import ExportCancelled
from app.exports.metadata import CSV_MEDIA_TYPE, JSON_MEDIA_TYPE, XLSX_MEDIA_TYPE, ExportAbout
from app.exports.schemas import ExportCluster, ExportEntity
from app.exports.sheet_layout import WRAP, finish_sheet, lay_out_sheet, start_sheet, wrapped, write_header
from app.exports.template_table import table_cells, table_columns
from app.exports.workbook_stream import StreamedWorkbook
from app.feed.template.writer import TemplateRecord, guard_formula

BOM = "\ufeff"
LIST_SEPARATOR = "; "
XLSX_CELL_LIMIT = 32767  # characters Excel holds in one cell
# The end of a text cut to fit a cell: cut silently, it would pass for the whole text.
XLSX_CUT = " [truncated: the CSV and JSON exports hold the whole text]"


__all__ = ["CSV_MEDIA_TYPE", "JSON_MEDIA_TYPE", "XLSX_MEDIA_TYPE"]  # their home for the rest of the app

Batches = Iterable[Sequence[BaseModel]]


def columns_of(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def _flat(value: Any) -> Any:
    """A cell value: lists joined with "; ", an entity or cluster by its name, None as empty."""
    if isinstance(value, ExportEntity | ExportCluster):
        return value.name
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(_flat(item)) for item in value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _text(value: Any) -> str:
    flat = _flat(value)
    return flat.isoformat() if isinstance(flat, date) else str(flat)


class _Lines:
    """The csv writer's output for one batch: the written lines, joined once when sent."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, line: str) -> None:
        self.parts.append(line)

    def take(self) -> bytes:
        data = "".join(self.parts).encode()
        self.parts.clear()
        return data


def csv_chunks(columns: Sequence[str], batches: Batches, delimiter: str = ",") -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so a spreadsheet opens it as UTF-8), CRLF line endings, cells
    separated by ``delimiter``."""
    lines = _Lines()
    writer = csv.writer(lines, delimiter=delimiter, lineterminator="\r\n")
    lines.write(BOM)
    writer.writerow(columns)
    yield lines.take()
    for batch in batches:
        for row in batch:
            # A cell starting with = + - @ would run as a formula in a spreadsheet: apostrophe first.
            writer.writerow([guard_formula(_text(getattr(row, name))) for name in columns])
        del batch  # not held while the next one is read
        yield lines.take()


def template_csv_chunks(
    languages: Sequence[str], records: Iterable[Sequence[TemplateRecord]], delimiter: str = ","
) -> Iterator[bytes]:
    """The CSV import template as ``nrtd export csv`` writes it, UTF-8 with a byte-order mark: one
    row per recommendation, a ``text_<language>`` column per language of ``languages``. The header
    and the cells are ``app.exports.template_table``'s (formulas guarded there). The import reads
    either ``delimiter`` (app.feed.sniff)."""
    columns = table_columns(languages)
    lines = _Lines()
    writer = csv.writer(lines, delimiter=delimiter, lineterminator="\r\n")
    lines.write(BOM)
    writer.writerow(columns)
    yield lines.take()
    for batch in records:
        for record in batch:
            writer.writerow(table_cells(record, columns))
        del batch
        yield lines.take()


def json_chunks(batches: Batches) -> Iterator[bytes]:
    """One JSON array of row objects, written element by element."""
    separator = "\n"
    yield b"["
    for batch in batches:
        parts = []
        for row in batch:
            parts.append(separator + row.model_dump_json())
            separator = ",\n"
        del batch
        yield "".join(parts).encode()
    yield b"\n]\n" if separator != "\n" else b"]\n"


def xlsx_chunks(
    columns: Sequence[str],
    batches: Batches,
    sheet: str,
    stop: threading.Event | None = None,
    about: Callable[[], ExportAbout] | None = None,
) -> Iterator[bytes]:
    """The workbook's bytes, sent batch by batch as its rows are written and compressed
    (``app.exports.workbook_stream``); ``stop`` is checked before each row. ``about``: the export's
    metadata, an ``about`` sheet after the data (app.exports.metadata)."""
    book = StreamedWorkbook(sheet)
    worksheet = book.sheet
    # A cell per column, filled again for each row (openpyxl writes a row as it is appended).
    cells = [_column_cell(worksheet, wrapped(name)) for name in columns]
    written = 0
    try:
        lay_out_sheet(worksheet, columns)
        book.start()
        write_header(worksheet, columns)
        for batch in batches:
            for row in batch:
                if stop is not None and stop.is_set():
                    raise ExportCancelled
                worksheet.append(
                    [_filled(cell, getattr(row, name)) for name, cell in zip(columns, cells, strict=True)]
                )
            written += len(batch)
            if chunk := book.take():
                yield chunk
        finish_sheet(worksheet, columns, written)
        if about is not None:
            _about_sheet(book.workbook, about(), written)
        yield book.finish()
    finally:
        book.discard()
        for other in book.workbook.worksheets[1:]:
            _discard_sheet_file(other)


def _about_sheet(workbook: Workbook, about: ExportAbout, count: int) -> None:
    sheet = workbook.create_sheet("about")
    start_sheet(sheet, ["field", "value"])
    for name, value in about.rows(count):
        sheet.append([name, _xlsx_cell(sheet, value, wrap=True)])
    workbook.properties.title = about.publisher.title
    workbook.properties.creator = about.publisher.body
    workbook.properties.description = about.publisher.rights or None


def _discard_sheet_file(worksheet: WriteOnlyWorksheet) -> None:
    """Remove the rows' temporary file of a write-only sheet, saved or not.

    openpyxl has no public call for this: a saved sheet's file is removed by the save, an unsaved
    one's stays in the temp directory until the process exits (six abandoned exports once left
    3.8 GB). Its rows generator is closed first, so nothing writes to the file afterwards.
    """
    writer = worksheet._writer
    if writer is None:
        return
    if not worksheet.closed:
        with suppress(Exception):  # best effort: the file is removed below whatever state it is in
            if worksheet._rows is not None:
                worksheet._rows.close()
            writer.close()
    with suppress(FileNotFoundError):
        os.remove(writer.out)
    with suppress(ValueError):
        ALL_TEMP_FILES.remove(writer.out)


def _xlsx_cell(
    worksheet: WriteOnlyWorksheet, value: Any, wrap: bool = False
) -> WriteOnlyCell | int | date | None:
    """``value`` as a cell of its own (the about sheet's rows)."""
    return _filled(_column_cell(worksheet, wrap), value)


def _column_cell(worksheet: WriteOnlyWorksheet, wrap: bool) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet)
    if wrap:  # a line break in the text shows as one, and a long text stays in its column
        cell.alignment = WRAP
    return cell


def _filled(cell: WriteOnlyCell, value: Any) -> WriteOnlyCell | int | date | None:
    """What a row holds for ``value``: a number, a date or a boolean as itself (a boolean cell,
    TRUE/FALSE, not the CSV's text "true"/"false"), None for nothing, else ``cell`` holding the text."""
    if isinstance(value, bool):
        return value
    flat = _flat(value)
    if flat == "":
        return None
    if isinstance(flat, int | date):
        return flat
    text = xml_safe(str(flat))
    if len(text) > XLSX_CELL_LIMIT:
        text = text[: XLSX_CELL_LIMIT - len(XLSX_CUT)] + XLSX_CUT
    # Set as openpyxl's value setter would, less its checks (done above: no illegal character, no
    # more than a cell holds) and less its formula: a text starting with "=" is data, never a formula.
    cell._value = text
    cell.data_type = "s"
    return cell
