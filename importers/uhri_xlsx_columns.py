"""The columns of the XLSX a user downloads from the UHRI search page (16 columns, OHCHR's spelling,
and their other spellings), and the header row that names them: where it is, which sheet was read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.feed import refusals
from app.feed.headers import header_key
from app.feed.records import MalformedInput
from app.feed.sniff import other_import

TEXT = "Text"
COUNTRIES = "Countries Concerned"
BODY = "Reccomending Body"
SYMBOL = "Document Symbol"
THEMES = "Themes"
AFFECTED_PERSONS = "Affected Persons"
SDGS = "Sdgs"
PUBLICATION_DATE = "Document Publication Date"
RECOMMENDING_STATES = "UPR Reccomending States"
POSITION = "UPR Position"
TYPE = "Type"
ANNOTATION_ID = "OHCHR Annotation Id"
SESSION = "UPR Session"
REGIONS = "Regions Concerned"
RECOMMENDING_REGIONS = "Recommending Regions"
UHRI_PUBLISHED = "Date of publication on UHRI"

COLUMNS: tuple[str, ...] = (
    TEXT,
    COUNTRIES,
    BODY,
    SYMBOL,
    THEMES,
    AFFECTED_PERSONS,
    SDGS,
    PUBLICATION_DATE,
    RECOMMENDING_STATES,
    POSITION,
    TYPE,
    ANNOTATION_ID,
    SESSION,
    REGIONS,
    RECOMMENDING_REGIONS,
    UHRI_PUBLISHED,
)

Row = Sequence[object]  # a row's cells, as openpyxl reads them


# A title or a note may be typed above the header (a workbook saved again with a heading): rows that
# name none of the columns are passed over, this many at most (a sheet of rows without a header is not).
MAX_ROWS_ABOVE_HEADER = 10
# The columns' other spellings: the correct one of OHCHR's "Reccomending" (a header retyped, or an
# export of another tool). Any header is matched by its words (app/feed/headers.py).
SPELLINGS: dict[str, tuple[str, ...]] = {
    BODY: ("Recommending Body",),
    RECOMMENDING_STATES: ("UPR Recommending States",),
}
_WANTED = {header_key(name): name for name in COLUMNS} | {
    header_key(spelling): name for name, spellings in SPELLINGS.items() for spelling in spellings
}


def names_a_column(row: Row) -> bool:
    return any(isinstance(value, str) and header_key(value) in _WANTED for value in row)


def no_header(place: SheetPlace) -> MalformedInput:
    columns = ", ".join(map(repr, COLUMNS))
    return MalformedInput(
        refusals.refusal(
            refusals.NO_UHRI_HEADER,
            sheet=place.sheet,
            columns=columns,
            rows=MAX_ROWS_ABOVE_HEADER,
            others=place.others,
        )
    )


@dataclass(frozen=True)
class SheetPlace:
    """How a refusal names the sheet it read (only the first one is read) and the workbook's others:
    a workbook saved with a notes or filters sheet before the results is refused for that sheet."""

    sheet: str  # "the first sheet, 'Notes'"
    others: str  # "; the workbook's other sheets: 'Results': ..." or ""
    described: str  # both in one: "the first sheet, 'Notes'; the workbook's other sheets: ..."


def sheet_place(title: str, others: Sequence[str]) -> SheetPlace:
    sheet = refusals.refusal(refusals.FIRST_SHEET, title=repr(title))
    if not others:
        return SheetPlace(sheet, "", sheet)
    listed = ", ".join(map(repr, others[:10]))
    if len(others) > 10:
        listed = refusals.refusal(refusals.SHEETS_AND_MORE, sheets=listed, count=f"{len(others) - 10:,}")
    hint = refusals.refusal(refusals.OTHER_SHEETS, others=listed)
    described = refusals.refusal(refusals.FIRST_SHEET_OF_SEVERAL, title=repr(title), others=listed)
    return SheetPlace(sheet, hint, described)


def column_positions(header: Row, place: SheetPlace) -> dict[str, int]:
    positions: dict[str, int] = {}
    unknown: list[str] = []  # extra columns are allowed and ignored, but named when one is missing
    for index, value in enumerate(header):
        written = "" if value is None else str(value).strip()
        name = _WANTED.get(header_key(written))
        if name is None:
            if written:
                unknown.append(written)
            continue
        if name in positions:
            raise MalformedInput(refusals.refusal(refusals.COLUMN_TWICE, name=repr(name)))
        positions[name] = index
    missing = [name for name in COLUMNS if name not in positions]
    if missing and (
        other := other_import([str(value) for value in header if value is not None], "uhri-xlsx")
    ):
        raise MalformedInput(other)
    if missing:
        columns = ", ".join(_spelt(name) for name in missing)
        sheet = place.described
        if not unknown:
            raise MalformedInput(
                refusals.refusal(refusals.UHRI_XLSX_MISSING_COLUMNS, columns=columns, sheet=sheet)
            )
        listed = ", ".join(map(repr, unknown[:10]))
        raise MalformedInput(
            refusals.refusal(refusals.UHRI_XLSX_UNKNOWN_COLUMNS, columns=columns, sheet=sheet, unknown=listed)
        )
    return positions


def _spelt(name: str) -> str:
    """A column as a refusal names it: "'Reccomending Body' (also spelt 'Recommending Body')"."""
    if name not in SPELLINGS:
        return repr(name)
    return refusals.refusal(
        refusals.ALSO_SPELT, name=repr(name), spellings=", ".join(map(repr, SPELLINGS[name]))
    )
