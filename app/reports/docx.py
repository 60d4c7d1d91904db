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

from app.reports import labels
from app.reports.labels import xml_safe
from app.reports.publisher import publisher_lines
from app.reports.schemas import Report, ReportRecommendation, StaffRecommendation

HEADERS = (
    "Recommendation",
    "Source / symbol",
    "Position",
    "Status",
    "Responsible entity",
    "Actions",
    "Latest progress",
)
# Widths in cm on a landscape A4 page with 1.5 cm margins (26.7 cm of text).
WIDTHS = (7.5, 3.4, 1.8, 2.2, 3.4, 4.2, 4.2)


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


def _row_cells(rec: ReportRecommendation) -> list[list[list[_Run]]]:
    recommendation = _plain(rec.text or labels.NONE)
    if rec.themes:
        recommendation.append([("Themes: " + "; ".join(rec.themes), False, False, True)])
    progress = _plain(labels.progress(rec.latest_progress))
    if isinstance(rec, StaffRecommendation):
        if rec.priority_rationale:
            recommendation.append(_internal("Priority rationale (internal):", rec.priority_rationale))
        if rec.internal_notes:
            recommendation.append(_internal("Internal notes:", rec.internal_notes))
        if rec.latest_progress_internal is not None:
            progress.append([(labels.internal_progress(rec.latest_progress_internal), False, True, False)])
    status = labels.status(rec)
    if rec.priority:
        status += f"\nPriority: {labels.priority(rec)}"
    return [
        recommendation,
        _plain(labels.source(rec)),
        _plain(labels.position(rec)),
        _plain(status),
        _plain(labels.responsible(rec)),
        _plain(labels.actions(rec)),
        progress,
    ]


def _table(document: WordDocument, recommendations: list[ReportRecommendation]) -> None:
    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.paragraphs[0].add_run(header).bold = True
    # Word's "repeat as header row": the column titles on every page of a long table.
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    for column, width in zip(table.columns, WIDTHS, strict=True):
        column.width = Cm(width)
    # Rows are written as XML: python-docx's cell API costs milliseconds per cell, minutes for
    # a report of thousands of recommendations.
    for rec in recommendations:
        cells = "".join(
            _cell_xml(width, paragraphs) for width, paragraphs in zip(WIDTHS, _row_cells(rec), strict=True)
        )
        table._tbl.append(parse_xml(f"<w:tr {_W_NS}>{cells}</w:tr>"))


def render_docx(report: Report) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    document.styles["Normal"].font.size = Pt(9)
    document.core_properties.title = labels.TITLE
    document.core_properties.author = "NRTD"
    document.add_heading(labels.TITLE, level=0)
    document.add_paragraph(
        f"{labels.subtitle(report)}. Generated {labels.generated(report)}. "
        f"{report.total} recommendation{'' if report.total == 1 else 's'}."
    )
    for name, value in publisher_lines(report):
        document.add_paragraph(xml_safe(f"{name}: {value}"))
    if report.publisher is not None:
        document.core_properties.author = xml_safe(report.publisher.body)
    notice = document.add_paragraph()
    notice.add_run(labels.INTERNAL_WARNING if report.staff else labels.PUBLIC_NOTE).bold = report.staff
    filters = "; ".join(f"{name}: {value}" for name, value in report.filters)
    document.add_paragraph(xml_safe(f"Filters used: {filters or 'none (every current recommendation)'}."))
    group_label = labels.GROUP_LABELS[report.group_by]
    for group in report.groups:
        document.add_heading(xml_safe(f"{group_label}: {group.title}"), level=1)
        _table(document, group.recommendations)
    if not report.groups:
        document.add_paragraph("No recommendation matches these filters.")
    out = BytesIO()
    document.save(out)
    return out.getvalue()
