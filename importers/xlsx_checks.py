"""What an XLSX workbook must not be, checked before any of its rows is read: not a ZIP archive at all
(then what it is instead), a zip bomb, a sheet with cells merged over a column that is read."""

from __future__ import annotations

import re
import zipfile
from typing import IO, Any

from app.feed.records import MalformedInput
from app.feed.sniff import kind_of

# A search-page export is a few MB; a zip bomb is a few MB that unpack to gigabytes, and openpyxl
# holds a workbook's shared strings in memory. The archive is refused before anything is unpacked:
# zipfile never unpacks more than a member's declared size, so the declared sizes bound the work.
MAX_UNPACKED_BYTES = 1 << 30
MAX_RATIO = 100  # spreadsheet XML compresses 5-20 times; more, on a large member, is a bomb
_RATIO_FROM_BYTES = 16 << 20  # small members (styles, themes) may compress as well as they like


def check_archive(stream: IO[bytes], max_bytes: int = MAX_UNPACKED_BYTES, max_ratio: int = MAX_RATIO) -> None:
    """Refuse (MalformedInput) an XLSX whose members would unpack to too much; rewinds ``stream``."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        stream.seek(0)
        raise MalformedInput(f"not an XLSX spreadsheet: {_not_a_zip(stream.read(512), exc)}") from exc
    finally:
        stream.seek(0)
    total = sum(member.file_size for member in members)
    if total > max_bytes:
        raise MalformedInput(
            f"refused: the spreadsheet would unpack to {total:,} bytes, more than {max_bytes:,} "
            "(a zip bomb, or far larger than a UHRI search export)"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FROM_BYTES and ratio > max_ratio:
            raise MalformedInput(
                f"refused: {member.filename} would unpack {member.compress_size:,} bytes to "
                f"{member.file_size:,} ({ratio:,.0f} times, more than {max_ratio}): a zip bomb"
            )


def _not_a_zip(head: bytes, exc: Exception) -> str:
    """What a file that is no ZIP archive is (an XLSX file is one), rather than zipfile's words."""
    if not head:
        return "the file is empty"
    kind = kind_of(head)
    if kind is not None and "XLS)" in kind:
        return f"this is {kind}: open it in Excel and save it as 'Excel Workbook (.xlsx)'"
    if kind is not None and "ZIP" not in kind:
        return f"this is {kind}"
    if kind is None and b"\x00" not in head:
        return "this is a CSV or other text file, not a ZIP archive as an XLSX file is"
    return str(exc) or type(exc).__name__


# A merged range in the sheet's XML (<mergeCell ref="C3:C5"/>, any namespace prefix). The ranges follow
# the rows, so they are found by scanning the bytes before the rows are read, not by parsing twice.
_MERGE_CELL = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}\d+(?::[A-Za-z]{1,3}\d+)?)"'
)
_MERGE_OVERLAP = 512  # a <mergeCell .../> cut by a chunk boundary is found in the next chunk


def refuse_merged_cells(sheet: Any, columns: dict[str, int], header_row: int) -> None:
    """Refuse a sheet with cells merged over a column that is read, below the header: a merged range
    holds its value in its first cell only, so the other rows would be read without it, silently."""
    from openpyxl.utils.cell import range_boundaries

    named = {index + 1: name for name, index in columns.items()}
    found: dict[str, str] = {}  # range -> the first column read that it covers
    # ReadOnlyWorksheet's own way to its XML (openpyxl reads merged ranges only outside read-only mode).
    with sheet._get_source() as source:
        tail = b""
        while chunk := source.read(1 << 20):
            text = tail + chunk
            for match in _MERGE_CELL.finditer(text):
                ref = match.group(1).decode()
                low_col, _low_row, high_col, high_row = range_boundaries(ref)
                hit = [named[col] for col in range(low_col, high_col + 1) if col in named]
                if hit and high_row > header_row:
                    found.setdefault(ref, hit[0])
            tail = text[-_MERGE_OVERLAP:]
    if found:
        ref, column = next(iter(found.items()))
        more = f" and {len(found) - 1:,} more" if len(found) > 1 else ""
        raise MalformedInput(
            f"merged cells {ref} (column {column!r}){more}: a merged cell's value is in its first row "
            "only, so the other rows would be read without it; unmerge them (in Excel: Merge & Center, "
            "Unmerge Cells) and fill in each row"
        )
