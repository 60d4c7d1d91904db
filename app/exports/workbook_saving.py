"""Saving an openpyxl workbook so that a save that fails leaves no archive open behind it.

``Workbook.save`` opens a zip archive on the target, writes the workbook into it and closes it. When
a write fails (a full disk; a download cancelled mid-compression, ``ExportCancelled``) the error
goes up, but the archive stays open: its finaliser later tries to finish the file, fails again and
prints "Exception ignored in: ZipFile.__del__" with a traceback after the program's own message.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter


def save_workbook(workbook: Workbook, target: Path | IO[bytes]) -> None:
    """``workbook.save(target)``; when it fails, its archive is closed at once (closing's own error,
    the same disk failing again, is dropped) and the save's error is raised."""
    if workbook.write_only and not workbook.worksheets:
        workbook.create_sheet()
    archive = ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True)
    workbook.properties.modified = datetime.now(UTC).replace(tzinfo=None)
    try:
        ExcelWriter(workbook, archive).save()  # closes the archive once written
    except BaseException:
        with suppress(Exception):
            archive.close()  # a closed archive's finaliser does nothing
        raise
