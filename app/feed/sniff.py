"""What a file given to the wrong import is, from its first bytes: so that the refusal names it
("an Excel workbook") rather than the first thing the reader choked on ("unknown column(s) '['")."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TextIO

from app.core.catalogue import Quantity, Reason
from app.feed import file_refusals, refusals
from app.feed.headers import header_key

_PEEK = 512


def file_kind(path: Path) -> str | None:
    """A name for what the file plainly is, when its first bytes say so; None for other text."""
    with path.open("rb") as file:
        return compound_kind(file, kind_of(file.read(_PEEK)))


_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_DIRECTORY_READ = 64 << 10  # a password-protected workbook's directory takes a sector or three


def compound_kind(file: IO[bytes], kind: str | None) -> str | None:
    """``kind`` (what ``kind_of`` said of ``file``'s first bytes), or, for a Compound File holding the
    stream EncryptedPackage, a workbook protected by a password: Excel saves an .xlsx with a password
    so (MS-OFFCRYPTO), an XLS's container, which saved again "as .xlsx" keeps its password. Reads the
    Compound File's first directory sector (and what follows it), named by its header."""
    if kind != refusals.KIND_XLS:
        return kind
    file.seek(0)
    header = file.read(512)
    shift = int.from_bytes(header[30:32], "little")
    first = int.from_bytes(header[48:52], "little")
    if not header.startswith(_COMPOUND_FILE) or shift not in (9, 12) or first >= 0xFFFFFFFA:
        return kind
    file.seek((first + 1) << shift)
    return refusals.KIND_ENCRYPTED if _ENCRYPTED_PACKAGE in file.read(_DIRECTORY_READ) else kind


def kind_of(head: bytes) -> str | None:
    """``file_kind`` of a file that starts with ``head`` (its first 512 bytes, or all of a shorter one)."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if head.startswith(b"PK\x03\x04"):
        # An OpenDocument file's first member is "mimetype", stored as its kind's name.
        if head[30:38] == b"mimetype" and b"opendocument.spreadsheet" in head[38:120]:
            return refusals.KIND_ODS
        return refusals.KIND_ZIP
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return refusals.KIND_XLS
    if head.startswith(b"\x1f\x8b"):
        return refusals.KIND_GZIP
    if head.startswith(b"%PDF"):
        return refusals.KIND_PDF
    if _is_image(head):
        return refusals.KIND_IMAGE
    lowered = text[:64].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return refusals.KIND_HTML
    if lowered.startswith(b"<"):
        return refusals.KIND_XML
    if text.startswith((b"[", b"{")):
        return refusals.KIND_JSON
    return None


# The first bytes of the images a file dialog may offer: PNG, JPEG, GIF, WebP, and HEIF/AVIF (the
# photos of an iPhone) by the brand of their "ftyp" box.
_IMAGE_STARTS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
_IMAGE_BRANDS = frozenset((b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"))


def _is_image(head: bytes) -> bool:
    return (
        head.startswith(_IMAGE_STARTS)
        or (head.startswith(b"RIFF") and head[8:12] == b"WEBP")
        or (head[4:8] == b"ftyp" and head[8:12] in _IMAGE_BRANDS)
    )


def not_a_csv(kind: str) -> str:
    """Why a CSV import refuses a file ``file_kind`` named, and what to do: a workbook is saved as CSV,
    a UHRI export (JSON, or the search page's XLSX) has an import of its own."""
    return refusals.refusal(
        refusals.WORKBOOK_NOT_A_CSV if "workbook" in kind else refusals.NOT_A_CSV, kind=kind
    )


# The CSV imports, each by what its header row names (required columns, matched as the readers match
# them: by their words, app/feed/headers.py) and by how the refusal of another import names it.
_UPR_INFO_COLUMNS = frozenset(
    map(header_key, ("to", "to-rgrp", "text", "from", "from-rgrp", "response", "action", "issue", "session"))
)
_TEMPLATE_COLUMNS = frozenset(
    map(header_key, (
        "external_id", "mechanism", "type", "symbol", "text", "language", "publication_date", "countries",
        "regions", "themes", "affected_persons", "sdgs", "recommending_states", "recommending_regions",
        "upr_session", "position",
    ))
)  # fmt: skip
# OHCHR's spelling ("Reccomending") and the correct one; "text", "themes" and "sdgs" are the template's
# too, so left out.
_UHRI_XLSX_COLUMNS = frozenset(
    (
        "countries concerned", "reccomending body", "recommending body", "document symbol",
        "affected persons", "document publication date", "upr reccomending states",
        "upr recommending states", "upr position", "ohchr annotation id", "upr session",
        "regions concerned", "recommending regions", "date of publication on uhri",
    )
)  # fmt: skip
# The recommendation export's own columns (app/exports/rows.py: the open-data CSV and XLSX, the public
# API's too), which the template has not: downloaded instead of the template-columns export.
_EXPORT_COLUMNS = frozenset(
    map(header_key, (
        "id", "document_id", "mechanism_code", "mechanism_name", "mechanism_family", "paragraph",
        "text_lang", "languages", "upr_cycle", "status", "priority", "lead_entity", "supporting_entities",
        "clusters", "action_count", "source", "needs_review", "withdrawn", "priority_rationale",
        "internal_notes",
    ))
)  # fmt: skip
# Their refusals: app/feed/refusals.py (OTHER_IMPORT).
_OTHER_IMPORTS: dict[str, frozenset[str]] = {
    "export": _EXPORT_COLUMNS,
    "upr-info": _UPR_INFO_COLUMNS,
    "csv": _TEMPLATE_COLUMNS,
    "uhri-xlsx": _UHRI_XLSX_COLUMNS,
}


def other_import(header: Sequence[str], this: str) -> str | None:
    """Why an import (``this``: "csv", "upr-info", or "uhri-xlsx" for the search export's workbook)
    refuses a file whose header row is plainly another import's (most of its names are that import's
    columns): the refusal names the import that reads it, rather than a list of unknown or missing
    columns. None when the header is no other's."""
    names = {header_key(name) for name in header} - {""}
    own = _OTHER_IMPORTS[this]
    for key, columns in _OTHER_IMPORTS.items():
        found = len(names & columns)
        if key != this and found >= 3 and found * 2 > len(names) and found > len(names & own):
            message = refusals.OTHER_IMPORT[key]
            # A workbook of a CSV import's columns (an export saved as .xlsx) is saved as CSV first.
            if this == "uhri-xlsx":
                message = refusals.OTHER_IMPORT_SAVED.get(key, message)
            return refusals.refusal(message, this=refusals.NAMED_IMPORTS[this])
    return None


def text_of_an_import(head: bytes, this: str) -> str | None:
    """Why a UHRI import (``this``: "uhri-json", or "xlsx" for the search export's) refuses a text file
    whose header row (in ``head``, its first bytes) is plainly a CSV import's, or the UHRI search
    export's saved as CSV: named, with the import that reads it (or the .xlsx to import instead),
    rather than as "a CSV or other text file" sent to every import that might read it. None otherwise."""
    names = {header_key(name) for name in _header_of(io.BytesIO(unicode_text(head) or head))} - {""}
    for key, columns in _OTHER_IMPORTS.items():
        found = len(names & columns)
        if found >= 3 and found * 2 > len(names):
            return refusals.refusal(refusals.OTHER_IMPORT[key], this=refusals.NAMED_IMPORTS[this])
    return None


def unicode_text(head: bytes) -> bytes | None:
    """``head`` (a file's first bytes) as UTF-8 when the file is UTF-16 text marked so, as Excel's
    *Unicode Text* (a tab-separated .txt file) is; None for any other file."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").encode("utf-8")
    return None


def raw_header(path: Path) -> list[str]:
    """The header row of a CSV file whatever its encoding (its bytes read as Latin-1, which decodes
    any byte): enough to tell which import a file that failed to decode belongs to."""
    with path.open("rb") as raw:
        return _header_of(raw)


def _header_of(raw: IO[bytes]) -> list[str]:
    if raw.read(3) != b"\xef\xbb\xbf":
        raw.seek(0)
    stream = io.TextIOWrapper(raw, encoding="latin-1", newline="")
    try:
        line, _number = header_line(stream)
        return next(csv_rows(line, stream), []) if line else []
    except csv.Error:
        return []
    finally:
        stream.detach()  # the caller's file stays open


def csv_delimiter(header_line: str) -> str:
    """The separator of a CSV file, from its header line: Excel saves "CSV" with ';' in locales whose
    decimal mark is a comma (French, Spanish, Portuguese ...), and some tools save tabs."""
    return max(",;\t", key=header_line.count)


# The longest line a CSV import reads: far more than a row of the template or of UPR Info holds (their
# cells stop at csv.field_size_limit, 131,072 characters), far less than what would be split into
# millions of cells (a 50 MB line of commas cost 800 MB).
MAX_LINE_CHARS = 4 << 20
_SEPARATOR_HINT = re.compile(r'^"?sep=.?"?[,;\t]*\r?\n?$', re.IGNORECASE)
_TOO_LONG = "line too long"
_DOS_END_OF_FILE = "\x1a"


def _lines(stream: TextIO) -> Iterator[str]:
    """The lines of ``stream``, each read at most MAX_LINE_CHARS + 1 characters at a time.

    A file that ends in Ctrl-Z (0x1A, DOS's end-of-file mark, repeated as CP/M's padding), as some
    old Windows tools write, ends before it: read as data it made one more row, or ended the last
    cell. Only the last line can end in it (every other one ends in a line break)."""
    while line := stream.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise csv.Error(_TOO_LONG)
        if line.endswith(_DOS_END_OF_FILE):
            if line := line.rstrip(_DOS_END_OF_FILE):
                yield line
            return
        yield line


def header_line(stream: TextIO) -> tuple[str, int]:
    """The header line of a CSV file and its row number: the first line holding more than separators
    and spaces (a sheet saved with empty rows above its header writes them as ",,,,"); ("", n) when
    there is none. Read from a stream opened with newline="", so a line may end in CR, LF or CRLF.
    A first line "sep=;" (Excel's hint of the separator, which Excel reads and does not show as a row)
    is passed over and not counted; the header's own separators say which one it is."""
    number = 0
    for line in _lines(stream):
        if number == 0 and _SEPARATOR_HINT.match(line):
            continue
        number += 1
        if line.strip(' \t\r\n,;"'):
            return line, number
    return "", number


def csv_rows(first_line: str, stream: TextIO) -> Iterator[list[str]]:
    """The rows of a CSV file, its header line read already (``header_line``). Strict: a quote opened
    and never closed would otherwise swallow every row below it into one cell, silently."""
    lines = itertools.chain([first_line], _lines(stream))
    return csv.reader(lines, delimiter=csv_delimiter(first_line), strict=True)


def rows_with_last(rows: Iterator[list[str]]) -> Iterator[tuple[list[str], bool]]:
    """Each row, and whether it is the file's last. A row the CSV reader cannot split is raised after
    the row above it is given, so that the refusal names its own row."""
    previous = next(rows, None)
    while previous is not None:
        try:
            row = next(rows, None)
        except csv.Error:
            yield previous, False
            raise
        yield previous, row is None
        previous = row


def broken_csv(exc: csv.Error, row: int, *, cut_short: bool = False) -> str:
    """Why ``csv_rows`` stopped at spreadsheet row ``row``, in words a spreadsheet user can act on.
    ``cut_short``: the file does not end in a line break, so a quoted cell still open at its end is
    where a download or copy stopped rather than a missing quote."""
    detail = str(exc)
    reason: str
    if detail == "unexpected end of data":
        reason = refusals.QUOTE_CUT_SHORT if cut_short else refusals.QUOTE_NEVER_CLOSED
    elif detail.endswith("expected after '\"'"):
        reason = refusals.QUOTE_NOT_DOUBLED
    elif detail == _TOO_LONG:
        reason = Reason(refusals.LINE_TOO_LONG, limit=Quantity(MAX_LINE_CHARS))
    elif detail.startswith("field larger than field limit"):
        reason = Reason(refusals.CELL_TOO_LONG, limit=Quantity(csv.field_size_limit()))
    else:
        reason = detail
    return Reason(refusals.NOT_VALID_CSV, row=row, reason=Reason(reason))


# How far below the first row holding anything the header may be: a title and a row grouping the
# columns (often merged cells), a note, blank rows between them.
TITLE_ROWS = 10


def header_below_titles(
    first: list[str], rows: Iterator[list[str]], number: int, is_header: Callable[[Sequence[str]], bool]
) -> tuple[list[str], int, list[str]]:
    """The header row, its spreadsheet number and what the rows above it held: the first row, or the
    first of the next few that ``is_header`` (it names the format's key columns) when the first is not
    (a title above the table), for every CSV import (the template, UPR Info). A first row that names
    them is the header even with unknown names beside them (a misspelt column is refused, never taken
    for a title); when no row does, the first is, and it is refused for its unknown or missing columns.
    ``rows`` yields the rows below ``first`` (row ``number``), empty ones too; those read here are gone
    from it."""
    if is_header(first):
        return first, number, []
    passed = [first]
    try:
        for offset, row in enumerate(itertools.islice(rows, TITLE_ROWS), start=1):
            if is_header(row):
                return (
                    row,
                    number + offset,
                    [value.strip() for line in passed for value in line if value.strip()],
                )
            passed.append(row)
    except csv.Error:
        pass  # the first row's own refusal says more than a broken row below it
    return first, number, []


def rows_above_note(header_number: int, above: Sequence[str]) -> str:
    """The import's note naming what the rows passed over above the header (``header_below_titles``)
    held: a title the user may have meant as data is not dropped unsaid."""
    held = ", ".join(repr(value[:40]) for value in above[:5]) + (", ..." if above[5:] else "")
    return refusals.refusal(file_refusals.ROWS_ABOVE_HEADER, row=header_number, values=held)
