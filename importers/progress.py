"""What an import run tells the person watching it, and the cheap count that gives its bar a total.

The CLI draws a progress bar from these calls (bytes while downloading, records while importing)
and prints the notices; the scheduler passes no progress and the notices are logged instead.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from app.feed.decoding import wide_encoding
from app.feed.sniff import csv_rows, header_line
from importers.pipeline.records import Counts

__all__ = ["Progress", "count_csv_rows", "count_uhri_records"]

# Every record of a UHRI JSON export has exactly one such key; a text holding the same words has
# its quotes escaped (\"), so it never matches.
_RECORD_KEY = b'"AnnotationId"'
_SCAN_BYTES = 8 * 1024 * 1024


class Progress(Protocol):
    def __call__(self, stage: str, counts: Counts) -> None:
        """The run entered ``stage`` ("downloading en", "importing") or got further in it."""

    def transfer(self, received: int, total: int | None) -> None:
        """Bytes of the current download so far, and its size when the server sent one."""

    def expect(self, count: Callable[[], int | None]) -> None:
        """How to count the records the import will read (None: it could not be counted). Only a
        progress that shows the total calls ``count``: counting reads the whole file."""

    def notice(self, message: str) -> None:
        """Something the operator should read now, such as a failed download attempt."""


def count_uhri_records(path: Path) -> int:
    """The records of a UHRI JSON export, by counting their id key: a plain scan of the bytes
    (a fraction of a second per hundred megabytes), far cheaper than parsing them."""
    count = 0
    tail = b""
    keep = len(_RECORD_KEY) - 1
    with path.open("rb") as file:
        while chunk := file.read(_SCAN_BYTES):
            data = tail + chunk
            count += data.count(_RECORD_KEY)
            # The key may straddle two reads; a partial key is all a kept tail can hold.
            tail = data[-keep:]
    return count


def count_csv_rows(path: Path) -> int | None:
    """The data rows of a CSV file (neither the header nor blank rows), parsed as the readers parse
    them (``app.feed.sniff``), so that a line break inside quotes starts no row. Read as Latin-1, which
    decodes any byte: separators and quotes are ASCII, so UTF-8 and Windows-1252 files count the same;
    UTF-16 by its byte-order mark. None when the file is not CSV enough to count (its reader then
    says why)."""
    try:
        with path.open(encoding=wide_encoding(path) or "latin-1", newline="") as stream:
            header, _number = header_line(stream)
            rows = csv_rows(header, stream)
            next(rows, None)
            return sum(1 for row in rows if any(cell.strip() for cell in row))
    except (csv.Error, OSError, UnicodeError):
        return None
