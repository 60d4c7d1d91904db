"""The report as a Word document (python-docx): a heading and a table per group, landscape A4."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from app.reports.labels import NONE, Words, _, xml_safe
from app.reports.schemas import (
    Report,
    ReportGroupAction,
    ReportRecommendation,
    StaffGroupAction,
    StaffRecommendation,
)

HEADERS = (
    _("Recommendation"),
    _("Source / symbol"),
    _("Position"),
    _("Status"),
    _("Responsible entity"),
    _("Actions"),
)
# Widths in cm on a landscape A4 page with 1.5 cm margins (26.7 cm of text).
WIDTHS = (8.9, 3.6, 2.0, 2.6, 4.0, 5.6)
ACTION_HEADERS = (_("Action"), _("Status"), _("Due"), _("Lead entity"), _("Latest progress"))
ACTION_WIDTHS = (6.0, 2.6, 2.6, 4.0, 11.5)


# A run of text: (text, bold, italic, small).
_Run = tuple[str, bool, bool, bool]
_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _run_xml(text: str, bold: bool = False, italic: bool = False, small: bool = False) -> str:
    """A WordprocessingML run; line breaks become ``<w:br/>``, everything is escaped."""
    props = (
        ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + ('<w:sz w:val="16"/>' if small else "")
    )
    pieces = "<w:br/>".join(
        f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in xml_safe(text).split("\n")
    )
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{pieces}</w:r>"


def _cell_xml(width: float, paragraphs: list[list[_Run]]) -> str:
    body = "".join("<w:p>" + "".join(_run_xml(*run) for run in runs) + "</w:p>" for runs in paragraphs)
    return f'<w:tc><w:tcPr><w:tcW w:w="{Cm(width).twips}" w:type="dxa"/></w:tcPr>{body}</w:tc>'


def _plain(text: str) -> list[list[_Run]]:
    return [[(text, False, False, False)]]


def _internal(heading: str, text: str) -> list[_Run]:
    """An internal remark, labelled and in italics so it cannot pass for published data."""
    return [(heading + " ", True, False, False), (text, False, True, False)]


def _row_cells(rec: ReportRecommendation, words: Words) -> list[list[list[_Run]]]:
    recommendation = _plain(rec.text or NONE)
    if rec.themes:
        recommendation.append(
            [(words._("Themes: %(themes)s", themes="; ".join(rec.themes)), False, False, True)]
        )
    if rec.sdg_goals:
        goals = ", ".join(rec.sdg_goals)
        recommendation.append([(words._("SDG goals: %(goals)s", goals=goals), False, False, True)])
    if isinstance(rec, StaffRecommendation):
        if rec.priority_rationale:
            recommendation.append(
                _internal(words._("Priority rationale (internal):"), rec.priority_rationale)
            )
        if rec.internal_notes:
            recommendation.append(_internal(words._("Internal notes:"), rec.internal_notes))
    status = words.status(rec)
    if rec.priority:
        status += "\n" + words._("Priority: %(priority)s", priority=words.priority(rec))
    return [
        recommendation,
        _plain(words.source(rec)),
        _plain(words.position(rec)),
        _plain(status),
        _plain(words.responsible(rec)),
        _plain(words.actions(rec)),
    ]


def _action_cells(action: ReportGroupAction, words: Words) -> list[list[list[_Run]]]:
    title = _plain(action.title)
    progress = _plain(words.progress(action.latest_progress))
    if isinstance(action, StaffGroupAction):
        if not action.published:
            title.append([(words._("[internal: not published]"), False, True, True)])
        if action.latest_progress_internal is not None:
            progress.append([(words.internal_progress(action.latest_progress_internal), False, True, False)])
    return [
        title,
        _plain(words.action_status(action)),
        _plain(words.day(action.due_date) if action.due_date else NONE),
        _plain(words.entity(action.lead_entity)),
        progress,
    ]


def _table(
    document: WordDocument,
    headers: tuple[str, ...],
    widths: tuple[float, ...],
    rows: list[list[list[list[_Run]]]],
) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(header).bold = True
    # Word's "repeat as header row": the column titles on every page of a long table.
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    # Rows are written as XML: python-docx's cell API costs milliseconds per cell, minutes for
    # a report of thousands of recommendations.
    for cells in rows:
        xml = "".join(_cell_xml(width, paragraphs) for width, paragraphs in zip(widths, cells, strict=True))
        table._tbl.append(parse_xml(f"<w:tr {_W_NS}>{xml}</w:tr>"))


def render_docx(report: Report) -> bytes:
    words = Words.of(report)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    document.styles["Normal"].font.size = Pt(9)
    document.core_properties.title = words.title
    document.core_properties.author = "NRTD"
    document.core_properties.language = words.lang
    document.add_heading(words.title, level=0)
    document.add_paragraph(words.summary(report))
    notice = document.add_paragraph()
    notice.add_run(words.notice(report)).bold = report.staff
    document.add_paragraph(xml_safe(words.filters(report)))
    headers = tuple(words._(header) for header in HEADERS)
    action_headers = tuple(words._(header) for header in ACTION_HEADERS)
    for group in report.groups:
        document.add_heading(xml_safe(f"{words.group_label(report)}: {group.title}"), level=1)
        _table(document, headers, WIDTHS, [_row_cells(rec, words) for rec in group.recommendations])
        if group.actions:
            document.add_heading(words._("Actions and their latest progress"), level=2)
            rows = [_action_cells(action, words) for action in group.actions]
            _table(document, action_headers, ACTION_WIDTHS, rows)
    if not report.groups:
        document.add_paragraph(words._("No recommendation matches these filters."))
    out = BytesIO()
    document.save(out)
    return out.getvalue()
