"""The report as a spreadsheet laid out like OHCHR's thematic recommendation matrices.

One row per recommendation and group (a recommendation in two clusters has two rows), the column
titles in row 1 (frozen, with an autofilter), text wrapped. A second sheet says what the report is.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.reports import labels
from app.reports.labels import xml_safe
from app.reports.publisher import publisher_lines
from app.reports.schemas import Report, ReportRecommendation, StaffRecommendation

# Excel refuses longer cell values.
MAX_CELL = 32_767
_TRUNCATED = " [truncated]"
# (title, width in characters); the first column's title is the grouping's name.
PUBLIC_COLUMNS = (
    ("", 28),
    ("Recommendation", 70),
    ("Source (mechanism, symbol, paragraph)", 30),
    ("Position", 12),
    ("Theme(s)", 30),
    ("Status", 18),
    ("Priority", 10),
    ("Responsible entity", 30),
    ("Actions", 50),
    ("Progress (latest)", 55),
)
STAFF_COLUMNS = (("Priority rationale (internal)", 40), ("Internal notes (internal)", 40))
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", start_color="1F3864", end_color="1F3864")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _text(value: str) -> str:
    value = xml_safe(value)
    if len(value) > MAX_CELL:
        value = value[: MAX_CELL - len(_TRUNCATED)] + _TRUNCATED
    return value


def _cells(group: str, rec: ReportRecommendation) -> list[str]:
    cells = [
        group,
        rec.text or labels.NONE,
        labels.source(rec),
        labels.position(rec),
        "; ".join(rec.themes) or labels.NONE,
        labels.status(rec),
        labels.priority(rec),
        labels.responsible(rec),
        labels.actions(rec),
        labels.full_progress(rec),
    ]
    if isinstance(rec, StaffRecommendation):
        cells += [rec.priority_rationale or "", rec.internal_notes or ""]
    return cells


def _write_row(sheet: Any, row: int, values: list[str]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=_text(value))
        # A text starting with "=" must stay text: openpyxl would store it as a formula, which
        # Excel runs when the file is opened (spreadsheet formula injection).
        cell.data_type = "s"
        cell.alignment = _WRAP


def _about(workbook: Workbook, report: Report) -> None:
    sheet = workbook.create_sheet("About this report")
    rows = [
        (labels.TITLE, ""),
        ("Grouping", labels.GROUP_LABELS[report.group_by]),
        ("Generated", labels.generated(report)),
        ("Recommendations", str(report.total)),
        ("Language of the texts", report.lang),
        ("Contents", labels.INTERNAL_WARNING if report.staff else labels.PUBLIC_NOTE),
        *((f"Filter: {name}", value) for name, value in report.filters),
        *publisher_lines(report),
    ]
    for number, (name, value) in enumerate(rows, start=1):
        _write_row(sheet, number, [name, value])
        sheet.cell(row=number, column=1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90


def render_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Recommendations"
    columns = list(PUBLIC_COLUMNS) + (list(STAFF_COLUMNS) if report.staff else [])
    columns[0] = (labels.GROUP_LABELS[report.group_by], columns[0][1])
    for number, (title, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=number, value=title)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
        sheet.column_dimensions[get_column_letter(number)].width = width
    row = 1
    for group in report.groups:
        for rec in group.recommendations:
            row += 1
            _write_row(sheet, row, _cells(group.title, rec))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{row}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    _about(workbook, report)
    workbook.properties.title = labels.TITLE
    workbook.properties.creator = "NRTD"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
