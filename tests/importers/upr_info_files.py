"""UPR Info CSV files for the reader's tests: a row, a file written in an encoding, what it reads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from app.feed.records import SourceRecord
from importers.upr_info_csv import COLUMNS, read_upr_info_csv

HEADER = list(COLUMNS)


def upr_row(
    to: str = "Peru",
    text: str = "Ratify the Optional Protocol to the Convention against Torture",
    from_: str = "Norway",
    response: str = "Accepted",
    action: str = "4",
    issue: str = "Torture and other CID,Detention",
    session: str = "42",
) -> list[str]:
    return [to, "GRULAC", "OAS", text, from_, "WEOG", "EU", response, action, issue, session]


def write_csv(
    path: Path,
    rows: list[list[str]],
    *,
    encoding: str = "utf-8",
    newline: str = "\r\n",
    header: list[str] | None = None,
    delimiter: str = ",",
) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=newline, delimiter=delimiter)
    writer.writerow(HEADER if header is None else header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def records(path: Path, encoding: str | None = None) -> list[SourceRecord]:
    results = list(read_upr_info_csv(path, encoding))
    assert all(isinstance(result, SourceRecord) for result in results), results
    return [result for result in results if isinstance(result, SourceRecord)]
