"""The project's own CSV template: regional-mechanism and other manual recommendations.

One row per recommendation; its translations are either in ``text_<language>`` columns
(``text_fr``, as the export writes them) or further rows right below it with the same
``external_id`` and another ``language``. The format is documented in docs/csv-template.md, and
``app.feed.template.writer`` writes it back so an export re-imports to the same records. This module
turns a CSV file into rows; ``app.feed.template.rows`` reads them (as it reads a workbook's).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

from app.feed import file_refusals, refusals
from app.feed import record_refusals as reasons
from app.feed.decoding import ends_in_line_break, undecodable_line, unmarked_wide, wide_encoding
from app.feed.records import MalformedInput, Rejection, SourceRecord
from app.feed.sniff import broken_csv, csv_rows, file_kind, header_line, not_a_csv, other_import, raw_header
from app.feed.template.rows import template_records


class _Counted:
    """The rows handed on, counted: a CSV error is reported against the row after the last one read."""

    def __init__(self, rows: Iterator[list[str]]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> list[str]:
        row = next(self._rows)
        self.count += 1
        return row


def read_csv_template(
    path: Path, *, encoding: str | None = None, on_note: Callable[[str], None] | None = None
) -> Iterator[SourceRecord | Rejection]:
    """Yield one record (or rejection) per recommendation of a template CSV (UTF-8, BOM or not; or
    UTF-16 with its byte-order mark, as Excel saves "Unicode Text"; or ``encoding``, which the caller
    read from the file's bytes: ``importers.template_xlsx.read_template``).

    The template's example rows are passed over; ``on_note`` is given the note naming them. A file
    holding nothing but the example is refused.
    """
    kind = file_kind(path)
    if kind is not None:
        raise MalformedInput(not_a_csv(kind))
    if encoding is None and (unmarked := unmarked_wide(path)) is not None:
        raise MalformedInput(refusals.refusal(file_refusals.UNMARKED_UTF16, encoding=unmarked))
    # UTF-8 (its byte-order mark read if there is one), or UTF-16 when the file starts with that mark.
    encoding = encoding or wide_encoding(path) or "utf-8-sig"
    header_number = 0
    counted: _Counted | None = None
    with path.open("rb") as raw:
        # newline="": the csv module splits CR, LF and CRLF records itself, quoted breaks included.
        stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        try:
            first_line, header_number = header_line(stream)
            if not first_line:
                raise MalformedInput(reasons.EMPTY_NO_HEADER)
            counted = _Counted(csv_rows(first_line, stream))
            first = next(counted)
            cut_short = not ends_in_line_break(path)
            yield from template_records(first, counted, header_number, cut_short=cut_short, on_note=on_note)
        except UnicodeDecodeError as exc:
            if other := other_import(raw_header(path), "csv"):  # its kind, before its encoding
                raise MalformedInput(other) from None
            number = max(header_number + (counted.count if counted else 0) - 1, 0)
            line, byte = undecodable_line(path, encoding) or (number + 1, b"")
            why = (_legacy_letter(byte) if encoding == "utf-8-sig" else "") or exc.reason
            named = "UTF-8" if encoding == "utf-8-sig" else encoding.upper()
            raise MalformedInput(
                refusals.refusal(
                    file_refusals.NOT_IN_ENCODING, encoding=named, byte=repr(byte), line=line, why=why
                )
            ) from None
        except csv.Error as exc:
            number = max(header_number + (counted.count if counted else 0) - 1, 0)
            raise MalformedInput(
                broken_csv(exc, number + 1, cut_short=not ends_in_line_break(path))
            ) from None


def _legacy_letter(byte: bytes) -> str:
    """What a byte that is not UTF-8 reads as in Windows-1252, when that is a letter or a sign typed
    in text ("'é' in Windows-1252 ..."): it names the file's likely encoding in terms a user knows."""
    if len(byte) != 1:
        return ""
    try:
        letter = byte.decode("cp1252")
    except UnicodeDecodeError:
        return ""
    if not letter.isprintable() or letter.isspace():
        return ""
    return refusals.refusal(file_refusals.WINDOWS_LETTER, letter=repr(letter))
