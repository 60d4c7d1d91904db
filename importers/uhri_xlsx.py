"""Reader for the XLSX a user downloads from the UHRI search page (16 columns, OHCHR's spelling: their
names and the header row that holds them are importers.uhri_xlsx_columns)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.feed import file_refusals, refusals
from app.feed import record_refusals as reasons
from app.feed.dates import parse_datetime, spreadsheet_date_advice
from app.feed.fields import cycle_for_session, html_to_text
from app.feed.records import MalformedInput, RecordError, Rejection, SourceRecord
from app.feed.row_problems import Problems
from app.feed.values import (
    MAX_LABEL_CHARS,
    MAX_SDG_LABEL_CHARS,
    MAX_TEXT_CHARS,
    check_text,
    clean_label,
    clean_labels,
    parse_int,
    sdg_codes,
    upr_position,
)
from importers.uhri_xlsx_columns import (
    AFFECTED_PERSONS,
    ANNOTATION_ID,
    BODY,
    COUNTRIES,
    MAX_ROWS_ABOVE_HEADER,
    POSITION,
    PUBLICATION_DATE,
    RECOMMENDING_REGIONS,
    RECOMMENDING_STATES,
    REGIONS,
    SDGS,
    SESSION,
    SYMBOL,
    TEXT,
    THEMES,
    TYPE,
    UHRI_PUBLISHED,
    Row,
    column_positions,
    names_a_column,
    no_header,
    sheet_place,
)
from importers.xlsx_checks import opened_workbook, refuse_unreadable_cells

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TYPES = {
    "recommendations": "recommendation",
    "recommendation": "recommendation",
    "concerns/observations": "observation",
    "concerns / observations": "observation",
    "observations": "observation",
    "observation": "observation",
}
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_COLUMNS = 256  # the 16 UHRI columns and any extras; cells further right are never read

# Excel's serial-day range (1900-01-01 .. 9999-12-31); outside it from_excel returns nonsense or overflows.
_SERIAL_RANGE = (1, 2_958_465)

Cell = object


def read_uhri_xlsx(path: Path, lang: str = "en") -> Iterator[SourceRecord | Rejection]:
    """Yield one record (or rejection) per data row of a UHRI search-page XLSX export.

    ``lang`` is the language of the Text column (UHRI exports the same file in six languages).
    Raises ``MalformedInput`` if the file is not an XLSX spreadsheet or lacks a column.
    """
    with opened_workbook(path) as workbook:
        yield from _read_workbook(workbook, lang)


def _read_workbook(workbook: Any, lang: str) -> Iterator[SourceRecord | Rejection]:
    # Hidden sheets (a query or lookup sheet) are passed over: the first sheet is the first one the
    # user sees in Excel, and a refusal names only sheets they can see.
    visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    if not visible:
        raise MalformedInput(refusals.refusal(refusals.NOT_AN_XLSX, reason=file_refusals.NO_VISIBLE_SHEET))
    sheet, *others = visible
    place = sheet_place(sheet.title, [other.title for other in others])
    # Some generators write a wrong <dimension> (e.g. "A1"); read-only mode would stop there.
    sheet.reset_dimensions()
    epoch: datetime = workbook.epoch  # 1904-based workbooks exist (old Mac Excel)
    # max_col: a row padded out to a far-right cell (XFD) would cost 16,384 cells a row.
    rows: Iterator[Row] = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
    columns: dict[str, int] | None = None
    above = 0  # rows above the header: a title or a note typed there
    try:
        for number, row in enumerate(rows, start=1):
            if number > MAX_ROWS:
                too_many = refusals.refusal(file_refusals.TOO_MANY_ROWS, rows=f"{MAX_ROWS:,}")
                raise MalformedInput(refusals.refusal(refusals.REFUSED, reason=too_many))
            if _is_blank(row):
                continue
            if columns is None:
                if not names_a_column(row):
                    above += 1
                    if above > MAX_ROWS_ABOVE_HEADER:
                        raise no_header(place)
                    continue
                columns = column_positions(row, place)
                refuse_unreadable_cells(sheet, columns, number)
                continue
            yield _read_row(row, columns, f"row {number}", epoch, lang)
    except (zipfile.BadZipFile, OSError, SyntaxError) as exc:
        # ElementTree's ParseError is a SyntaxError: the sheet XML itself is truncated or corrupt.
        corrupt = refusals.refusal(file_refusals.CORRUPT_SHEET, error=str(exc))
        raise MalformedInput(refusals.refusal(refusals.NOT_AN_XLSX, reason=corrupt)) from exc
    if columns is None:
        if above:
            raise no_header(place)
        raise MalformedInput(
            refusals.refusal(refusals.EMPTY_SPREADSHEET, sheet=place.sheet, others=place.others)
        )


def _is_blank(row: Row) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def _read_row(
    row: Row, columns: dict[str, int], position: str, epoch: datetime, lang: str
) -> SourceRecord | Rejection:
    def cell(name: str) -> Cell:
        index = columns[name]
        return row[index] if index < len(row) else None

    problems = Problems()  # every one of the row's, in the columns' order
    # Named in a rejection only when it is a valid id.
    external_id = problems.check(_annotation_id, cell(ANNOTATION_ID), default="")
    text = problems.check(_text, cell(TEXT), default="")
    mechanism = problems.check(_mechanism, cell(BODY), default="")
    record_type = problems.check(_annotation_type, cell(TYPE), default="recommendation")
    symbol = problems.check(_single, cell(SYMBOL), SYMBOL, default="")
    published = problems.check(_date, cell(PUBLICATION_DATE), PUBLICATION_DATE, epoch, default=None)
    on_uhri = problems.check(_datetime, cell(UHRI_PUBLISHED), UHRI_PUBLISHED, epoch, default=None)
    labels: dict[str, list[str]] = {
        name: problems.check(_labels, cell(name), name, default=[])
        for name in (COUNTRIES, REGIONS, THEMES, AFFECTED_PERSONS, RECOMMENDING_STATES, RECOMMENDING_REGIONS)
    }
    sdgs: list[str] = problems.check(_sdgs, cell(SDGS), default=[])
    session = problems.check(_session, cell(SESSION), default=None)
    upr_position = problems.check(_position, cell(POSITION), default="none")
    if problems:
        return Rejection(position, problems.reason(), external_id or None)
    return SourceRecord(
        source="uhri",
        external_id=external_id,
        input_position=position,
        type=record_type,
        mechanism=mechanism,
        texts={lang: text},
        symbol=symbol or None,
        publication_date=published,
        uhri_published_at=on_uhri,
        countries=labels[COUNTRIES],
        regions=labels[REGIONS],
        themes=labels[THEMES],
        affected_persons=labels[AFFECTED_PERSONS],
        sdgs=sdgs,
        upr_session=session,
        upr_cycle=cycle_for_session(session) if session is not None else None,
        position=upr_position,
        recommending_states=labels[RECOMMENDING_STATES],
        recommending_regions=labels[RECOMMENDING_REGIONS],
    )


def _text(value: Cell) -> str:
    if value is not None and not isinstance(value, str):
        raise RecordError(refusals.refusal(reasons.EXPECTED_TEXT, field=TEXT, type=type(value).__name__))
    if not value or not html_to_text(check_text(value, TEXT)):
        raise RecordError(refusals.refusal(reasons.EMPTY, field=TEXT))
    return value


def _mechanism(value: Cell) -> str:
    mechanism = _single(value, BODY)
    if not mechanism:
        raise RecordError(refusals.refusal(reasons.EMPTY, field=BODY))
    return mechanism


def _sdgs(value: Cell) -> list[str]:
    return sdg_codes(_labels(value, SDGS, MAX_SDG_LABEL_CHARS))


def _annotation_id(value: Cell) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RecordError(refusals.refusal(reasons.MISSING, field=ANNOTATION_ID))
    text = str(value).strip()
    if not _UUID.match(text):
        raise RecordError(refusals.refusal(reasons.IS_NOT_A_UUID, field=ANNOTATION_ID, value=repr(text[:60])))
    return text.lower()  # as the JSON reader gives it: both must produce the same upsert key


def _lines(value: Cell, field: str) -> list[str]:
    """The values of a multi-valued cell: one per line, each line "- value"."""
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordError(refusals.refusal(reasons.EXPECTED_TEXT, field=field, type=type(value).__name__))
    if not isinstance(value, str):
        return [str(value)]
    return _LINE_BREAK.split(value)


def _labels(value: Cell, field: str, limit: int = MAX_LABEL_CHARS) -> list[str]:
    lines = _lines(value, field)
    try:
        return clean_labels(lines, limit)
    except RecordError as exc:
        raise _of_field(field, exc) from None


def _of_field(field: str, exc: RecordError) -> RecordError:
    """``exc`` said of ``field``: "Themes: a label longer than 255 characters"."""
    return RecordError(refusals.refusal(reasons.FIELD_PROBLEM, field=field, problem=str(exc)))


def _single(value: Cell, field: str) -> str:
    labels = _labels(value, field)
    if len(labels) > 1:
        values = repr("; ".join(labels)[:80])
        raise RecordError(
            refusals.refusal(reasons.EXPECTED_ONE_VALUE, field=field, count=len(labels), values=values)
        )
    return labels[0] if labels else ""


def _session(value: Cell) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_int(value, SESSION)
    sessions = {  # a long value is parse_int's to refuse: it says how many digits
        session
        for label in _labels(value, SESSION, MAX_TEXT_CHARS)
        if (session := parse_int(label, SESSION)) is not None
    }
    if len(sessions) > 1:
        raise RecordError(
            refusals.refusal(reasons.SEVERAL_SESSIONS, field=SESSION, sessions=str(sorted(sessions)))
        )
    return sessions.pop() if sessions else None


def _annotation_type(value: Cell) -> str:
    label = _single(value, TYPE)
    if not label:
        raise RecordError(refusals.refusal(reasons.EMPTY, field=TYPE))
    kind = _TYPES.get(label.casefold())
    if kind is None:
        raise RecordError(refusals.refusal(reasons.NEITHER_UHRI_TYPE, field=TYPE, label=repr(label[:60])))
    return kind


def _position(value: Cell) -> str:
    labels = _labels(value, POSITION)
    try:
        return upr_position(labels)
    except RecordError as exc:
        problem = str(exc).removeprefix("position: ")
        raise RecordError(refusals.refusal(reasons.FIELD_PROBLEM, field=POSITION, problem=problem)) from None


def _datetime(value: Cell, field: str, epoch: datetime) -> datetime | None:
    """A date cell as UHRI writes it (Excel serial number), or a real date cell, or an ISO string."""
    if isinstance(value, str):
        try:
            value = clean_label(value)
        except RecordError as exc:
            raise _of_field(field, exc) from None
        try:
            value = float(value)
        except ValueError:
            try:
                return parse_datetime(value, field)
            except RecordError:
                # A date typed as text the way a spreadsheet's locale writes it: say what to type.
                advice = spreadsheet_date_advice(str(value))
                if not advice:
                    raise
                text = str(value)[:40]
                raise RecordError(
                    refusals.refusal(
                        refusals.NOT_AN_ISO_DATE_TIME_ADVICE, field=field, value=repr(text), advice=advice
                    )
                ) from None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            raise RecordError(refusals.refusal(refusals.NOT_AN_EXCEL_DATE, field=field, value=str(value)))
        from openpyxl.utils.datetime import from_excel

        converted = from_excel(value, epoch=epoch)
        if not isinstance(converted, datetime):
            raise RecordError(refusals.refusal(refusals.NOT_AN_EXCEL_DATE, field=field, value=str(value)))
        return converted
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return parse_datetime(value, field)


def _date(value: Cell, field: str, epoch: datetime) -> date | None:
    moment = _datetime(value, field, epoch)
    return moment.date() if moment is not None else None
