"""What a file given to the wrong import is, from its first bytes: so that the refusal names it
("an Excel workbook") rather than the first thing the reader choked on ("unknown column(s) '['")."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from app.core.catalogue import Quantity, Reason
from app.core.catalogue import marked as _

_PEEK = 512


def file_kind(path: Path) -> str | None:
    """A name for what the file plainly is, when its first bytes say so; None for other text."""
    with path.open("rb") as file:
        return kind_of(file.read(_PEEK))


def kind_of(head: bytes) -> str | None:
    """``file_kind`` of a file that starts with ``head`` (its first 512 bytes, or all of a shorter one)."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if head.startswith(b"PK\x03\x04"):
        return "an Excel workbook (XLSX) or another ZIP file"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel workbook (XLS) or another Office file"
    if head.startswith(b"\x1f\x8b"):
        return "a gzip-compressed file (decompress it first)"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    lowered = text[:64].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML)"
    if lowered.startswith(b"<"):
        return "an XML or HTML document"
    if text.startswith((b"[", b"{")):
        return "a JSON document"
    return None


def not_a_csv(kind: str) -> str:
    """Why a CSV import refuses a file ``file_kind`` named, and what to do: a workbook is saved as CSV,
    a UHRI export (JSON, or the search page's XLSX) has an import of its own."""
    advice = "save a workbook as 'CSV UTF-8' first; " if "workbook" in kind else ""
    return (
        f"this is {kind}, not a CSV file: {advice}a UHRI export is imported with `nrtd import uhri` "
        "(in the staff workspace: the search page's .xlsx file as 'UHRI search export (XLSX)')"
    )


# The CSV imports, each by what its header row names (required columns, matched as the readers match
# them: case and surrounding spaces ignored) and by how the refusal of another import names it.
_UPR_INFO_COLUMNS = frozenset(
    ("to", "to-rgrp", "text", "from", "from-rgrp", "response", "action", "issue", "session")
)
_TEMPLATE_COLUMNS = frozenset(
    (
        "external_id", "mechanism", "type", "symbol", "text", "language", "publication_date", "countries",
        "regions", "themes", "affected_persons", "sdgs", "recommending_states", "recommending_regions",
        "upr_session", "position",
    )
)  # fmt: skip
# OHCHR's spelling kept ("Reccomending"); "text", "themes" and "sdgs" are the template's too, so left out.
_UHRI_XLSX_COLUMNS = frozenset(
    (
        "countries concerned", "reccomending body", "document symbol", "affected persons",
        "document publication date", "upr reccomending states", "upr position", "ohchr annotation id",
        "upr session", "regions concerned", "recommending regions", "date of publication on uhri",
    )
)  # fmt: skip
# The recommendation export's own columns (app/exports/rows.py: the open-data CSV and XLSX, the public
# API's too), which the template has not: downloaded instead of the template-columns export.
_EXPORT_COLUMNS = frozenset(
    (
        "id", "document_id", "mechanism_code", "mechanism_name", "mechanism_family", "paragraph",
        "text_lang", "languages", "upr_cycle", "status", "priority", "lead_entity", "supporting_entities",
        "clusters", "action_count", "source", "needs_review", "withdrawn", "priority_rationale",
        "internal_notes",
    )
)  # fmt: skip
_OTHER_IMPORTS: dict[str, tuple[frozenset[str], str]] = {
    "export": (
        _EXPORT_COLUMNS,
        "this is the recommendation export (the open-data CSV or XLSX), not {this}: download the export in "
        "the import template's columns instead ('CSV in the import template's columns' on the staff "
        "workspace's Reports and exports page, or `nrtd export csv`), edit that and import it",
    ),
    "upr-info": (
        _UPR_INFO_COLUMNS,
        "this is a UPR Info database export, not {this}: {then}import it with `nrtd import upr-info` "
        "(in the staff workspace: 'UPR Info database (CSV)')",
    ),
    "csv": (
        _TEMPLATE_COLUMNS,
        "this is the CSV template of manual recommendations, not {this}: {then}import it with "
        "`nrtd import csv` (in the staff workspace: 'CSV template of manual recommendations')",
    ),
    "uhri-xlsx": (
        _UHRI_XLSX_COLUMNS,
        "this is the UHRI search page's export saved as CSV, not {this}: import the .xlsx file as UHRI "
        "gives it, with `nrtd import uhri FILE.xlsx` (in the staff workspace: 'UHRI search export (XLSX)')",
    ),
}
_NAMED = {"csv": "the CSV template", "upr-info": "a UPR Info export", "uhri-xlsx": "a UHRI search export"}


def other_import(header: Sequence[str], this: str) -> str | None:
    """Why an import (``this``: "csv", "upr-info", or "uhri-xlsx" for the search export's workbook)
    refuses a file whose header row is plainly another import's (most of its names are that import's
    columns): the refusal names the import that reads it, rather than a list of unknown or missing
    columns. None when the header is no other's."""
    names = {name.replace("\ufeff", "").strip().casefold() for name in header} - {""}
    own = _OTHER_IMPORTS[this][0]
    # A workbook of a CSV import's columns (an export saved as .xlsx) is saved as CSV first.
    then = "save the workbook as 'CSV UTF-8', then " if this == "uhri-xlsx" else ""
    for key, (columns, message) in _OTHER_IMPORTS.items():
        found = len(names & columns)
        if key != this and found >= 3 and found * 2 > len(names) and found > len(names & own):
            return message.format(this=_NAMED[this], then=then)
    return None


def raw_header(path: Path) -> list[str]:
    """The header row of a CSV file whatever its encoding (its bytes read as Latin-1, which decodes
    any byte): enough to tell which import a file that failed to decode belongs to."""
    with path.open("rb") as raw:
        if raw.read(3) != b"\xef\xbb\xbf":
            raw.seek(0)
        stream = io.TextIOWrapper(raw, encoding="latin-1", newline="")
        try:
            line, _number = header_line(stream)
            return next(csv_rows(line, stream), []) if line else []
        except csv.Error:
            return []


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


def _lines(stream: TextIO) -> Iterator[str]:
    """The lines of ``stream``, each read at most MAX_LINE_CHARS + 1 characters at a time."""
    while line := stream.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise csv.Error(_TOO_LONG)
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


def broken_csv(exc: csv.Error, row: int) -> str:
    """Why ``csv_rows`` stopped at spreadsheet row ``row``, in words a spreadsheet user can act on."""
    detail = str(exc)
    reason: str
    if detail == "unexpected end of data":
        reason = _(
            "a quoted cell is never closed (a '\"' is missing), so every row below it would be read "
            "into that cell"
        )
    elif detail.endswith("expected after '\"'"):
        reason = _('a \'"\' inside a quoted cell must be doubled (""), as a spreadsheet program writes it')
    elif detail == _TOO_LONG:
        reason = Reason(
            _("a line longer than %(limit)s characters, far more than a row holds"),
            limit=Quantity(MAX_LINE_CHARS),
        )
    elif detail.startswith("field larger than field limit"):
        reason = Reason(
            _(
                "a cell longer than %(limit)s characters, the longest a cell may be "
                "(or a quote that is never closed)"
            ),
            limit=Quantity(csv.field_size_limit()),
        )
    else:
        reason = detail
    return Reason(_("not a valid CSV file: row %(row)s: %(reason)s"), row=row, reason=Reason(reason))
