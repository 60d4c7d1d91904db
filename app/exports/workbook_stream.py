"""An XLSX workbook sent while its first sheet is written: the zip is written to memory as it
grows, and what it holds so far is taken away batch by batch.

openpyxl's write-only sheet writes its rows to a temporary file, and ``Workbook.save`` compresses
that file into the zip once every row is written: a large export sent nothing for minutes (a proxy
would give up on it), and wrote its sheet twice (uncompressed to disk, then compressed). Here the
first sheet's XML is written straight into its zip entry, compressed as it comes: the archive is
written to a stream that cannot seek (its entries carry their sizes after their data, as ZIP allows
and every spreadsheet reads), so each chunk of it can be sent at once. The other parts (the styles
the rows used, a second sheet, the workbook's properties) follow when the rows are done: openpyxl
writes them as its own save does.

The sheet entry is not Zip64: past 4 GiB uncompressed the archive is refused, far past the
1,048,576 rows a sheet holds (100,000 recommendations make 214 MB).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import suppress
from datetime import UTC, datetime
from typing import IO, Any, cast
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter


class _Pending:
    """A file that only grows: what was written since it was last taken (the zip's next bytes)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


class _Saver(ExcelWriter):  # type: ignore[misc]
    """openpyxl's save of a workbook, but for the sheet already written into the archive: only named
    in the workbook and its manifest, as its own save names the sheets it writes."""

    def __init__(self, workbook: Workbook, archive: ZipFile, streamed: WriteOnlyWorksheet) -> None:
        super().__init__(workbook, archive)
        self._streamed = streamed

    def write_worksheet(self, ws: WriteOnlyWorksheet) -> None:
        if ws is not self._streamed:
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


class _ReadyCells(WriteOnlyWorksheet):  # type: ignore[misc]
    """A write-only sheet whose rows may hold cells made once and filled again for every row (the
    exports' one cell per column), written as they are. openpyxl's own conversion tries each cell
    as a value first, fails, then takes it as a cell: with a new cell and its style for every value,
    a third of a large export's time."""

    def _values_to_row(self, values: Sequence[Any], row_idx: int) -> Iterator[Cell]:
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            cell = value if isinstance(value, Cell) else WriteOnlyCell(self, value)
            cell.column = col_idx
            cell.row = row_idx
            yield cell


class StreamedWorkbook:
    """A write-only workbook whose first sheet, ``sheet``, goes into the zip as its rows are appended.

    Lay the sheet out (column widths, frozen panes: openpyxl writes them before the first row), then
    ``start()``, append rows and ``take()`` the bytes written so far as often as wanted; ``finish()``
    writes the rest and returns the last bytes; ``discard()`` (always, in a ``finally``) lets go of a
    workbook left half-way, its second sheet's temporary file included."""

    def __init__(self, sheet: str) -> None:
        self.workbook = Workbook(write_only=True)
        self.sheet: WriteOnlyWorksheet = _ReadyCells(parent=self.workbook, title=sheet)
        self.workbook._add_sheet(self.sheet)
        self._pending = _Pending()
        # A stream that cannot seek: ZipFile writes each entry's sizes after its data.
        self._archive = ZipFile(cast(IO[bytes], self._pending), "w", ZIP_DEFLATED)
        self._entry: IO[bytes] | None = None

    def start(self) -> None:
        """Open the sheet's entry and write its XML up to the rows into it."""
        # Dated now, as openpyxl dates the other parts (ZipFile.open would date it 1980).
        entry = ZipInfo("xl/worksheets/sheet1.xml", date_time=time.localtime(time.time())[:6])
        entry.compress_type = ZIP_DEFLATED
        self._entry = self._archive.open(entry, "w")
        writer = WorksheetWriter(self.sheet, out=self._entry)
        self.sheet._writer = writer
        writer.write_top()

    def take(self) -> bytes:
        return self._pending.take()

    def finish(self) -> bytes:
        """Close the sheet (its tail: the autofilter), then write every other part as openpyxl's save
        does, and the archive's directory."""
        self.sheet.close()
        assert self._entry is not None, "start() first"
        self._entry.close()
        self.workbook.properties.modified = datetime.now(UTC).replace(tzinfo=None)
        _Saver(self.workbook, self._archive, self.sheet).save()  # closes the archive
        return self.take()

    def discard(self) -> None:
        """Let go of what a workbook left half-way holds: its rows' generator and the sheet's entry
        closed, the archive closed in memory (so that no finaliser tries to finish it later), the
        second sheet's temporary file removed. Nothing is left to do after ``finish()``."""
        if not self.sheet.closed:
            with suppress(Exception):
                if self.sheet._rows is not None:
                    self.sheet._rows.close()
                if self.sheet._writer is not None:
                    self.sheet._writer.close()
        with suppress(Exception):
            if self._entry is not None:
                self._entry.close()
        with suppress(Exception):
            self._archive.close()
        self._pending.take()
