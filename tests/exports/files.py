"""Reading the exported files back with the standard parsers (csv, openpyxl, json)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from openpyxl import load_workbook

BOM = "\ufeff".encode()
STAFF = "/api/v1/exports/recommendations"
PUBLIC = "/api/v1/public/exports/recommendations"


def csv_rows(body: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    assert body.startswith(BOM), body[:20]
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def csv_header(body: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def xlsx_rows(body: bytes) -> tuple[list[str], list[dict[str, Any]]]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = [str(cell) for cell in rows[0]]
    # Trailing empty cells are not stored: a short row is padded with None.
    return header, [
        dict(zip(header, [*row, *[None] * (len(header) - len(row))], strict=True)) for row in rows[1:]
    ]


def xlsx_text(body: bytes) -> str:
    """Every XML part of the workbook, to search for strings that must not be there."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())


def json_rows(body: bytes) -> list[dict[str, Any]]:
    rows = json.loads(body)
    assert isinstance(rows, list)
    return rows


def rows_of(fmt: str, body: bytes) -> list[dict[str, Any]]:
    if fmt == "csv":
        return list(csv_rows(body))
    if fmt == "xlsx":
        return xlsx_rows(body)[1]
    return json_rows(body)
