"""The template export's table: one row per recommendation, its languages side by side.

The columns are the CSV template's (``app.feed.template.columns.TEMPLATE_COLUMNS``) with ``text`` and
``language`` replaced by one ``text_<language>`` column per language of the exported texts
(``text_en``, ``text_fr`` ...; the six UN languages first, in UHRI's order, then the others).
``app.feed.template.reader`` reads such a file back; the rows are built from the same
``shared_cells`` as the one-row-per-language form (``app.feed.template.writer``), so both carry the
same cells.
``table_columns`` and ``table_cells`` are the one rule for the header and the rows: ``nrtd export
csv`` writes them as CSV (``write_table_csv``) or as an XLSX workbook streamed row by row
(``write_table_xlsx``, openpyxl's write-only mode: memory stays flat whatever the row count), the
API's template export streams them batch by batch (``app.exports.writers.template_csv_chunks``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import ColumnElement, Connection, select

from app.core.config import UHRI_LANGUAGES
from app.core.xml_text import xml_safe
from app.exports.sheet_layout import WRAP, finish_sheet, start_sheet, wrapped
from app.exports.template_records import SkipReport, TemplateRow
from app.exports.workbook_saving import save_workbook
from app.feed.template.columns import TEMPLATE_COLUMNS
from app.feed.template.writer import TemplateRecord, guard_formula, shared_cells
from app.models import Recommendation, RecommendationText

TEXT_PREFIX = "text_"
# The most characters a spreadsheet cell holds (Excel's limit; LibreOffice's is higher).
XLSX_CELL_LIMIT = 32_767


def text_column(language: str) -> str:
    return TEXT_PREFIX + language


def table_columns(languages: Sequence[str]) -> list[str]:
    """The header: the template's columns, with a text column per language where ``text`` is.

    With no language (nothing selected) ``text`` itself stays: a header without any text column
    is refused by the import, and an empty export should read back as nothing to do."""
    columns: list[str] = []
    for name in TEMPLATE_COLUMNS:
        if name == "text":
            columns.extend([text_column(language) for language in languages] or ["text"])
        elif name != "language":
            columns.append(name)
    return columns


def ordered_languages(languages: Iterable[str]) -> list[str]:
    present = set(languages)
    return [lang for lang in UHRI_LANGUAGES if lang in present] + sorted(present - set(UHRI_LANGUAGES))


def selection_languages(conn: Connection, conditions: Sequence[ColumnElement[bool]]) -> list[str]:
    """The languages the selected recommendations have texts in: one query, before the rows,
    so that the header can name them (a language with no visible text gets an empty column)."""
    selected = select(Recommendation.id).where(*conditions)
    query = (
        select(RecommendationText.lang).distinct().where(RecommendationText.recommendation_id.in_(selected))
    )
    return ordered_languages(conn.execute(query).scalars())


def table_cells(record: TemplateRecord, columns: Sequence[str]) -> list[str]:
    """One recommendation's row. Raises ``ValueError`` for what would not read back the same
    (a label with ";", no text, a text in a language the header has no column for)."""
    if not record.texts:
        raise ValueError(f"record {record.external_id!r} has no text")
    cells = shared_cells(record)
    for language, text in record.texts.items():
        cells[text_column(language)] = text
    missing = [name for name in cells if name.startswith(TEXT_PREFIX) and name not in columns]
    if missing:
        raise ValueError(f"record {record.external_id!r}: no column {', '.join(missing)}")
    return [guard_formula(cells.get(name, "")) for name in columns]


def write_table_csv(records: Iterable[TemplateRecord], out: TextIO, languages: Sequence[str]) -> None:
    """The header and one row per record; ``out`` opened with ``newline=""``."""
    columns = table_columns(languages)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow(table_cells(record, columns))


def write_table_xlsx(
    records: Iterable[TemplateRow], path: Path, languages: Sequence[str], report: SkipReport
) -> None:
    """The same table as the one sheet of an XLSX workbook written at ``path``.

    Every cell is text: one starting with "=" stays text, so the CSV's apostrophe is left out.
    Characters XML cannot hold (control characters other than tab and line breaks) are left out.
    A recommendation with a cell longer than a spreadsheet cell holds is not written (a spreadsheet
    would cut it) but reported to ``report``, like any recommendation the export leaves out.
    """
    columns = table_columns(languages)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("recommendations")
    start_sheet(sheet, columns)
    wraps = [wrapped(name) for name in columns]
    written = 0
    for record in records:
        values = [_unguarded(value) for value in table_cells(record, columns)]
        too_long = [name for name, value in zip(columns, values, strict=True) if len(value) > XLSX_CELL_LIMIT]
        if too_long:
            report(record.db_id, f"{too_long[0]}: longer than the {XLSX_CELL_LIMIT:,} characters of a cell")
            continue
        sheet.append([_text_cell(sheet, value, wrap) for value, wrap in zip(values, wraps, strict=True)])
        written += 1
    finish_sheet(sheet, columns, written)
    save_workbook(workbook, path)


def _unguarded(value: str) -> str:
    """The cell's own text, without the apostrophe ``guard_formula`` put before it for CSV."""
    return value[1:] if value.startswith("'") and guard_formula(value[1:]) == value else value


def _text_cell(sheet: WriteOnlyWorksheet, value: str, wrap: bool) -> WriteOnlyCell | None:
    if not value:
        return None
    cell = WriteOnlyCell(sheet, value=xml_safe(value))
    cell.data_type = "s"  # openpyxl would take a string starting with "=" for a formula
    if wrap:
        cell.alignment = WRAP
    return cell
