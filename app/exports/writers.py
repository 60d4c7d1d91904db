"""Byte streams of the exports: CSV, JSON and XLSX, written batch by batch.

Each writer takes an iterator of row batches and yields bytes as it goes, so memory holds one
batch and its encoding, never the whole file. XLSX is a zip that can only be finished at the
end: openpyxl's write-only workbook writes the rows to a temporary file as they come, the
finished workbook goes to a spooled temporary file (on disk past 8 MB) and is then sent in
chunks. A workbook abandoned half-way (the client went away) has its temporary file removed at
once: openpyxl itself would only remove it when the process exits.
"""

from __future__ import annotations

import csv
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from datetime import date
from tempfile import SpooledTemporaryFile
from typing import IO, Any, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import ALL_TEMP_FILES
from pydantic import BaseModel

from app.exports.limits import ExportCancelled
from app.exports.metadata import CSV_MEDIA_TYPE, JSON_MEDIA_TYPE, XLSX_MEDIA_TYPE, ExportAbout
from app.exports.schemas import ExportCluster, ExportEntity
from app.exports.sheet_layout import WRAP, finish_sheet, start_sheet, wrapped
from app.exports.template_table import table_cells, table_columns
from app.exports.workbook_saving import save_workbook
from app.feed.template.writer import TemplateRecord, guard_formula

BOM = "\ufeff"
LIST_SEPARATOR = "; "
XLSX_SPOOL = 8 * 1024 * 1024
XLSX_CHUNK = 64 * 1024
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
    """The workbook's bytes, once every row is written; ``stop`` also ends the final compression.
    ``about``: the export's metadata, an ``about`` sheet after the data (app.exports.metadata)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    wraps = [wrapped(name) for name in columns]
    written = 0
    try:
        start_sheet(worksheet, columns)
        for batch in batches:
            for row in batch:
                worksheet.append(
                    [
                        _xlsx_cell(worksheet, getattr(row, name), wrap)
                        for name, wrap in zip(columns, wraps, strict=True)
                    ]
                )
            written += len(batch)
        finish_sheet(worksheet, columns, written)
        if about is not None:
            _about_sheet(workbook, about(), written)
        with SpooledTemporaryFile(max_size=XLSX_SPOOL) as spool:
            target = cast(IO[bytes], _Stoppable(spool, stop)) if stop is not None else spool
            save_workbook(workbook, target)
            spool.seek(0)
            while chunk := spool.read(XLSX_CHUNK):
                yield chunk
    finally:
        _discard_sheet_file(worksheet)


def _about_sheet(workbook: Workbook, about: ExportAbout, count: int) -> None:
    sheet = workbook.create_sheet("about")
    start_sheet(sheet, ["field", "value"])
    for name, value in about.rows(count):
        sheet.append([name, _xlsx_cell(sheet, value, wrap=True)])
    workbook.properties.title = about.publisher.title
    workbook.properties.creator = about.publisher.body
    workbook.properties.description = about.publisher.rights or None


class _Stoppable:
    """A file whose writes raise ``ExportCancelled`` once ``stop`` is set: openpyxl compresses the
    whole sheet in one call, which can take many seconds for a large export."""

    def __init__(self, file: IO[bytes], stop: threading.Event) -> None:
        self._file = file
        self._stop = stop

    def write(self, data: bytes) -> int:
        if self._stop.is_set():
            raise ExportCancelled
        return self._file.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


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
    if isinstance(value, bool):  # a boolean cell (TRUE/FALSE), not the CSV's text "true"/"false"
        return value
    flat = _flat(value)
    if flat == "":
        return None
    if isinstance(flat, int | date):
        return flat
    text = ILLEGAL_CHARACTERS_RE.sub("", str(flat))
    if len(text) > XLSX_CELL_LIMIT:
        text = text[: XLSX_CELL_LIMIT - len(XLSX_CUT)] + XLSX_CUT
    cell = WriteOnlyCell(worksheet, value=text)
    # openpyxl takes a string starting with "=" for a formula: data is never a formula.
    cell.data_type = "s"
    if wrap:  # a line break in the text shows as one, and a long text stays in its column
        cell.alignment = WRAP
    return cell
