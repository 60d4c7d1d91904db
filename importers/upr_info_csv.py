"""Reader for the UPR Info database CSV export (legacy encodings, CR-only lines, HTML entities; which
encoding a file is in: importers.upr_info_encoding)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator, Sequence
from html import unescape
from pathlib import Path
from typing import TypeVar

from app.feed import file_refusals, refusals
from app.feed import record_refusals as reasons
from app.feed.countries import iso2_for
from app.feed.decoding import ends_in_line_break, undecodable_line
from app.feed.fields import cycle_for_session, plain_text
from app.feed.headers import header_key
from app.feed.keys import label_key
from app.feed.records import MalformedInput, RecordError, Rejection, SourceRecord
from app.feed.row_problems import Problems
from app.feed.sniff import (
    broken_csv,
    csv_rows,
    file_kind,
    header_below_titles,
    header_line,
    not_a_csv,
    other_import,
    rows_above_note,
    rows_with_last,
)
from app.feed.values import (
    MAX_TEXT_CHARS,
    check_text,
    derived_id,
    named_label,
    named_labels,
    parse_int,
)
from importers.upr_info_encoding import guess_encoding

_T = TypeVar("_T")

COLUMNS: tuple[str, ...] = (
    "To",
    "To-Rgrp",
    "To-Org",
    "Text",
    "From",
    "From-Rgrp",
    "From-Org",
    "Response",
    "Action",
    "Issue",
    "Session",
)
# The organisation columns carry nothing a SourceRecord holds, so files without them are fine.
REQUIRED_COLUMNS: tuple[str, ...] = tuple(name for name in COLUMNS if not name.endswith("-Org"))
# How many of them a row names to be taken for the header rather than a title above it.
_HEADER_NAMES = 3

# "Supported/Noted" is UPR Info's word for a recommendation the State supported in part. A
# position is supported, noted or none (app.models.recommendation.POSITIONS): the supported part
# is work to follow up, so it counts as supported, as "Partially accepted" does.
_SUPPORTED = {
    "accepted",
    "accept",
    "supported",
    "support",
    "partially accepted",
    "partially supported",
    "supported noted",  # "Supported/Noted" once its key drops the slash (app.feed.keys.label_key)
    "accepted noted",
}
_NOTED = {"noted", "note", "rejected", "not accepted", "not supported"}


def read_upr_info_csv(
    path: Path, encoding: str | None = None, *, on_note: Callable[[str], None] | None = None
) -> Iterator[SourceRecord | Rejection]:
    """Yield one record (or rejection) per data row of a UPR Info CSV.

    Without ``encoding`` the file is read as UTF-8 if it is valid UTF-8, else as Windows-1252 or
    Mac Roman, whichever the bytes support (see ``guess_encoding``); ``on_note`` is then given the
    note saying which one was assumed, and the note naming the rows passed over above the header.
    """
    kind = file_kind(path)
    if kind is not None:
        raise MalformedInput(not_a_csv(kind))
    if encoding is None:
        guess = guess_encoding(path)
        encoding = guess.encoding
        note = guess.note()
        if note is not None and on_note is not None:
            on_note(note)
    elif _is_latin_1(encoding) and _decodes(path, "cp1252"):
        # "Latin-1" is what people call Windows-1252 (browsers read the one as the other): read as
        # ISO-8859-1, its curly quotes and dashes would be control characters (U+0092).
        encoding = "cp1252"
    number = 0  # the last row read, for messages about the next one
    with path.open("rb") as raw:
        try:
            # newline="": the csv module then splits CR, LF and CRLF records itself, quoted
            # line breaks included, so old-Mac CR-only files need no rewriting.
            text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        except LookupError:
            raise MalformedInput(
                refusals.refusal(file_refusals.UNKNOWN_ENCODING, encoding=repr(encoding))
            ) from None
        try:
            first_line, header_number = header_line(text)
            if not first_line:
                raise MalformedInput(reasons.EMPTY_NO_HEADER)
            rows = csv_rows(first_line, text)
            # A title above the table is passed over (and said), as the CSV template's import does.
            header, header_number, above = header_below_titles(
                next(rows), rows, header_number, _names_the_columns
            )
            number = header_number
            columns = _column_positions(header)
            if above and on_note is not None:
                on_note(rows_above_note(header_number, above))
            seen: dict[str, tuple[int, list[str]]] = {}  # each id's first row, and its cells compared
            cut_short = not ends_in_line_break(path)
            for number, (row, last) in enumerate(rows_with_last(rows), start=header_number + 1):
                if not any(cell.strip() for cell in row):
                    continue
                if last and cut_short and len(row) < len(header):
                    count = refusals.refusal(reasons.CELL_COUNT_CUT_SHORT, cells=len(row), header=len(header))
                    yield Rejection(f"row {number}", count)
                    continue
                result = _read_row(row, columns, len(header), f"row {number}")
                if isinstance(result, SourceRecord):
                    compared = [_cell_at(row, columns.get(name)) for name in _COMPARED]
                    first, first_cells = seen.setdefault(result.external_id, (number, compared))
                    if first != number:
                        duplicate = _duplicate(first, first_cells, compared)
                        result = Rejection(f"row {number}", duplicate, result.external_id)
                yield result
        except UnicodeDecodeError as exc:
            raise MalformedInput(_decoding_failure(path, encoding, exc)) from None
        except UnicodeError as exc:  # a decoder's own check: UTF-16 or UTF-32 without a byte order mark
            raise MalformedInput(
                refusals.refusal(file_refusals.CANNOT_DECODE_NAME_IT, encoding=encoding, reason=str(exc))
            ) from None
        except csv.Error as exc:
            raise MalformedInput(
                broken_csv(exc, number + 1, cut_short=not ends_in_line_break(path))
            ) from None


# The cells a row's id is not made of: two rows of one id may still disagree in them.
_COMPARED = ("To-Rgrp", "From-Rgrp", "Response", "Action", "Issue")


def _cell_at(row: Sequence[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _duplicate(first: int, first_cells: list[str], cells: list[str]) -> str:
    """Why a row whose id a row above it has is rejected: a plain duplicate, or one that says something
    else (supported on one, noted on the other), naming the cells that differ as this row has them."""
    differ = [
        f"{name} {value!r}"
        for name, value, before in zip(_COMPARED, cells, first_cells, strict=True)
        if value != before
    ]
    if not differ:
        return refusals.refusal(reasons.DUPLICATE_OF_ROW, row=first)
    return refusals.refusal(reasons.DUPLICATE_DIFFERS, row=first, columns=", ".join(differ))


def _is_latin_1(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "iso8859-1"
    except LookupError:
        return False


def _decodes(path: Path, encoding: str) -> bool:
    """Whether every byte of the file is a character in ``encoding`` (read in pieces)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as file:
            while piece := file.read(1 << 20):
                decoder.decode(piece)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decoding_failure(path: Path, encoding: str, exc: UnicodeDecodeError) -> str:
    where = undecodable_line(path, encoding)
    if where is None:  # cannot happen for a file that failed to decode; keep the decoder's words
        return refusals.refusal(file_refusals.CANNOT_DECODE, encoding=encoding, reason=exc.reason)
    line, byte = where
    # Only an encoding named with --encoding fails here (a detected one decodes every byte).
    return refusals.refusal(
        file_refusals.CANNOT_DECODE_AT_NAMED, encoding=encoding, byte=repr(byte), line=line, reason=exc.reason
    )


def _names_the_columns(row: Sequence[str]) -> bool:
    """Whether ``row`` is the header: it names at least three of the export's columns (a title row
    names none; a header with a misspelt column still names the others, and is refused for it)."""
    keys = {header_key(value) for value in row}
    return sum(header_key(name) in keys for name in COLUMNS) >= _HEADER_NAMES


def _column_positions(header: Sequence[str]) -> dict[str, int]:
    wanted = {header_key(name): name for name in COLUMNS}
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        name = wanted.get(header_key(value))
        if name is None:
            continue
        if name in positions:
            raise MalformedInput(refusals.refusal(refusals.COLUMN_TWICE, name=repr(name)))
        positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing and (other := other_import(header, "upr-info")):
        raise MalformedInput(other)
    if missing:
        found = ", ".join(repr(value.strip()) for value in header[:12])
        columns = ", ".join(map(repr, missing))
        raise MalformedInput(
            refusals.refusal(refusals.UPR_INFO_MISSING_COLUMNS, columns=columns, found=found)
        )
    return positions


def _read_row(
    row: Sequence[str], columns: dict[str, int], width: int, position: str
) -> SourceRecord | Rejection:
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        return Rejection(position, refusals.refusal(reasons.CELL_COUNT_STRAY, cells=len(row), header=width))

    def raw(name: str) -> str:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else ""

    def cell(name: str) -> str:
        return unescape(raw(name)).replace("\r\n", "\n").replace("\r", "\n").strip()

    problems = Problems()  # every one of the row's, in the columns' order
    state_under_review = problems.check(_required, named_label, cell("To"), "To", default="")
    region = problems.check(named_label, cell("To-Rgrp"), "To-Rgrp", default="")
    text = problems.check(_text, cell("Text"), default="")
    recommending_state = problems.check(named_label, cell("From"), "From", default="")
    recommending_region = problems.check(named_label, cell("From-Rgrp"), "From-Rgrp", default="")
    action = problems.check(parse_int, cell("Action"), "Action", low=1, high=5, default=None)
    # Split before decoding entities: an encoded comma ("&#44;") belongs inside an issue.
    issues: list[str] = problems.check(
        named_labels, [unescape(part) for part in raw("Issue").split(",")], "Issue", default=[]
    )
    session = problems.check(_required, parse_int, cell("Session"), "Session", default=None)
    if problems or session is None:
        return problems.rejection(position, states=[("To", state_under_review), ("From", recommending_state)])
    return SourceRecord(
        source="upr-info",
        external_id=derived_id(
            _state_key(state_under_review), _state_key(recommending_state), str(session), text
        ),
        input_position=position,
        type="recommendation",
        mechanism="UPR",
        texts={"en": text},
        countries=[state_under_review],
        regions=[region] if region else [],
        recommending_states=[recommending_state] if recommending_state else [],
        recommending_regions=[recommending_region] if recommending_region else [],
        upr_session=session,
        upr_cycle=cycle_for_session(session),
        position=_position(cell("Response")),
        upr_info_action=action,
        issues=issues,
    )


def _required(parse: Callable[..., _T | None], value: str, field: str) -> _T:
    """``parse(value, field)``, which an empty cell does not pass."""
    parsed = parse(value, field)
    if parsed is None or parsed == "":
        raise RecordError(refusals.refusal(reasons.EMPTY, field=field))
    return parsed


def _text(value: str) -> str:
    text = check_text(value, "Text", MAX_TEXT_CHARS)
    if not plain_text(text):  # entities decoded already; a "<law>" is words, not a tag
        raise RecordError(refusals.refusal(reasons.EMPTY, field="Text"))
    return text


def _state_key(name: str) -> str:
    """A State's ISO code where known, so that renames between exports ("Turkey", "Türkiye") and
    spelling variants keep the id."""
    return iso2_for(name) or name


def _position(response: str) -> str:
    """Accepted/Supported -> supported, Noted/Rejected -> noted; anything else (empty, Pending,
    older words such as "Unclear" or "No response") means the State has not taken a position."""
    key = label_key(response)
    if key in _SUPPORTED:
        return "supported"
    if key in _NOTED:
        return "noted"
    return "none"
