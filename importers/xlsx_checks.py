"""What an XLSX workbook must not be, checked before any of its rows is read: not a ZIP archive at all
(then what it is instead), a zip bomb, a sheet whose cells in a column that is read would read as
empty though they are not (merged cells, formulas never calculated); and the workbook opened so."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from app.feed import file_refusals, refusals
from app.feed.records import MalformedInput
from app.feed.sniff import compound_kind, kind_of, text_of_an_import, unicode_text

# A search-page export is a few MB; a zip bomb is a few MB that unpack to gigabytes, and openpyxl
# holds a workbook's shared strings in memory. The archive is refused before anything is unpacked:
# zipfile never unpacks more than a member's declared size, so the declared sizes bound the work.
MAX_UNPACKED_BYTES = 1 << 30
MAX_RATIO = 100  # spreadsheet XML compresses 5-20 times; more, on a large member, is a bomb
_RATIO_FROM_BYTES = 16 << 20  # small members (styles, themes) may compress as well as they like


@contextmanager
def opened_workbook(path: Path) -> Iterator[Any]:
    """``path``'s workbook (read-only, formulas as their cached values), its archive checked first; one
    openpyxl cannot open is refused as no XLSX. Closed at the end of the block."""
    from openpyxl import load_workbook  # here, not at the top: a JSON or CSV import never needs it

    with path.open("rb") as stream:
        if kind_of(stream.read(512)) == refusals.KIND_ODS:  # a ZIP archive, but no XLSX one
            save_as = refusals.refusal(refusals.SAVE_AS_XLSX, kind=refusals.KIND_ODS)
            raise MalformedInput(refusals.refusal(refusals.NOT_AN_XLSX, reason=save_as))
        stream.seek(0)
        check_archive(stream)
        # A file object, not the path: openpyxl refuses paths whose suffix is not .xlsx, and uploads
        # arrive under temporary names.
        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:
            # openpyxl reports a broken archive with whatever the zip/XML layer raised
            # (BadZipFile, KeyError, InvalidFileException, ParseError...): all mean the same thing.
            reason = str(exc) or type(exc).__name__
            raise MalformedInput(refusals.refusal(refusals.NOT_AN_XLSX, reason=reason)) from exc
        try:
            yield workbook
        finally:
            workbook.close()


def check_archive(stream: IO[bytes], max_bytes: int = MAX_UNPACKED_BYTES, max_ratio: int = MAX_RATIO) -> None:
    """Refuse (MalformedInput) an XLSX whose members would unpack to too much; rewinds ``stream``."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        stream.seek(0)
        reason = _not_a_zip(stream.read(_HEADER_BYTES), exc, stream)
        raise MalformedInput(refusals.refusal(refusals.NOT_AN_XLSX, reason=reason)) from exc
    finally:
        stream.seek(0)
    total = sum(member.file_size for member in members)
    if total > max_bytes:
        too_large = refusals.refusal(
            file_refusals.UNPACKS_TOO_LARGE, total=f"{total:,}", limit=f"{max_bytes:,}"
        )
        raise MalformedInput(refusals.refusal(refusals.REFUSED, reason=too_large))
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FROM_BYTES and ratio > max_ratio:
            bomb = refusals.refusal(
                file_refusals.ZIP_BOMB,
                member=member.filename,
                compressed=f"{member.compress_size:,}",
                size=f"{member.file_size:,}",
                ratio=f"{ratio:,.0f}",
                limit=max_ratio,
            )
            raise MalformedInput(refusals.refusal(refusals.REFUSED, reason=bomb))
    _refuse_other_archive(members)


# Another Office file's main part: a Word document or a presentation is a ZIP archive as a workbook is.
_OTHER_OFFICE_PARTS = {"word/document.xml": refusals.KIND_DOCX, "ppt/presentation.xml": refusals.KIND_PPTX}


def _refuse_other_archive(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a ZIP archive that is no workbook, naming what it is or holds: openpyxl's refusals ("There
    is no item named '[Content_Types].xml' in the archive", "File contains no valid workbook part") say
    nothing of what to do."""
    names = [member.filename for member in members]
    if not any(name.startswith("xl/") for name in names):
        for part, kind in _OTHER_OFFICE_PARTS.items():
            if part in names:
                other = refusals.refusal(refusals.THIS_IS, kind=kind)
                raise MalformedInput(refusals.refusal(refusals.NOT_AN_XLSX, reason=other))
    files = [name for name in names if not name.endswith("/")]
    if "[Content_Types].xml" in names or not files:
        return  # a workbook (or an archive of nothing, which openpyxl refuses in its words)
    more = refusals.refusal(file_refusals.AND_MORE, count=f"{len(files) - 3:,}") if files[3:] else ""
    named = ", ".join(map(repr, files[:3]))
    other = refusals.refusal(file_refusals.ZIP_NOT_A_WORKBOOK, files=named, more=more)
    raise MalformedInput(refusals.refusal(refusals.NOT_AN_XLSX, reason=other))


# What is read of a file that is no ZIP archive: its first bytes, and a CSV file's header row.
_HEADER_BYTES = 64 << 10


def _not_a_zip(head: bytes, exc: Exception, stream: IO[bytes] | None = None) -> str:
    """What a file that is no ZIP archive is (an XLSX file is one), rather than zipfile's words;
    ``stream`` is the whole file (else ``head`` is)."""
    if not head:
        return refusals.EMPTY_FILE
    kind = compound_kind(stream or io.BytesIO(head), kind_of(head))
    if kind == refusals.KIND_ENCRYPTED:
        return refusals.refusal(refusals.REMOVE_PASSWORD, kind=kind)
    if kind is not None and "XLS)" in kind:
        return refusals.refusal(refusals.SAVE_AS_XLSX, kind=kind)
    if kind is not None and "JSON" in kind:
        return refusals.refusal(refusals.JSON_NOT_UPLOADED, kind=kind)
    if kind is not None and "ZIP" not in kind:
        return refusals.refusal(refusals.THIS_IS, kind=kind)
    if kind is None and (b"\x00" not in head or unicode_text(head)):
        return text_of_an_import(head, "xlsx") or refusals.TEXT_NOT_A_ZIP
    if head.startswith(b"PK\x03\x04") and isinstance(exc, zipfile.BadZipFile):
        # A ZIP archive's directory is at its end: a workbook whose first bytes are there but whose
        # directory is not was cut short (or damaged), which zipfile calls "File is not a zip file".
        return file_refusals.WORKBOOK_CUT_SHORT
    return str(exc) or type(exc).__name__


# Found by scanning the sheet's XML as bytes before its rows are read (any namespace prefix): a merged
# range (<mergeCell ref="C3:C5"/>, after the rows) and a formula cell with no value (<c r="D2"><f>...
# </f><v></v></c>: written by a program that does not calculate; Excel and LibreOffice save the value).
_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
_MERGE_CELL = re.compile(rb"<" + _NS + rb'mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}\d+(?::[A-Za-z]{1,3}\d+)?)"')
_UNCALCULATED = re.compile(
    rb"<"
    + _NS
    + rb'c\b[^>]*?\br="([A-Za-z]{1,3}\d+)"[^>]*>\s*<'
    + _NS
    + rb"f\b[^>]*(?:/>|>[^<]*</"
    + _NS
    + rb"f>)\s*(?:<"
    + _NS
    + rb"v\s*/>|<"
    + _NS
    + rb"v>\s*</"
    + _NS
    + rb"v>)?\s*</"
    + _NS
    + rb"c>"
)
_OVERLAP = 64 << 10  # what a chunk boundary cut is found again in the next chunk


def refuse_unreadable_cells(sheet: Any, columns: dict[str, int], header_row: int) -> None:
    """Refuse a sheet whose cells in a column that is read, below the header, would read as empty
    though they are not: merged with others below the header (the value is in the first cell only;
    a header cell merged down over an empty row is no such cell) or a formula never calculated (no
    value saved with it)."""
    from openpyxl.utils.cell import range_boundaries

    named = {index + 1: name for name, index in columns.items()}
    merged: dict[str, str] = {}  # range -> the first column read that it covers
    uncalculated: dict[str, str] = {}  # cell -> its column
    # ReadOnlyWorksheet's own way to its XML (openpyxl reads merged ranges only outside read-only mode).
    with sheet._get_source() as source:
        tail = b""
        while chunk := source.read(1 << 20):
            text = tail + chunk
            for match in _MERGE_CELL.finditer(text):
                ref = match.group(1).decode()
                low_col, low_row, high_col, _high_row = range_boundaries(ref)
                hit = [named[col] for col in range(low_col, high_col + 1) if col in named]
                # A merge from the header row (or above) down holds a header name or a title, no row's
                # value: the cells it covers below are empty, as they show.
                if hit and low_row > header_row:
                    merged.setdefault(ref, hit[0])
            for match in _UNCALCULATED.finditer(text):
                ref = match.group(1).decode()
                col, row, _col, _row = range_boundaries(ref)
                if col in named and row > header_row:
                    uncalculated.setdefault(ref, named[col])
            tail = text[-_OVERLAP:]
    if merged:
        ref, column = next(iter(merged.items()))
        raise MalformedInput(
            refusals.refusal(file_refusals.MERGED_CELLS, ref=ref, column=repr(column), more=_more(merged))
        )
    if uncalculated:
        ref, column = next(iter(uncalculated.items()))
        more = _more(uncalculated)
        raise MalformedInput(
            refusals.refusal(file_refusals.UNCALCULATED, ref=ref, column=repr(column), more=more)
        )


def _more(found: dict[str, str]) -> str:
    return refusals.refusal(file_refusals.AND_MORE, count=f"{len(found) - 1:,}") if len(found) > 1 else ""
