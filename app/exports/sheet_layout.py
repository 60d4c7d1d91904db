"""How an exported sheet opens: the header bold, frozen and filterable, columns wide enough to
read, long texts wrapped.

The sheets are openpyxl write-only sheets, which write their XML as they go: the column widths and
the frozen pane are written with the first row (so they are set before it, from the column names,
not from the data), the autofilter at the end (``finish_sheet``, once the row count is known).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Widths in characters. Texts and lists get a wide, wrapped column; the rest fit their header.
_LONG_TEXT = 60
_LIST = 30
_WIDTHS = {
    "text": _LONG_TEXT,
    "internal_notes": _LONG_TEXT,
    "priority_rationale": _LONG_TEXT,
    "value": _LONG_TEXT,  # the about sheet
    "mechanism_name": _LIST,
    "mechanism": _LIST,
    "countries": _LIST,
    "regions": _LIST,
    "themes": _LIST,
    "affected_persons": _LIST,
    "recommending_states": _LIST,
    "recommending_regions": _LIST,
    "lead_entity": _LIST,
    "supporting_entities": _LIST,
    "clusters": _LIST,
    "issues": _LIST,
    "sdgs": 16,
    "symbol": 24,
    "portal_url": 24,
    "external_id": 24,
    "publication_date": 16,
    "field": 24,
}
_MIN_WIDTH = 8
_MAX_WIDTH = _LONG_TEXT
WRAP = Alignment(wrap_text=True, vertical="top")


def column_width(name: str) -> int:
    if name.startswith("text_"):  # the template's text_en, text_fr ...
        return _LONG_TEXT
    width = _WIDTHS.get(name, len(name) + 3)
    return max(_MIN_WIDTH, min(width, _MAX_WIDTH))


def wrapped(name: str) -> bool:
    """Whether the column's cells wrap: the texts and lists, where a cell can run to many lines."""
    return column_width(name) >= _LIST


def start_sheet(sheet: WriteOnlyWorksheet, columns: Sequence[str]) -> None:
    """The widths, the frozen header and the header row itself (bold): call before any other row."""
    lay_out_sheet(sheet, columns)
    write_header(sheet, columns)


def lay_out_sheet(sheet: WriteOnlyWorksheet, columns: Sequence[str]) -> None:
    """The widths and the frozen header (``start_sheet``'s first half): openpyxl writes them with the
    sheet's first XML, before any row."""
    for number, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column_width(name)
    sheet.freeze_panes = "A2"


def write_header(sheet: WriteOnlyWorksheet, columns: Sequence[str]) -> None:
    """The header row, bold (``start_sheet``'s second half)."""
    bold = Font(bold=True)
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)


def finish_sheet(sheet: WriteOnlyWorksheet, columns: Sequence[str], rows: int) -> None:
    """The autofilter over the header and the ``rows`` written below it."""
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
