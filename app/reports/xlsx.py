"""The report as a spreadsheet laid out like OHCHR's thematic recommendation matrices.

One row per recommendation and group (a recommendation in two clusters has two rows), the column
titles in row 1 (frozen, with an autofilter), text wrapped. A second sheet lists each group's actions
once with their latest progress; a third says what the report is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.core.catalogue import marked as _
from app.core.catalogue import pgettext
from app.reports.file_names import document_title
from app.reports.labels import NONE, Words, xml_safe
from app.reports.schemas import (
    Report,
    ReportGroupAction,
    ReportRecommendation,
    StaffGroupAction,
    StaffRecommendation,
)
from app.reports.scripts import ARABIC_FONT, CHINESE_FONT, LATIN_FONT, east_asian, right_to_left
from app.web.i18n import language_name

# Excel refuses longer cell values: a longer text is cut and ends with this, in the report's language.
MAX_CELL = 32_767
TRUNCATED = _("[truncated: the Word document and the web page of this report hold the whole text]")
# (title, width in characters); the first column's title is the grouping's name.
PUBLIC_COLUMNS = (
    ("", 28),
    (_("Recommendation"), 70),
    (_("Source (mechanism, symbol, paragraph)"), 30),
    (_("Position"), 12),
    (_("Theme(s)"), 30),
    (_("SDG goals"), 12),
    (_("Status"), 18),
    (_("Priority"), 10),
    (_("Responsible entity"), 30),
    (_("Actions"), 50),
)
STAFF_COLUMNS = ((_("Priority rationale (internal)"), 40), (_("Internal notes (internal)"), 40))
ACTION_COLUMNS = (
    ("", 28),
    (_("Action"), 45),
    (_("Status"), 14),
    (_("Due"), 14),
    (_("Lead entity"), 30),
    (_("Latest progress"), 80),
)
STAFF_ACTION_COLUMNS = ((pgettext("action", "Published"), 12),)
_PUBLISHED, _NOT_PUBLISHED = pgettext("action", "Published"), pgettext("action", "Not published")
_HEADER_FONT = Font(name=LATIN_FONT, bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", start_color="1F3864", end_color="1F3864")
_WRAP = Alignment(wrap_text=True, vertical="top")
# A cell names one font: the one covering its text's script (Excel and LibreOffice substitute a
# covering font where it is missing). Arabic cells read right to left (readingOrder 2), aligned right.
_FONTS = {
    script: Font(name=name)
    for script, name in (("latin", LATIN_FONT), ("arabic", ARABIC_FONT), ("cjk", CHINESE_FONT))
}
_LEFT_TOP = Alignment(horizontal="left", vertical="top")
_RTL_WRAP = Alignment(wrap_text=True, vertical="top", horizontal="right", readingOrder=2)


def _text(value: str, cut: str) -> str:
    value = xml_safe(value)
    if len(value) > MAX_CELL:
        value = f"{value[: MAX_CELL - len(cut) - 1]} {cut}"
    return value


def _cells(group: str, rec: ReportRecommendation, words: Words) -> list[str]:
    cells = [
        group,
        rec.text or NONE,
        words.source(rec),
        words.position(rec),
        "; ".join(rec.themes) or NONE,
        ", ".join(rec.sdg_goals) or NONE,
        words.status(rec),
        words.priority(rec),
        words.responsible(rec),
        words.actions(rec),
    ]
    if isinstance(rec, StaffRecommendation):
        cells += [rec.priority_rationale or "", rec.internal_notes or ""]
    return cells


# A due date is a date cell (Excel sorts and filters it as a date, not as its text), shown as the
# report writes dates in its language: Excel's locale code for the month names ("déc.", "dic").
_DATE_FORMATS = {"en": "[$-409]mmm d, yyyy", "fr": "[$-40C]d mmm yyyy", "es": "[$-C0A]d mmm yyyy"}


def _action_cells(group: str, action: ReportGroupAction, words: Words) -> list[str | date]:
    cells: list[str | date] = [
        group,
        action.title,
        words.action_status(action),
        action.due_date or NONE,
        words.entity(action.lead_entity),
        words.full_progress(action),
    ]
    if isinstance(action, StaffGroupAction):
        # Agreeing with the action, as its column's title: « Publiée », "No publicada".
        cells.append(words._(_PUBLISHED if action.published else _NOT_PUBLISHED))
    return cells


def _sheet(
    sheet: Any, columns: list[tuple[str, int]], rows: Sequence[Sequence[str | date]], words: Words
) -> None:
    """Column titles in row 1 (frozen, with an autofilter), then the rows, printed landscape."""
    for number, (title, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=number, value=title)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
        sheet.column_dimensions[get_column_letter(number)].width = width
    for row, values in enumerate(rows, start=2):
        _write_row(sheet, row, values, words)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _write_row(sheet: Any, row: int, values: Sequence[str | date | int], words: Words) -> None:
    for column, value in enumerate(values, start=1):
        if isinstance(value, int):
            # A number Excel sums and sorts, shown with the thousands separator of the reader's Excel.
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = "#,##0"
            cell.font, cell.alignment = _FONTS["latin"], _LEFT_TOP
            continue
        if isinstance(value, date):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = _DATE_FORMATS.get(words.lang, _DATE_FORMATS["en"])
            cell.font, cell.alignment = _FONTS["latin"], _WRAP
            continue
        cell = sheet.cell(row=row, column=column, value=_text(value, words._(TRUNCATED)))
        # A text starting with "=" must stay text: openpyxl would store it as a formula, which
        # Excel runs when the file is opened (spreadsheet formula injection).
        cell.data_type = "s"
        rtl = right_to_left(value)
        cell.font = _FONTS["arabic" if rtl else "cjk" if east_asian(value) else "latin"]
        cell.alignment = _RTL_WRAP if rtl else _WRAP


def _about(workbook: Workbook, report: Report, words: Words) -> None:
    sheet = workbook.create_sheet(words._("About this report"))
    rows: list[tuple[str, str | int]] = [
        (words.title, ""),
        (words._("Grouping"), words.group_label(report)),
        (words._("Generated"), words.generated(report)),
        (words._("Recommendations"), report.total),
        (words._("Language of the texts"), language_name(report.lang, words.lang)),
        (words._("Note"), words.notice(report)),  # what it holds, not a table of contents
        *((words._("Filter: %(name)s", name=name), value) for name, value in report.filters),
        # No filter is said, as the DOCX and HTML say it: the row was missing, the sheet silent.
        *(
            []
            if report.filters
            else [(words._("Filters used"), words._("none (every current recommendation)"))]
        ),
        *words.publisher_lines(report),
    ]
    for number, (name, value) in enumerate(rows, start=1):
        _write_row(sheet, number, [name, value], words)
        sheet.cell(row=number, column=1).font = Font(name=LATIN_FONT, bold=True)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90


def _columns(
    base: tuple[tuple[str, int], ...], staff: tuple[tuple[str, int], ...], report: Report, words: Words
) -> list[tuple[str, int]]:
    columns = [
        (words._(title) if title else "", width) for title, width in base + (staff if report.staff else ())
    ]
    columns[0] = (words.group_label(report), columns[0][1])
    return columns


def render_xlsx(report: Report) -> bytes:
    words = Words.of(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = words._("Recommendations")
    rows = [_cells(group.title, rec, words) for group in report.groups for rec in group.recommendations]
    _sheet(sheet, _columns(PUBLIC_COLUMNS, STAFF_COLUMNS, report, words), rows, words)
    actions = workbook.create_sheet(words._("Actions"))
    dated = [_action_cells(group.title, action, words) for group in report.groups for action in group.actions]
    _sheet(actions, _columns(ACTION_COLUMNS, STAFF_ACTION_COLUMNS, report, words), dated, words)
    _about(workbook, report, words)
    workbook.properties.title = document_title(words.title, report.subject)
    # Who made it, as the Word report names its author (Excel's File > Info): the publisher.
    author = words.publishing_body(report.publisher) if report.publisher is not None else None
    workbook.properties.creator = author
    workbook.properties.lastModifiedBy = author
    workbook.properties.language = words.lang
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
